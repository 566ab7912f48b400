// The audit log: who did what to which record, when (UTC), with before/after.
// Always written through the same executor (transaction) as the change itself,
// so a change without its audit row, or an audit row without its change, cannot
// be committed. The table refuses UPDATE and DELETE (migration 0001).
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '#server/db/client.ts';
import { auditLog, users, type User } from '#server/db/schema.ts';

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
  | 'team.created'
  | 'team.renamed'
  | 'team.manager_changed'
  | 'team.member_added'
  | 'team.member_removed'
  | 'skill.catalog_synced'
  | 'skill.created'
  | 'skill.rated'
  | 'skill.ratings_imported'
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
  | 'notification.settings_changed'
  | 'notification.unsubscribed';

export type AuditTarget = {
  type: 'user' | 'team' | 'organisation' | 'ramp_plan' | 'certification_record' | 'calendar_token' | 'skill' | 'outbox_message';
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
