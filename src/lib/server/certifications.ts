// Certification tracker data access: records (a renewal is a new record
// linked to the one it renews; edits are audited with before/after), the
// organisation's reminder lead times and time zone (organisations.settings),
// tier requirements (organisation policy, set by admins), handled reminders,
// and calendar feed tokens. Every action authorizes itself, validates with
// zod, and writes its audit row in the same transaction as the change, so a
// denied or invalid request changes nothing.
//
// The certification catalog and the role guides' recommendations are content
// (#catalog: Catalogs.certifications), which callers pass in.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { createEvents, type EventAttributes } from 'ics';
import {
  buildMatrix,
  calendarEvents,
  certificationState,
  computeExpiry,
  CERT_STATES,
  CERTIFICATION_STATUSES,
  currentRecord,
  DEFAULT_LEAD_DAYS,
  dueReminder,
  historyOf,
  isReachedReminder,
  MAX_LEAD_COUNT,
  MAX_LEAD_DAYS,
  normaliseLeadDays,
  positionKey,
  type CertRecord,
  type CertState,
  type CertStatusView,
  type DueReminder,
  type Matrix,
  type MatrixPerson,
} from '#domain/certifications.ts';
import type { CertificationContent, CertificationEntry } from '#catalog/catalogs.ts';
import { auditedBy, changedFields, writeAudit } from '#server/audit/index.ts';
import type { Db, Executor } from './db/client.ts';
import { ID_SLICE, readInSlices } from './db/chunks.ts';
import {
  calendarFeedTokens,
  certificationRecords,
  certificationRemindersHandled,
  certificationRequirements,
  organisations,
  teamMemberships,
  teams,
  users,
  type CertificationRecordRow,
  type OrganisationSettings,
} from './db/schema.ts';
import { parseInput } from './outcome.ts';
import { isValidPosition, parsePosition, type JobRoleCatalog } from '#domain/job-roles.ts';
import { actableTeams, loadTeamContext } from '#server/teams/queries.ts';
import { addDays, isIsoDate, isValidTimeZone, localDate, type IsoDate } from '#domain/calendar.ts';
import { canManageTeam, canOverseeTeams, isAdmin, manageableTeams, managesPerson, type Actor } from '#domain/access.ts';
import { type ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from './outcome.ts';
import { parseId, type FormValues } from '#domain/fields.ts';

// --- content ---------------------------------------------------------------------

// --- settings ----------------------------------------------------------------------

export type CertificationSettings = { leadDays: number[]; timeZone: string };

export async function loadCertificationSettings(db: Executor, orgId: number): Promise<CertificationSettings> {
  const [org] = await db.select({ settings: organisations.settings }).from(organisations).where(eq(organisations.id, orgId)).limit(1);
  return settingsFrom(org?.settings ?? {});
}

export function settingsFrom(settings: OrganisationSettings): CertificationSettings {
  const leadDays = normaliseLeadDays(settings.certificationReminderDays ?? []);
  return {
    leadDays: leadDays.length ? leadDays : [...DEFAULT_LEAD_DAYS],
    timeZone: isValidTimeZone(settings.timeZone) ? settings.timeZone : 'UTC',
  };
}

/** The organisation's calendar date at `now`. */
export const todayIn = (settings: CertificationSettings, now: Date): IsoDate => localDate(now, settings.timeZone);

const leadDaysField = z.string({ error: 'Enter the lead times in days, for example 90, 60, 30, 7.' }).transform((value, ctx) => {
  const words = value.split(/[\s,;]+/).filter(Boolean);
  if (words.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'Enter at least one lead time, for example 90, 60, 30, 7.' });
    return z.NEVER;
  }
  const bad = words.find((w) => !/^\d{1,3}$/.test(w) || Number(w) < 1 || Number(w) > MAX_LEAD_DAYS);
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `"${bad.slice(0, 20)}" is not a whole number of days from 1 to ${MAX_LEAD_DAYS}.` });
    return z.NEVER;
  }
  const days = normaliseLeadDays(words.map(Number));
  if (days.length > MAX_LEAD_COUNT) {
    ctx.addIssue({ code: 'custom', message: `Use at most ${MAX_LEAD_COUNT} different lead times.` });
    return z.NEVER;
  }
  return days;
});

const timeZoneField = z
  .string({ error: 'Choose a time zone.' })
  .trim()
  .refine((tz) => isValidTimeZone(tz), { error: 'Choose a time zone from the list.' });

export async function updateCertificationSettings(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<CertificationSettings>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const parsed = parseInput(z.object({ leadDays: leadDaysField, timeZone: timeZoneField }), form);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const [org] = await tx.select().from(organisations).where(eq(organisations.id, ctx.actor.orgId)).limit(1);
    if (!org) return notFound();
    const before = settingsFrom(org.settings);
    const next = { leadDays: parsed.value.leadDays, timeZone: parsed.value.timeZone };
    // Merge: other features keep their own keys in the same JSON object.
    await tx
      .update(organisations)
      .set({ settings: { ...org.settings, certificationReminderDays: next.leadDays, timeZone: next.timeZone } })
      .where(eq(organisations.id, org.id));
    await writeAudit(tx, {
      orgId: org.id,
      actorUserId: ctx.actor.id,
      action: 'certification.settings_updated',
      target: { type: 'organisation', id: org.id },
      before,
      after: next,
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(next);
  });
}

