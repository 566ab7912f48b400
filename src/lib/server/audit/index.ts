// The audit log: who did what to which record, when (UTC), with before/after.
// Always written through the same executor (transaction) as the change itself,
// so a change without its audit row, or an audit row without its change, cannot
// be committed. The table refuses UPDATE and DELETE (migration 0001).
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { canAdministerOrganisation, type Actor } from '#domain/access.ts';
import { AUDIT_KINDS } from '#domain/audit-events.ts';
import { addDays, isIsoDate, localDayStart, organisationTimeZone } from '#domain/calendar.ts';
import type { Executor } from '#server/db/client.ts';
import { auditLog, users, type User } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import { peopleByNamePrefix, personInOrg, readAuditLog, type AuditCursor, type AuditLogRow, type PersonChoice } from './queries.ts';

export type AuditAction =
  | 'org.created'
  | 'org.time_zone_changed'
  | 'org.spreadsheet_locale_changed'
  | 'org.company_sign_in_changed'
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_out'
  | 'auth.sign_out_everywhere'
  | 'auth.password_changed'
  | 'user.created'
  | 'user.updated'
  | 'user.role_changed'
  | 'user.deactivated'
  | 'user.activated'
  | 'user.teams_changed'
  | 'team.created'
  | 'team.renamed'
  | 'team.manager_changed'
  | 'team.member_added'
  | 'team.member_removed'
  | 'skill.catalog_synced'
  | 'skill.created'
  | 'skill.rated'
  | 'skill.ratings_imported'
  | 'skill.target_set'
  | 'skill.resource_added'
  | 'skill.resource_removed'
  | 'people.imported'
  | 'ramp.plan_started'
  | 'ramp.plan_completed'
  | 'ramp.plan_closed'
  | 'ramp.task_added'
  | 'ramp.task_updated'
  | 'ramp.task_moved'
  | 'ramp.task_removed'
  | 'ramp.task_done'
  | 'ramp.task_undone'
  | 'certification.record_added'
  | 'certification.record_updated'
  | 'certification.record_renewed'
  | 'certification.reminder_handled'
  | 'certification.settings_updated'
  | 'certification.requirement_added'
  | 'certification.requirement_removed'
  | 'calendar.token_created'
  | 'calendar.token_revoked'
  | 'outbox.message_resent'
  | 'account.reset_requested'
  | 'account.reset_started'
  | 'account.password_reset'
  | 'account.invitation_sent'
  | 'account.invitation_revoked'
  | 'account.invitation_accepted'
  | 'account.email_change_requested'
  | 'account.email_changed'
  | 'notification.settings_changed'
  | 'notification.unsubscribed'
  | 'review.cycle_opened'
  | 'review.changed';

export type AuditTarget = {
  type:
    | 'user'
    | 'team'
    | 'organisation'
    | 'ramp_plan'
    | 'certification_record'
    | 'calendar_token'
    | 'skill'
    | 'outbox_message'
    | 'people_import'
    | 'review_cycle'
    | 'review';
  id: number | string;
};

export type AuditEvent = {
  orgId: number | null;
  actorUserId: number | null;
  action: AuditAction;
  target?: AuditTarget;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
  at: Date;
};

/** Who, where from and when, for an action done by the signed-in actor inside their own organisation. */
export const auditedBy = (ctx: { actor: { id: number; orgId: number }; ip: string | null; now: Date }) => ({
  orgId: ctx.actor.orgId,
  actorUserId: ctx.actor.id,
  ip: ctx.ip,
  at: ctx.now,
});

/** The audit row of something the signed-in actor did to a target (what auditedBy says, plus what changed). */
export async function writeActorAudit(
  db: Executor,
  ctx: Parameters<typeof auditedBy>[0],
  action: AuditAction,
  target: AuditTarget,
  change: Pick<AuditEvent, 'before' | 'after'> = {},
): Promise<void> {
  await writeAudit(db, { ...auditedBy(ctx), action, target, ...change });
}

/** The audit_log row of an event. */
export function auditRow(event: AuditEvent) {
  return {
    orgId: event.orgId,
    actorUserId: event.actorUserId,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target ? String(event.target.id) : null,
    at: event.at,
    before: event.before ?? null,
    after: event.after ?? null,
    ip: event.ip ?? null,
  };
}

