// Certification data for the demo organisation, seeded inside the demo
// transaction (src/lib/server/demo.ts). Dates are relative to the seeding day,
// so the demo always shows every state: valid, one expiring within 30 days,
// one expiring within 90, expired, lifetime, unknown expiry, planned and in
// progress, a renewal with its history, and required certifications nobody
// holds (missing). Requirements are set for the positions the demo people
// actually have, so this works whatever tiers the role guides define.
import { and, eq, inArray } from 'drizzle-orm';
import type { CertificationContent } from '#catalog/catalogs.ts';
import { addDays, addMonths, type IsoDate } from '#domain/calendar.ts';
import { writeAudit } from '#server/audit/index.ts';
import type { Executor } from '#server/db/client.ts';
import { certificationRecords, certificationRequirements, organisations, users, type OrganisationSettings } from '#server/db/schema.ts';
import { computeExpiryFor } from '#domain/certifications.ts';

type DemoRecord = {
  email: string;
  certificationId: string;
  status: 'planned' | 'in_progress' | 'earned';
  /** Earned date relative to today. */
  earned?: (today: IsoDate) => IsoDate;
  credentialId?: string;
  note?: string;
  /** Index (in this list) of the record this one renews. */
  renews?: number;
};

const monthsAgo =
  (months: number, plusDays = 0) =>
  (today: IsoDate) =>
    addDays(addMonths(today, -months), plusDays);

const RECORDS: DemoRecord[] = [
  // Warehouse Operations
  /* 0 */ {
    email: 'tom.becker@demo.opspath.test',
    certificationId: 'pmi-capm',
    status: 'earned',
    earned: monthsAgo(36, 21),
    credentialId: 'CAPM-2231907',
    note: 'Renewal PDUs: 11 of 15 logged.',
  },
  /* 1 */ { email: 'tom.becker@demo.opspath.test', certificationId: 'asq-cssyb', status: 'earned', earned: monthsAgo(26) },
  /* 2 */ {
    email: 'ioana.popescu@demo.opspath.test',
    certificationId: 'itil4-foundation',
    status: 'earned',
    earned: monthsAgo(50),
    credentialId: 'GR671104872IP',
  },
  /* 3 */ {
    email: 'ioana.popescu@demo.opspath.test',
    certificationId: 'itil4-foundation',
    status: 'earned',
    earned: monthsAgo(13),
    credentialId: 'GR671129934IP',
    note: 'Renewed by retaking the exam.',
    renews: 2,
  },
  /* 4 */ { email: 'ioana.popescu@demo.opspath.test', certificationId: 'ms-pl300', status: 'earned', earned: monthsAgo(14) },
  /* 5 */ {
    email: 'samuel.okafor@demo.opspath.test',
    certificationId: 'ascm-cscp',
    status: 'in_progress',
    note: 'Module 2 of 3; exam booked for spring.',
  },
  /* 6 */ { email: 'lena.fischer@demo.opspath.test', certificationId: 'asq-cssgb', status: 'earned', earned: monthsAgo(38) },
  /* 7 */ {
    email: 'lena.fischer@demo.opspath.test',
    certificationId: 'lean-management',
    status: 'earned',
    earned: monthsAgo(11),
    note: 'Three-day course certificate; no expiry printed.',
  },
  // Customer Operations
  /* 8 */ { email: 'elena.dumitru@demo.opspath.test', certificationId: 'ms-pl300', status: 'earned', earned: monthsAgo(5) },
  /* 9 */ {
    email: 'marcus.reid@demo.opspath.test',
    certificationId: 'pmi-pmp',
    status: 'earned',
    earned: monthsAgo(12),
    credentialId: '3318842',
  },
  /* 10 */ { email: 'marcus.reid@demo.opspath.test', certificationId: 'asq-cssbb', status: 'earned', earned: monthsAgo(36, 75) },
  /* 11 */ { email: 'priya.raman@demo.opspath.test', certificationId: 'iaap-cap', status: 'earned', earned: monthsAgo(20) },
  /* 12 */ { email: 'ana.silva@demo.opspath.test', certificationId: 'ascm-cscp', status: 'earned', earned: monthsAgo(24) },
  /* 13 */ {
    email: 'ana.silva@demo.opspath.test',
    certificationId: 'pmi-pmp',
    status: 'planned',
    note: 'After the CSCP maintenance points are in.',
  },
  /* 14 */ { email: 'jonas.weber@demo.opspath.test', certificationId: 'pmi-capm', status: 'planned' },
];