// --- requirements --------------------------------------------------------------------

export async function loadRequirements(db: Executor, orgId: number): Promise<Map<string, Set<string>>> {
  const rows = await db.select().from(certificationRequirements).where(eq(certificationRequirements.orgId, orgId));
  const map = new Map<string, Set<string>>();
  for (const r of rows) {
    const key = positionKey(r.jobRole, r.tier)!;
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(r.certificationId);
  }
  return map;
}

export async function listRequirements(db: Executor, orgId: number) {
  return db
    .select()
    .from(certificationRequirements)
    .where(eq(certificationRequirements.orgId, orgId))
    .orderBy(asc(certificationRequirements.jobRole), asc(certificationRequirements.tier), asc(certificationRequirements.certificationId));
}

const requirementSchema = (content: CertificationContent, roles: JobRoleCatalog) =>
  z.object({
    position: z.string({ error: 'Choose a role and tier.' }).transform((value, ctx) => {
      const position = parsePosition(value);
      if (!position || !isValidPosition(roles, position.jobRole, position.tier)) {
        ctx.addIssue({ code: 'custom', message: 'Choose a role and tier from the list.' });
        return z.NEVER;
      }
      return position;
    }),
    certificationId: certificationIdField(content),
  });

export async function addRequirement(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
  content: CertificationContent,
  roles: JobRoleCatalog,
): Promise<Outcome<null>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const parsed = parseInput(requirementSchema(content, roles), form);
  if (!parsed.ok) return parsed;
  const { position, certificationId } = parsed.value;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(certificationRequirements)
      .values({ orgId: ctx.actor.orgId, ...position, certificationId, createdBy: ctx.actor.id, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return invalid({ certificationId: 'This tier already requires this certification.' }, undefined, 409);
    await writeAudit(tx, {
      ...auditedBy(ctx),
      action: 'certification.requirement_added',
      target: { type: 'organisation', id: ctx.actor.orgId },
      after: { ...position, certificationId },
    });
    return ok(null);
  });
}

export async function removeRequirement(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<null>> {
  if (!isAdmin(ctx.actor)) return forbidden();
  const position = parsePosition(form.position ?? '');
  const certificationId = form.certificationId ?? '';
  if (!position || !certificationId) return notFound();
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(certificationRequirements)
      .where(
        and(
          eq(certificationRequirements.orgId, ctx.actor.orgId),
          eq(certificationRequirements.jobRole, position.jobRole),
          eq(certificationRequirements.tier, position.tier),
          eq(certificationRequirements.certificationId, certificationId),
        ),
      )
      .returning();
    if (removed.length === 0) return notFound();
    await writeAudit(tx, {
      ...auditedBy(ctx),
      action: 'certification.requirement_removed',
      target: { type: 'organisation', id: ctx.actor.orgId },
      before: { ...position, certificationId },
    });
    return ok(null);
  });
}

// --- records: reading ------------------------------------------------------------------

export type RecordRow = CertificationRecordRow;

export async function listRecordsOf(db: Executor, userIds: readonly number[]): Promise<RecordRow[]> {
  const rows = await readInSlices(userIds, (slice) =>
    db.select().from(certificationRecords).where(inArray(certificationRecords.userId, slice)).orderBy(asc(certificationRecords.id)),
  );
  // Slices are each in id order; the whole list must be too (history and renewals read it so).
  return userIds.length > ID_SLICE ? rows.sort((a, b) => a.id - b.id) : rows;
}

const asCertRecord = (r: RecordRow): CertRecord & { userId: number } => ({
  id: r.id,
  userId: r.userId,
  certificationId: r.certificationId,
  status: r.status,
  earnedOn: r.earnedOn,
  expiresOn: r.expiresOn,
  renewsRecordId: r.renewsRecordId,
});

export type CertificationGroup = {
  entry: CertificationEntry;
  status: CertStatusView;
  /** Newest first; the current record first among earned ones. */
  history: RecordRow[];
  due: DueReminder | null;
};

export type OwnCertifications = {
  today: IsoDate;
  settings: CertificationSettings;
  groups: CertificationGroup[];
  /** Records of certifications the catalog no longer lists: shown as they are, never hidden. */
  orphans: RecordRow[];
  /** Whether the person has a working calendar feed token (the token itself is never stored). */
  feed: { active: boolean; createdAt: Date | null };
};

async function handledDatesFor(db: Executor, recordIds: readonly number[]): Promise<Map<number, Set<string>>> {
  const map = new Map<number, Set<string>>();
  if (recordIds.length === 0) return map;
  const rows = await readInSlices(recordIds, (slice) =>
    db
      .select({ recordId: certificationRemindersHandled.recordId, reminderOn: certificationRemindersHandled.reminderOn })
      .from(certificationRemindersHandled)
      .where(inArray(certificationRemindersHandled.recordId, slice)),
  );
  for (const r of rows) {
    if (!map.has(r.recordId)) map.set(r.recordId, new Set());
    map.get(r.recordId)!.add(r.reminderOn);
  }
  return map;
}

/**
 * One person's certifications, grouped per certification with state and
 * history: everything they hold or plan, plus what their tier requires or the
 * guide recommends. The page for /app/certifications/me/ (always the actor).
 */
