// Certification records, kept by their holder (the /me/ page): reading one's
// own certifications with state and history, the form rules, and the actions
// add, edit and renew (a renewal is a new record linked to the one it renews,
// so the history stays; edits are audited with before/after).
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import {
  certificationState,
  computeExpiry,
  computeExpiryFor,
  CERTIFICATION_STATUSES,
  currentRecord,
  dueReminder,
  historyOf,
  positionKey,
  type CertState,
  type CertStatusView,
  type DueReminder,
} from '#domain/certifications.ts';
import type { IsoDate } from '#domain/calendar.ts';
import { canKeepOwnCertifications, type Actor } from '#domain/access.ts';
import { choiceOf, idFromList, optionalDate, optionalText, optionalWebLink, parseId, type FormValues } from '#domain/fields.ts';
import type { CertificationContent, CertificationEntry } from '#catalog/catalogs.ts';
import { changedFields, writeActorAudit, type AuditAction, type AuditEvent } from '#server/audit/index.ts';
import type { Db, Executor, Tx } from '#server/db/client.ts';
import { calendarFeedTokens, certificationRecords } from '#server/db/schema.ts';
import type { ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import { listManageableTeams } from '#server/teams/queries.ts';
import {
  asCertRecord,
  handledDatesFor,
  listRecordsOf,
  loadCertificationSettings,
  loadRequirements,
  type CertificationSettings,
  type RecordRow,
} from './queries.ts';

// --- records: reading ------------------------------------------------------------------

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
  /** The choices of the add form: every certification of the catalog. */
  certifications: { id: string; name: string }[];
  /**
   * Whether the person has a working calendar feed token (the token itself is
   * never stored), and the teams whose feeds it opens (asked for only when a
   * new address is shown).
   */
  feed: { active: boolean; createdAt: Date | null; teams: { id: number; name: string }[] };
};

/**
 * One person's certifications on `today`, grouped per certification with state
 * and history: everything they hold or plan, plus what their tier requires or
 * the guide recommends. The page for /app/certifications/me/ (always the actor).
 */