/** Certifications the demo organisation requires, by the person whose position (role + tier) requires it. */
const REQUIRED: { email: string; certificationId: string }[] = [
  { email: 'newhire@demo.opspath.test', certificationId: 'excel-certification' },
  { email: 'ioana.popescu@demo.opspath.test', certificationId: 'itil4-foundation' },
  { email: 'jonas.weber@demo.opspath.test', certificationId: 'pmi-capm' },
];

export async function seedDemoCertifications(
  tx: Executor,
  orgId: number,
  now: Date,
  today: IsoDate,
  content: CertificationContent,
): Promise<void> {
  const { catalog } = content;
  const system = { orgId, actorUserId: null, ip: null, at: now };

  const [org] = await tx.select({ settings: organisations.settings }).from(organisations).where(eq(organisations.id, orgId)).limit(1);
  const settings: OrganisationSettings = { ...(org?.settings ?? {}), certificationReminderDays: [90, 60, 30, 7] };
  await tx.update(organisations).set({ settings }).where(eq(organisations.id, orgId));
  await writeAudit(tx, {
    ...system,
    action: 'certification.settings_updated',
    target: { type: 'organisation', id: orgId },
    after: { leadDays: settings.certificationReminderDays },
  });

  const emails = [...new Set([...RECORDS, ...REQUIRED].map((r) => r.email))];
  const people = await tx
    .select({ id: users.id, email: users.email, jobRole: users.jobRole, tier: users.tier })
    .from(users)
    .where(and(eq(users.orgId, orgId), inArray(users.email, emails)));
  const byEmail = new Map(people.map((p) => [p.email, p]));

  for (const req of REQUIRED) {
    const person = byEmail.get(req.email);
    if (!person?.jobRole || !person.tier || !catalog.has(req.certificationId)) continue;
    const values = {
      orgId,
      jobRole: person.jobRole,
      tier: person.tier,
      certificationId: req.certificationId,
      createdBy: null,
      createdAt: now,
    };
    const inserted = await tx.insert(certificationRequirements).values(values).onConflictDoNothing().returning();
    if (inserted.length) {
      await writeAudit(tx, {
        ...system,
        action: 'certification.requirement_added',
        target: { type: 'organisation', id: orgId },
        after: { jobRole: person.jobRole, tier: person.tier, certificationId: req.certificationId },
      });
    }
  }

  const ids: number[] = [];
  for (const r of RECORDS) {
    const person = byEmail.get(r.email);
    const entry = catalog.get(r.certificationId);
    if (!person || !entry) {
      ids.push(-1);
      continue;
    }
    const earnedOn = r.status === 'earned' && r.earned ? r.earned(today) : null;
    const renewsRecordId = r.renews !== undefined && (ids[r.renews] ?? -1) > 0 ? ids[r.renews]! : null;
    const [row] = await tx
      .insert(certificationRecords)
      .values({
        orgId,
        userId: person.id,
        certificationId: r.certificationId,
        status: r.status,
        earnedOn,
        ...computeExpiryFor(entry, earnedOn, null),
        credentialId: r.credentialId ?? null,
        verificationUrl: null,
        note: r.note ?? null,
        renewsRecordId,
        createdBy: person.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    ids.push(row!.id);
    await writeAudit(tx, {
      ...system,
      action: renewsRecordId ? 'certification.record_renewed' : 'certification.record_added',
      target: { type: 'certification_record', id: row!.id },
      after: {
        userId: person.id,
        certificationId: r.certificationId,
        status: r.status,
        earnedOn,
        expiresOn: row!.expiresOn,
        renewsRecordId,
        demo: true,
      },
    });
  }
}