export async function loadOwnCertifications(
  db: Executor,
  actor: Actor & { jobRole: string | null; tier: string | null },
  content: CertificationContent,
  now: Date,
): Promise<OwnCertifications> {
  const settings = await loadCertificationSettings(db, actor.orgId);
  const today = todayIn(settings, now);
  const records = await listRecordsOf(db, [actor.id]);
  const key = positionKey(actor.jobRole, actor.tier);
  const required = key ? ((await loadRequirements(db, actor.orgId)).get(key) ?? new Set<string>()) : new Set<string>();
  const recommended = key ? (content.recommended.get(key) ?? new Set<string>()) : new Set<string>();
  const handled = await handledDatesFor(
    db,
    records.map((r) => r.id),
  );
  const groups: CertificationGroup[] = [];
  for (const entry of content.catalog.values()) {
    const mine = records.filter((r) => r.certificationId === entry.id);
    if (mine.length === 0 && !required.has(entry.id) && !recommended.has(entry.id)) continue;
    const certRecords = mine.map(asCertRecord);
    const status = certificationState(
      {
        records: certRecords,
        required: required.has(entry.id),
        recommended: recommended.has(entry.id),
        today,
        leadDays: settings.leadDays,
      },
      entry.validity,
    );
    const order = historyOf(certRecords).map((r) => r.id);
    const history = order.map((id) => mine.find((r) => r.id === id)!);
    const due = status.current ? dueReminder(status.current, settings.leadDays, today, handled.get(status.current.id) ?? new Set()) : null;
    groups.push({ entry, status, history, due });
  }
  const [token] = await db
    .select({ createdAt: calendarFeedTokens.createdAt })
    .from(calendarFeedTokens)
    .where(and(eq(calendarFeedTokens.userId, actor.id), isNull(calendarFeedTokens.revokedAt)))
    .limit(1);
  const orphans = records.filter((r) => !content.catalog.has(r.certificationId));
  return {
    today,
    settings,
    groups: sortGroups(groups),
    orphans,
    feed: { active: token !== undefined, createdAt: token?.createdAt ?? null },
  };
}

const GROUP_ORDER: Record<CertState, number> = {
  expired: 0,
  missing: 1,
  expiring: 2,
  valid: 3,
  lifetime: 4,
  'unknown-expiry': 5,
  'in-progress': 6,
  planned: 7,
  recommended: 8,
  none: 9,
};

const sortGroups = (groups: CertificationGroup[]) =>
  groups.sort((a, b) => GROUP_ORDER[a.status.state] - GROUP_ORDER[b.status.state] || a.entry.name.localeCompare(b.entry.name));

// --- records: validation ----------------------------------------------------------------

const TEXT_LIMITS = { credentialId: 100, verificationUrl: 500, note: 1000 } as const;

const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .pipe(z.string().max(max, { error: `Use at most ${max} characters.` }))
    .transform((v) => (v === '' ? null : v));

const optionalDate = (label: string) =>
  z
    .string()
    .optional()
    .transform((v) => v?.trim() ?? '')
    .refine((v) => v === '' || isIsoDate(v), { error: `Enter the ${label} as a real date, YYYY-MM-DD.` })
    .refine((v) => v === '' || (v >= '1950-01-01' && v <= '2100-12-31'), { error: `Enter a ${label} between 1950 and 2100.` })
    .transform((v) => (v === '' ? null : v));

const verificationUrlField = optionalText(TEXT_LIMITS.verificationUrl).refine(
  (v) => {
    if (v === null) return true;
    try {
      const url = new URL(v);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && !/\s/.test(v);
    } catch {
      return false;
    }
  },
  { error: 'Enter a web address that starts with https:// or http://, for example https://www.credly.com/badges/…' },
);

function certificationIdField(content: CertificationContent) {
  return z
    .string({ error: 'Choose a certification.' })
    .refine((id) => content.catalog.has(id), { error: 'Choose a certification from the list.' });
}

const detailFields = {
  earnedOn: optionalDate('earned date'),
  expiresOn: optionalDate('expiry date'),
  credentialId: optionalText(TEXT_LIMITS.credentialId),
  verificationUrl: verificationUrlField,
  note: optionalText(TEXT_LIMITS.note),
};

type Details = { status: (typeof CERTIFICATION_STATUSES)[number]; earnedOn: IsoDate | null; expiresOn: IsoDate | null };

/** The date rules shared by add, edit and renew; adds issues to the form fields. */
function checkDates(v: Details, today: IsoDate, ctx: z.RefinementCtx) {
  if (v.status === 'earned') {
    if (!v.earnedOn) ctx.addIssue({ code: 'custom', path: ['earnedOn'], message: 'Enter the date you earned it.' });
    else if (v.earnedOn > today)
      ctx.addIssue({ code: 'custom', path: ['earnedOn'], message: `The earned date cannot be in the future (today is ${today}).` });
    if (v.earnedOn && v.expiresOn && v.expiresOn <= v.earnedOn) {
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: 'The expiry date must be after the earned date.' });
    }
  } else {
    if (v.earnedOn)
      ctx.addIssue({
        code: 'custom',
        path: ['earnedOn'],
        message: 'Only an earned certification has an earned date: leave it empty, or choose "Earned".',
      });
    if (v.expiresOn)
      ctx.addIssue({
        code: 'custom',
        path: ['expiresOn'],
        message: 'Only an earned certification has an expiry date: leave it empty, or choose "Earned".',
      });
  }
}