export async function ownCertificationsView(
  db: Executor,
  actor: Actor & { jobRole: string | null; tier: string | null },
  content: CertificationContent,
  today: IsoDate,
  options: { feedTeams?: boolean } = {},
): Promise<Outcome<OwnCertifications>> {
  if (!canKeepOwnCertifications(actor)) return forbidden();
  const settings = await loadCertificationSettings(db, actor.orgId);
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
  const teams = options.feedTeams ? (await listManageableTeams(db, actor)).map((t) => ({ id: t.id, name: t.name })) : [];
  return ok({
    today,
    settings,
    groups: sortGroups(groups),
    orphans,
    certifications: [...content.catalog.values()].map((c) => ({ id: c.id, name: c.name })),
    feed: { active: token !== undefined, createdAt: token?.createdAt ?? null, teams },
  });
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

/** A certification of the catalog (the add form and the requirements form). */
export const certificationIdField = (content: CertificationContent) =>
  idFromList((id) => content.catalog.has(id), 'Choose a certification from the list.');

const detailFields = {
  earnedOn: optionalDate(),
  expiresOn: optionalDate(),
  credentialId: optionalText(TEXT_LIMITS.credentialId),
  verificationUrl: optionalWebLink(TEXT_LIMITS.verificationUrl),
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

const statusField = choiceOf(CERTIFICATION_STATUSES, 'Choose planned, in progress or earned.');

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

/** The columns a record's form sets: status, dates (the expiry computed from the catalog unless entered) and evidence. */
const detailColumns = (entry: CertificationEntry, v: Details & Pick<RecordRow, 'credentialId' | 'verificationUrl' | 'note'>) => ({
  status: v.status,
  earnedOn: v.earnedOn,
  ...computeExpiryFor(entry, v.earnedOn, v.expiresOn),
  credentialId: v.credentialId,
  verificationUrl: v.verificationUrl,
  note: v.note,
});

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

/** The actor's own record, or 404 (someone else's record, another organisation, a tampered id). */
async function ownRecord(tx: Executor, actor: Actor, rawId: string | undefined): Promise<RecordRow | null> {
  const id = parseId(rawId);
  if (id === null) return null;
  const [row] = await tx.select().from(certificationRecords).where(eq(certificationRecords.id, id)).limit(1);
  return row && row.userId === actor.id && row.orgId === actor.orgId ? row : null;
}

/** The audit row of a change to a certification record. */
const auditRecord = (
  tx: Executor,
  ctx: ActionContext,
  action: AuditAction,
  recordId: number,
  change: Pick<AuditEvent, 'before' | 'after'>,
) => writeActorAudit(tx, ctx, action, { type: 'certification_record', id: recordId }, change);

/** Runs an edit of one of the actor's own records in a transaction: 403 if they keep none, 404 for any other record. */
async function withOwnRecord<T>(
  db: Db,
  ctx: ActionContext,
  rawRecordId: string | undefined,
  edit: (tx: Tx, record: RecordRow) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  if (!canKeepOwnCertifications(ctx.actor)) return forbidden();
  return db.transaction(async (tx) => {
    const record = await ownRecord(tx, ctx.actor, rawRecordId);
    return record ? edit(tx, record) : notFound();
  });
}

/** Editing and renewing: a form about one of the actor's own records. */
type OwnRecordAction = (
  db: Db,
  ctx: ActionContext,
  rawRecordId: string | undefined,
  form: FormValues,
  content: CertificationContent,
) => Promise<Outcome<RecordRow>>;

// --- records: actions -------------------------------------------------------------------
// Records are kept by their holder (the /me/ page): the actions always act on
// the actor's own records, so a tampered record id is "not found". "Today"
// (no earned date after it) is the organisation's: ctx.today.

export async function addRecord(db: Db, ctx: ActionContext, form: FormValues, content: CertificationContent): Promise<Outcome<RecordRow>> {
  if (!canKeepOwnCertifications(ctx.actor)) return forbidden();
  const parsed = parseInput(addSchema(content, ctx.today), form);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  const entry = content.catalog.get(v.certificationId)!;
  return db.transaction(async (tx) => {
    const values = {
      orgId: ctx.actor.orgId,
      userId: ctx.actor.id,
      certificationId: v.certificationId,
      ...detailColumns(entry, v),
      renewsRecordId: null,
      createdBy: ctx.actor.id,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    const [row] = await tx.insert(certificationRecords).values(values).returning();
    await auditRecord(tx, ctx, 'certification.record_added', row!.id, { after: recordSnapshot(row!) });
    return ok(row!);
  });
}

export const updateRecord: OwnRecordAction = (db, ctx, rawRecordId, form, content) =>
  withOwnRecord(db, ctx, rawRecordId, async (tx, record) => {
    const parsed = parseInput(editSchema(ctx.today), form);
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

    const next = detailColumns(entry, v);
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
    await auditRecord(tx, ctx, 'certification.record_updated', record.id, diff);
    return ok(updated!);
  });

export const renewRecord: OwnRecordAction = (db, ctx, rawRecordId, form, content) =>
  withOwnRecord(db, ctx, rawRecordId, async (tx, record) => {
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
    const parsed = parseInput(renewSchema(ctx.today), form);
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
        ...detailColumns(entry, v),
        // Most issuers keep the credential id across renewals: a form that does not send the field keeps it.
        credentialId: Object.hasOwn(form, 'credentialId') ? v.credentialId : record.credentialId,
        renewsRecordId: record.id,
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await auditRecord(tx, ctx, 'certification.record_renewed', row!.id, {
      before: { recordId: record.id, earnedOn: record.earnedOn, expiresOn: record.expiresOn },
      after: recordSnapshot(row!),
    });
    return ok(row!);
  });