/** The one audit writer: call it with the transaction (or batch) of the change. */
export async function writeAudit(db: Executor, event: AuditEvent): Promise<void> {
  await db.insert(auditLog).values(auditRow(event));
}

const jsonOrNull = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * The same row as a statement for a guarded batch: inserted only when the
 * statement before it in the batch changed exactly one row (SQLite's
 * changes()), so an update that found nothing to change leaves no audit row.
 */
export function auditIfChanged(event: AuditEvent): SQL {
  const a = auditRow(event);
  return sql`insert into ${auditLog} (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
    select ${a.orgId}, ${a.actorUserId}, ${a.action}, ${a.targetType}, ${a.targetId}, ${a.at.getTime()}, ${jsonOrNull(a.before)}, ${jsonOrNull(a.after)}, ${a.ip}
    where changes() = 1`;
}

/** The fields of a person the audit log records; never the password hash. */
export function personSnapshot(user: Pick<User, 'email' | 'displayName' | 'role' | 'jobRole' | 'tier' | 'startDate' | 'active'>) {
  return {
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    jobRole: user.jobRole,
    tier: user.tier,
    startDate: user.startDate,
    active: user.active,
  };
}

/** Only the keys whose values differ, so an audit row shows what actually changed. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T) {
  const keys = Object.keys(after).filter((k) => before[k] !== after[k]);
  return {
    before: Object.fromEntries(keys.map((k) => [k, before[k]])),
    after: Object.fromEntries(keys.map((k) => [k, after[k]])),
  };
}

/** The newest audit rows about one target (for the person page), each with the name of who acted (null when no one did). */
export async function auditTrail(db: Executor, target: AuditTarget, limit = 20) {
  const rows = await db
    .select({ entry: auditLog, actorName: users.displayName })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.targetType, target.type), eq(auditLog.targetId, String(target.id))))
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.entry, actorName: r.actorName }));
}

// --- The audit log people read: /app/admin/audit/ and its CSV export (decision 029) ---

/** Rows per page of the audit log. */
export const AUDIT_PAGE_SIZE = 50;
/** The most rows one CSV export holds; a longer log is exported a date range at a time. */
export const AUDIT_EXPORT_LIMIT = 100_000;
/** How many people a name prefix lists to choose from. */
const CHOICES = 10;

const pageError = 'That page does not exist.';
const id = (what: string) =>
  z.coerce
    .number({ error: `Choose the ${what} again.` })
    .int({ error: `Choose the ${what} again.` })
    .positive({ error: `Choose the ${what} again.` })
    .optional();
const namePrefix = z.string().trim().max(100, { error: 'Type at most 100 characters of the name.' }).optional();
const dateField = (label: string) =>
  z
    .string()
    .trim()
    .refine((v) => isIsoDate(v), { error: `Give the ${label} date as a calendar date (YYYY-MM-DD).` })
    .optional();

const auditQuery = z
  .object({
    person: id('person'),
    personName: namePrefix,
    actor: id('actor'),
    actorName: namePrefix,
    kind: z.enum(AUDIT_KINDS, { error: 'Choose a kind from the list.' }).optional(),
    from: dateField('from'),
    to: dateField('to'),
    before: z
      .string()
      .regex(/^\d{1,15}-\d{1,15}$/, { error: pageError })
      .transform((v) => {
        const [at, rowId] = v.split('-').map(Number);
        return { at: at!, id: rowId! };
      })
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'The to date is before the from date.', path: ['to'] });

export type AuditLogFilters = z.infer<typeof auditQuery>;
export type { AuditLogRow, PersonChoice } from './queries.ts';

/** A person selector's state: the chosen person, or the people a typed name prefix matches. */
export type PersonSelection = { chosen: PersonChoice | null; choices: PersonChoice[]; typed: string };

export type AuditLogView = {
  filters: AuditLogFilters;
  person: PersonSelection;
  actor: PersonSelection;
  /** False while a typed name matches several people or none: the log waits for a choice. */
  ready: boolean;
  rows: AuditLogRow[];
  /** The `before` of the next page, or null on the last one. */
  nextBefore: string | null;
};