const statusField = z.enum(CERTIFICATION_STATUSES, { error: 'Choose planned, in progress or earned.' });

const addSchema = (content: CertificationContent, today: IsoDate) =>
  z
    .object({ certificationId: certificationIdField(content), status: statusField, ...detailFields })
    .superRefine((v, ctx) => checkDates(v, today, ctx));

const editSchema = (today: IsoDate) =>
  z.object({ status: statusField, ...detailFields }).superRefine((v, ctx) => checkDates(v, today, ctx));

const renewSchema = (today: IsoDate) =>
  z
    .object(detailFields)
    .transform((v) => ({ ...v, status: 'earned' as const }))
    .superRefine((v, ctx) => checkDates(v, today, ctx));

/** What the audit log keeps of a record. */
const recordSnapshot = (
  r: Pick<
    RecordRow,
    | 'certificationId'
    | 'status'
    | 'earnedOn'
    | 'expiresOn'
    | 'expirySource'
    | 'credentialId'
    | 'verificationUrl'
    | 'note'
    | 'renewsRecordId'
  >,
) => ({
  certificationId: r.certificationId,
  status: r.status,
  earnedOn: r.earnedOn,
  expiresOn: r.expiresOn,
  expirySource: r.expirySource,
  credentialId: r.credentialId,
  verificationUrl: r.verificationUrl,
  note: r.note,
  renewsRecordId: r.renewsRecordId,
});

/** expires_on and expiry_source for a record: entered wins, else computed from the catalog (null for lifetime / unknown validity). */
export function computeExpiryFor(entry: CertificationEntry, earnedOn: IsoDate | null, entered: IsoDate | null) {
  const expiry = computeExpiry(entry, earnedOn, entered);
  return { expiresOn: expiry.expiresOn, expirySource: expiry.source === 'entered' || expiry.source === 'computed' ? expiry.source : null };
}

/** The actor's own record, or 404 (someone else's record, another organisation, a tampered id). */
async function ownRecord(tx: Executor, actor: Actor, rawId: string | undefined): Promise<RecordRow | null> {
  const id = parseId(rawId);
  if (id === null) return null;
  const [row] = await tx.select().from(certificationRecords).where(eq(certificationRecords.id, id)).limit(1);
  return row && row.userId === actor.id && row.orgId === actor.orgId ? row : null;
}

// --- records: actions -------------------------------------------------------------------
// Records are kept by their holder (the /me/ page): the actions always act on
// the actor's own records, so a tampered record id is "not found".

export async function addRecord(db: Db, ctx: ActionContext, form: FormValues, content: CertificationContent): Promise<Outcome<RecordRow>> {
  if (!ctx.actor.active) return forbidden();
  return db.transaction(async (tx) => {
    const settings = await loadCertificationSettings(tx, ctx.actor.orgId);
    const parsed = parseInput(addSchema(content, todayIn(settings, ctx.now)), form);
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    const entry = content.catalog.get(v.certificationId)!;
    const values = {
      orgId: ctx.actor.orgId,
      userId: ctx.actor.id,
      certificationId: v.certificationId,
      status: v.status,
      earnedOn: v.earnedOn,
      ...computeExpiryFor(entry, v.earnedOn, v.expiresOn),
      credentialId: v.credentialId,
      verificationUrl: v.verificationUrl,
      note: v.note,
      renewsRecordId: null,
      createdBy: ctx.actor.id,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    const [row] = await tx.insert(certificationRecords).values(values).returning();
    await writeAudit(tx, {
      ...auditedBy(ctx),
      action: 'certification.record_added',
      target: { type: 'certification_record', id: row!.id },
      after: recordSnapshot(row!),
    });
    return ok(row!);
  });
}

export async function updateRecord(
  db: Db,
  ctx: ActionContext,
  rawRecordId: string | undefined,
  form: FormValues,
  content: CertificationContent,
): Promise<Outcome<RecordRow>> {
  if (!ctx.actor.active) return forbidden();
  return db.transaction(async (tx) => {
    const record = await ownRecord(tx, ctx.actor, rawRecordId);
    if (!record) return notFound();
    const settings = await loadCertificationSettings(tx, ctx.actor.orgId);
    const parsed = parseInput(editSchema(todayIn(settings, ctx.now)), form);
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    const entry = content.catalog.get(record.certificationId);
    if (!entry) return invalid({ form: 'This certification is no longer in the catalog, so its record cannot be edited.' });

    // A renewal chain stays a chain of earned records in date order.
    const [renewedBy] = await tx.select().from(certificationRecords).where(eq(certificationRecords.renewsRecordId, record.id)).limit(1);
    const previous =
      record.renewsRecordId === null
        ? undefined
        : (await tx.select().from(certificationRecords).where(eq(certificationRecords.id, record.renewsRecordId)).limit(1))[0];
    if ((renewedBy || previous) && v.status !== 'earned') {
      return invalid({ status: 'A record in a renewal history stays earned. Add a new plan instead.' });
    }
    if (previous?.earnedOn && v.earnedOn && v.earnedOn <= previous.earnedOn) {
      return invalid({ earnedOn: `A renewal is earned after the record it renews (earned ${previous.earnedOn}).` });
    }
    if (renewedBy?.earnedOn && v.earnedOn && v.earnedOn >= renewedBy.earnedOn) {
      return invalid({ earnedOn: `This record was renewed on ${renewedBy.earnedOn}: its earned date must be before that.` });
    }

    const next = {
      status: v.status,
      earnedOn: v.earnedOn,
      ...computeExpiryFor(entry, v.earnedOn, v.expiresOn),
      credentialId: v.credentialId,
      verificationUrl: v.verificationUrl,
      note: v.note,
    };
    // An expiry left empty is recomputed; one equal to the computed date stays "computed".
    if (next.expirySource === 'entered' && v.earnedOn && computeExpiry(entry, v.earnedOn).expiresOn === v.expiresOn)
      next.expirySource = 'computed';
    const diff = changedFields(recordSnapshot(record), recordSnapshot({ ...record, ...next }));
    if (Object.keys(diff.after).length === 0) return ok(record);
    const [updated] = await tx
      .update(certificationRecords)
      .set({ ...next, updatedAt: ctx.now })
      .where(eq(certificationRecords.id, record.id))
      .returning();
    await writeAudit(tx, {
      orgId: record.orgId,
      actorUserId: ctx.actor.id,
      action: 'certification.record_updated',
      target: { type: 'certification_record', id: record.id },
      before: diff.before,
      after: diff.after,
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(updated!);
  });
}

export async function renewRecord(
  db: Db,
  ctx: ActionContext,
  rawRecordId: string | undefined,
  form: FormValues,
  content: CertificationContent,
): Promise<Outcome<RecordRow>> {
  if (!ctx.actor.active) return forbidden();
  return db.transaction(async (tx) => {
    const record = await ownRecord(tx, ctx.actor, rawRecordId);
    if (!record) return notFound();
    const entry = content.catalog.get(record.certificationId);
    if (!entry) return invalid({ form: 'This certification is no longer in the catalog, so it cannot be renewed here.' });
    if (record.status !== 'earned') return invalid({ form: 'Only an earned certification can be renewed. Edit the plan instead.' });
    const siblings = (await listRecordsOf(tx, [ctx.actor.id])).filter((r) => r.certificationId === record.certificationId);
    const current = currentRecord(siblings.map(asCertRecord));
    if (current?.id !== record.id || siblings.some((r) => r.renewsRecordId === record.id)) {
      return invalid(
        { form: 'A newer record of this certification exists: renew the newest one.' },
        'This record has already been superseded.',
        409,
      );
    }
    const settings = await loadCertificationSettings(tx, ctx.actor.orgId);
    const parsed = parseInput(renewSchema(todayIn(settings, ctx.now)), form);
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    if (v.earnedOn! <= record.earnedOn!) {
      return invalid({ earnedOn: `A renewal is earned after the record it renews (earned ${record.earnedOn}).` });
    }
    const [row] = await tx
      .insert(certificationRecords)
      .values({
        orgId: record.orgId,
        userId: record.userId,
        certificationId: record.certificationId,
        status: 'earned',
        earnedOn: v.earnedOn,
        ...computeExpiryFor(entry, v.earnedOn, v.expiresOn),
        credentialId: v.credentialId,
        verificationUrl: v.verificationUrl,
        note: v.note,
        renewsRecordId: record.id,
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await writeAudit(tx, {
      orgId: record.orgId,
      actorUserId: ctx.actor.id,
      action: 'certification.record_renewed',
      target: { type: 'certification_record', id: row!.id },
      before: { recordId: record.id, earnedOn: record.earnedOn, expiresOn: record.expiresOn },
      after: recordSnapshot(row!),
      ip: ctx.ip,
      at: ctx.now,
    });
    return ok(row!);
  });
}

// --- compliance matrix -------------------------------------------------------------------

export type MatrixFilters = { teamId: number | null; states: CertState[]; certificationId: string | null };

export type MatrixView = Matrix & {
  today: IsoDate;
  settings: CertificationSettings;
  teams: { id: number; name: string }[];
  filters: MatrixFilters;
  /** Filter values that were not understood and were ignored. */
  ignored: string[];
};

/** Active people of the given teams (a person in two of them appears once, under the first). */
async function peopleOfTeams(db: Executor, teamRows: readonly { id: number; name: string }[]): Promise<MatrixPerson[]> {
  if (teamRows.length === 0) return [];
  const rows = await db
    .select({ id: users.id, name: users.displayName, jobRole: users.jobRole, tier: users.tier, teamId: teamMemberships.teamId })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(
      and(
        inArray(
          teamMemberships.teamId,
          teamRows.map((t) => t.id),
        ),
        eq(users.active, true),
      ),
    )
    .orderBy(asc(users.displayName), asc(users.id), asc(teamMemberships.teamId));
  const names = new Map(teamRows.map((t) => [t.id, t.name]));
  const seen = new Set<number>();
  const people: MatrixPerson[] = [];
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    people.push({ ...r, teamName: names.get(r.teamId) ?? '' });
  }
  return people;
}

async function matrixFor(
  db: Executor,
  orgId: number,
  teamRows: readonly { id: number; name: string }[],
  today: IsoDate,
  settings: CertificationSettings,
  content: CertificationContent,
  filters: Pick<MatrixFilters, 'states' | 'certificationId'>,
): Promise<Matrix> {
  const people = await peopleOfTeams(db, teamRows);
  const records = (
    await listRecordsOf(
      db,
      people.map((p) => p.id),
    )
  ).map(asCertRecord);
  return buildMatrix({
    people,
    records,
    catalog: content.catalog,
    required: await loadRequirements(db, orgId),
    recommended: content.recommended,
    today,
    leadDays: settings.leadDays,
    filters,
  });
}

/**
 * The compliance matrix of one team on `today` (a 'YYYY-MM-DD' date in the
 * organisation's time zone): people x certifications with states, counts and
 * the 12-month expiry timeline. No access check: callers (the page, the
 * benchmark) decide who may see it. Content defaults to the files on disk.
 */
export async function loadComplianceMatrix(
  db: Executor,
  teamId: number,
  today: IsoDate,
  content: CertificationContent,
  options: { filters?: Partial<Pick<MatrixFilters, 'states' | 'certificationId'>> } = {},
): Promise<Matrix> {
  const [team] = await db.select({ id: teams.id, name: teams.name, orgId: teams.orgId }).from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!team) throw new Error(`No team ${teamId}`);
  const settings = await loadCertificationSettings(db, team.orgId);
  return matrixFor(db, team.orgId, [team], today, settings, content, {
    states: options.filters?.states ?? [],
    certificationId: options.filters?.certificationId ?? null,
  });
}

/** Reads the GET filters; a team outside the actor's teams is "not found" (a tampered id), other unknown values are ignored and named. */
export function parseMatrixFilters(params: URLSearchParams, content: CertificationContent) {
  const ignored: string[] = [];
  const rawTeam = params.get('team') ?? '';
  const teamId = rawTeam === '' ? null : parseId(rawTeam);
  const states: CertState[] = [];
  for (const s of params.getAll('state')) {
    if (s === '') continue;
    if ((CERT_STATES as readonly string[]).includes(s)) states.push(s as CertState);
    else ignored.push(`state "${s.slice(0, 40)}"`);
  }
  const rawCert = params.get('certification') ?? '';
  let certificationId: string | null = null;
  if (rawCert !== '') {
    if (content.catalog.has(rawCert)) certificationId = rawCert;
    else ignored.push(`certification "${rawCert.slice(0, 40)}"`);
  }
  return { teamId, badTeam: rawTeam !== '' && teamId === null, states: [...new Set(states)], certificationId, ignored };
}

/** The matrix page and the CSV export: managers see their teams, admins every team. */
export async function complianceMatrixView(
  db: Executor,
  actor: Actor,
  params: URLSearchParams,
  content: CertificationContent,
  now: Date,
): Promise<Outcome<MatrixView>> {
  if (!canOverseeTeams(actor)) return forbidden();
  const orgTeams = await actableTeams(db, actor);
  const mine = manageableTeams(actor, orgTeams);
  const parsed = parseMatrixFilters(params, content);
  if (parsed.badTeam) return notFound();
  const selected = parsed.teamId === null ? mine : mine.filter((t) => t.id === parsed.teamId);
  if (parsed.teamId !== null && selected.length === 0) return notFound();
  const settings = await loadCertificationSettings(db, actor.orgId);
  const today = todayIn(settings, now);
  const matrix = await matrixFor(db, actor.orgId, selected, today, settings, content, parsed);
  return ok({
    ...matrix,
    today,
    settings,
    teams: mine.map((t) => ({ id: t.id, name: t.name })),
    filters: { teamId: parsed.teamId, states: parsed.states, certificationId: parsed.certificationId },
    ignored: parsed.ignored,
  });
}

/** The export's rows: one line per person x certification that is held, planned, required or recommended. */
export function matrixCsvRows(view: MatrixView, describe: (jobRole: string | null, tier: string | null) => string) {
  const header = ['Person', 'Team', 'Role and tier', 'Certification', 'State', 'Required', 'Earned on', 'Expires on', 'Days left', 'Plan'];
  const rows: (string | number | null)[][] = [header];
  const names = new Map(view.columns.map((c) => [c.id, c.name]));
  for (const row of view.rows) {
    for (const cell of row.cells) {
      if (cell.state === 'none') continue;
      if (view.filters.states.length && !view.filters.states.includes(cell.state)) continue;
      rows.push([
        row.person.name,
        row.person.teamName,
        describe(row.person.jobRole, row.person.tier),
        names.get(cell.certificationId) ?? cell.certificationId,
        cell.state,
        cell.required ? 'yes' : 'no',
        cell.current?.earnedOn ?? null,
        cell.expiresOn,
        cell.daysLeft,
        cell.plan ? cell.plan.status.replace('_', ' ') : null,
      ]);
    }
  }
  return rows;
}

// --- reminders -----------------------------------------------------------------------

export type DueReminderItem = DueReminder & {
  person: { id: number; name: string };
  certificationName: string;
  /** True when the reminder is about the viewer's own certification. */
  own: boolean;
};

/**
 * Reminders due on the organisation's today for the actor: their own
 * certifications, and for a manager those of the active people in the teams
 * they manage. Most urgent first.
 */
export async function dueRemindersFor(
  db: Executor,
  actor: Actor,
  content: CertificationContent,
  now: Date,
): Promise<{ today: IsoDate; items: DueReminderItem[] }> {
  const settings = await loadCertificationSettings(db, actor.orgId);
  const today = todayIn(settings, now);
  const people = new Map<number, string>();
  const [self] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, actor.id)).limit(1);
  people.set(actor.id, self?.name ?? '');
  if (actor.role === 'manager' && actor.active) {
    const orgTeams = await db
      .select({ id: teams.id, name: teams.name, orgId: teams.orgId, managerUserId: teams.managerUserId })
      .from(teams)
      .where(and(eq(teams.orgId, actor.orgId), eq(teams.managerUserId, actor.id)));
    for (const p of await peopleOfTeams(db, manageableTeams(actor, orgTeams))) people.set(p.id, p.name);
  }
  const records = await listRecordsOf(db, [...people.keys()]);
  const byPersonCert = new Map<string, (CertRecord & { userId: number })[]>();
  for (const r of records.map(asCertRecord)) {
    const key = `${r.userId}:${r.certificationId}`;
    if (!byPersonCert.has(key)) byPersonCert.set(key, []);
    byPersonCert.get(key)!.push(r);
  }
  const currents = [...byPersonCert.values()]
    .map((list) => currentRecord(list))
    .filter((r): r is CertRecord & { userId: number } => r !== null);
  const handled = await handledDatesFor(
    db,
    currents.map((r) => r.id),
  );
  const items: DueReminderItem[] = [];
  for (const record of currents) {
    const due = dueReminder(record, settings.leadDays, today, handled.get(record.id) ?? new Set());
    if (!due) continue;
    const entry = content.catalog.get(record.certificationId);
    items.push({
      ...due,
      person: { id: record.userId, name: people.get(record.userId) ?? '' },
      certificationName: entry?.name ?? record.certificationId,
      own: record.userId === actor.id,
    });
  }
  items.sort((a, b) => a.daysLeft - b.daysLeft || a.person.name.localeCompare(b.person.name));
  return { today, items };
}

/** The holder, a manager of the holder, or an admin of the organisation may mark a reminder handled. */
export async function markReminderHandled(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
): Promise<Outcome<{ recordId: number; reminderOn: IsoDate }>> {
  if (!ctx.actor.active) return forbidden();
  return db.transaction(async (tx) => {
    const id = parseId(form.recordId);
    const [record] = id === null ? [] : await tx.select().from(certificationRecords).where(eq(certificationRecords.id, id)).limit(1);
    if (!record || record.orgId !== ctx.actor.orgId) return notFound();
    if (record.userId !== ctx.actor.id && !isAdmin(ctx.actor)) {
      const [holder] = await tx.select({ active: users.active }).from(users).where(eq(users.id, record.userId)).limit(1);
      if (!holder?.active || !managesPerson(ctx.actor, record.userId, await loadTeamContext(tx, ctx.actor))) return notFound();
    }
    const reminderOn = form.reminderOn ?? '';
    const settings = await loadCertificationSettings(tx, record.orgId);
    const today = todayIn(settings, ctx.now);
    const siblings = (await listRecordsOf(tx, [record.userId]))
      .filter((r) => r.certificationId === record.certificationId)
      .map(asCertRecord);
    if (currentRecord(siblings)?.id !== record.id) {
      return invalid({ form: 'This certification has been renewed since: the reminder no longer applies.' }, 'Nothing to mark.', 409);
    }
    if (!isIsoDate(reminderOn) || !isReachedReminder(asCertRecord(record), settings.leadDays, reminderOn, today)) {
      return invalid({ form: 'This is not a reminder that is due for this certification.' });
    }
    const inserted = await tx
      .insert(certificationRemindersHandled)
      .values({ recordId: record.id, reminderOn, handledBy: ctx.actor.id, handledAt: ctx.now })
      .onConflictDoNothing()
      .returning();
    // Marking twice (two tabs, a double click) is not an error and not a second audit row.
    if (inserted.length > 0) {
      await writeAudit(tx, {
        orgId: record.orgId,
        actorUserId: ctx.actor.id,
        action: 'certification.reminder_handled',
        target: { type: 'certification_record', id: record.id },
        after: { reminderOn, holderUserId: record.userId, certificationId: record.certificationId },
        ip: ctx.ip,
        at: ctx.now,
      });
    }
    return ok({ recordId: record.id, reminderOn });
  });
}

// --- calendar feed tokens ------------------------------------------------------------------

const TOKEN = /^([a-z2-7]{24})-([a-z2-7]{24})$/;

/** 15 random bytes = 120 bits, as 24 lower-case base32 characters. */
const randomPart = () => encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret));