/** A name prefix resolves to a person when exactly one matches; otherwise the matches are offered. */
async function select(
  db: Executor,
  orgId: number,
  chosenId: number | undefined,
  typed: string | undefined,
): Promise<PersonSelection | null> {
  if (chosenId) {
    const chosen = await personInOrg(db, orgId, chosenId);
    return chosen ? { chosen, choices: [], typed: chosen.displayName } : null;
  }
  if (!typed) return { chosen: null, choices: [], typed: '' };
  const matches = await peopleByNamePrefix(db, orgId, typed, CHOICES + 1);
  return matches.length === 1 ? { chosen: matches[0]!, choices: [], typed } : { chosen: null, choices: matches, typed };
}

function logQuery(filters: AuditLogFilters, person: PersonSelection, actor: PersonSelection, orgId: number, timeZone: string) {
  const zone = organisationTimeZone(timeZone);
  return {
    orgId,
    subjectUserId: person.chosen?.id ?? null,
    actorUserId: actor.chosen?.id ?? null,
    kind: filters.kind ?? null,
    // The organisation's calendar days: from the first instant of `from` to the first instant after `to`.
    fromMs: filters.from ? localDayStart(filters.from, zone).getTime() : null,
    untilMs: filters.to ? localDayStart(addDays(filters.to, 1), zone).getTime() : null,
  };
}

async function resolveFilters(db: Executor, actor: Actor, query: Record<string, string | undefined>) {
  const parsed = parseInput(auditQuery, query);
  if (!parsed.ok) return parsed;
  const filters = parsed.value;
  // A person id from elsewhere is a tampered address: not found, as everywhere else.
  const person = await select(db, actor.orgId, filters.person, filters.personName);
  if (!person) return notFound();
  const who = await select(db, actor.orgId, filters.actor, filters.actorName);
  if (!who) return notFound();
  const ready = (!person.typed || person.chosen !== null) && (!who.typed || who.chosen !== null);
  return ok({ filters, person, actor: who, ready });
}

/** The organisation's audit log, newest first, filtered and a page at a time. Admins only. */
export async function auditLogPage(
  db: Executor,
  actor: Actor,
  query: Record<string, string | undefined>,
  timeZone: string,
): Promise<Outcome<AuditLogView>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const resolved = await resolveFilters(db, actor, query);
  if (!resolved.ok) return resolved;
  const { filters, person, actor: who, ready } = resolved.value;
  if (!ready) return ok({ filters, person, actor: who, ready, rows: [], nextBefore: null });
  const rows = await readAuditLog(db, {
    ...logQuery(filters, person, who, actor.orgId, timeZone),
    before: filters.before ?? null,
    limit: AUDIT_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page.at(-1);
  return ok({
    filters,
    person,
    actor: who,
    ready,
    rows: page,
    nextBefore: rows.length > AUDIT_PAGE_SIZE && last ? `${last.at}-${last.id}` : null,
  });
}

/** Every row of the current filter (up to AUDIT_EXPORT_LIMIT), newest first, for the CSV export. Admins only. */
export async function auditLogExport(
  db: Executor,
  actor: Actor,
  query: Record<string, string | undefined>,
  timeZone: string,
): Promise<Outcome<{ rows: AuditLogRow[]; truncated: boolean }>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const resolved = await resolveFilters(db, actor, { ...query, before: undefined });
  if (!resolved.ok) return resolved;
  const { filters, person, actor: who, ready } = resolved.value;
  if (!ready) return invalid({ person: 'Choose one person for each name typed, then export.' });
  const base = logQuery(filters, person, who, actor.orgId, timeZone);
  const rows: AuditLogRow[] = [];
  let before: AuditCursor | null = null;
  // Keyset chunks keep each read short, so a long export does not hold up other readers.
  for (;;) {
    const chunk = await readAuditLog(db, { ...base, before, limit: 5000 });
    rows.push(...chunk);
    if (chunk.length < 5000 || rows.length > AUDIT_EXPORT_LIMIT) break;
    const last = chunk.at(-1)!;
    before = { at: last.at, id: last.id };
  }
  return ok({ rows: rows.slice(0, AUDIT_EXPORT_LIMIT), truncated: rows.length > AUDIT_EXPORT_LIMIT });
}