/**
 * A new feed token for the actor; any previous one stops working at once.
 * The token is returned only here: only its secret's SHA-256 is stored, so a
 * lost URL is replaced, never shown again.
 */
export async function createCalendarToken(db: Db, ctx: ActionContext): Promise<Outcome<{ token: string }>> {
  if (!ctx.actor.active) return forbidden();
  const id = randomPart();
  const secret = randomPart();
  return db.transaction(async (tx) => {
    const revoked = await tx
      .update(calendarFeedTokens)
      .set({ revokedAt: ctx.now })
      .where(and(eq(calendarFeedTokens.userId, ctx.actor.id), isNull(calendarFeedTokens.revokedAt)))
      .returning({ id: calendarFeedTokens.id });
    for (const r of revoked) {
      await writeAudit(tx, {
        ...auditedBy(ctx),
        action: 'calendar.token_revoked',
        target: { type: 'calendar_token', id: r.id },
        after: { reason: 'replaced' },
      });
    }
    await tx
      .insert(calendarFeedTokens)
      .values({ id, userId: ctx.actor.id, secretHash: Buffer.from(hashSecret(secret)), createdAt: ctx.now });
    await writeAudit(tx, { ...auditedBy(ctx), action: 'calendar.token_created', target: { type: 'calendar_token', id } });
    return ok({ token: `${id}-${secret}` });
  });
}

export async function revokeCalendarToken(db: Db, ctx: ActionContext): Promise<Outcome<{ revoked: number }>> {
  return db.transaction(async (tx) => {
    const revoked = await tx
      .update(calendarFeedTokens)
      .set({ revokedAt: ctx.now })
      .where(and(eq(calendarFeedTokens.userId, ctx.actor.id), isNull(calendarFeedTokens.revokedAt)))
      .returning({ id: calendarFeedTokens.id });
    for (const r of revoked) {
      await writeAudit(tx, {
        ...auditedBy(ctx),
        action: 'calendar.token_revoked',
        target: { type: 'calendar_token', id: r.id },
        after: { reason: 'revoked' },
      });
    }
    return ok({ revoked: revoked.length });
  });
}

/** The active holder of a feed token, or null for a malformed, unknown, revoked or wrong token (or a deactivated holder). */
export async function feedTokenOwner(db: Executor, rawToken: string) {
  const parts = TOKEN.exec(rawToken);
  if (!parts) return null;
  const [, id, secret] = parts as unknown as [string, string, string];
  const [row] = await db
    .select({
      token: calendarFeedTokens,
      user: { id: users.id, orgId: users.orgId, role: users.role, active: users.active, displayName: users.displayName },
    })
    .from(calendarFeedTokens)
    .innerJoin(users, eq(users.id, calendarFeedTokens.userId))
    .where(and(eq(calendarFeedTokens.id, id), isNull(calendarFeedTokens.revokedAt)))
    .limit(1);
  if (!row || !row.user.active) return null;
  if (!constantTimeEqual(new Uint8Array(row.token.secretHash), hashSecret(secret))) return null;
  return row.user;
}

export type CalendarFeed = { ok: true; body: string; filename: string } | { ok: false; status: 404 };

/**
 * The .ics feed behind /calendar/<token>.ics: the holder's own certifications,
 * or with ?team=<id> a team the holder manages (admins: any team of their
 * organisation). Every failure is the same 404, so a feed URL reveals nothing.
 */
export async function calendarFeed(
  db: Executor,
  rawToken: string,
  rawTeam: string | null,
  content: CertificationContent,
  now: Date,
  uidDomain: string,
): Promise<CalendarFeed> {
  const owner = await feedTokenOwner(db, rawToken);
  if (!owner) return { ok: false, status: 404 };
  const settings = await loadCertificationSettings(db, owner.orgId);
  let people: { id: number; name: string }[];
  let calName: string;
  let filename: string;
  if (rawTeam === null) {
    people = [{ id: owner.id, name: owner.displayName }];
    calName = `Certifications: ${owner.displayName}`;
    filename = 'my-certifications.ics';
  } else {
    const teamId = parseId(rawTeam);
    const [team] = teamId === null ? [] : await db.select().from(teams).where(eq(teams.id, teamId)).limit(1);
    if (!team || !canManageTeam(owner, team)) return { ok: false, status: 404 };
    people = await peopleOfTeams(db, [team]);
    calName = `Certifications: ${team.name}`;
    filename = `team-${team.id}-certifications.ics`;
  }
  const records = (
    await listRecordsOf(
      db,
      people.map((p) => p.id),
    )
  ).map(asCertRecord);
  const events = people.flatMap((person) =>
    calendarEvents(
      person,
      records.filter((r) => r.userId === person.id),
      content.catalog,
      settings.leadDays,
      { includeName: rawTeam !== null, uidDomain },
    ),
  );
  const attributes: EventAttributes[] = events.map((e) => {
    return {
      uid: e.uid,
      // All-day events: DTSTART;VALUE=DATE, and DTEND the (exclusive) next day.
      start: dateArray(e.date),
      end: dateArray(addDays(e.date, 1)),
      title: e.title,
      description: e.description,
      categories: [e.kind === 'expiry' ? 'Certification expiry' : 'Certification reminder'],
      transp: 'TRANSPARENT',
      busyStatus: 'FREE',
      // DTSTAMP: when the feed was produced; stable UIDs let calendars update events in place.
      created: now.getTime(),
    };
  });
  const { error, value } = createEvents(attributes, { productId: '-//OpsPath//Certification tracker//EN', calName });
  if (error || value === null) throw error ?? new Error('ics produced no output');
  return { ok: true, body: value, filename };
}

const dateArray = (date: IsoDate) => date.split('-').map(Number) as [number, number, number];
