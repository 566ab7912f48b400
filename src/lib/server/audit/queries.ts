// Unchecked reads of the audit log for the admin's log page and its CSV
// export: callers authorize first (index.ts). Newest first by (at, id), which
// is stable and total, so keyset paging on that pair shows every row once.
// Every filter has an index that starts with it (migration 0013), with `at`
// after it, so a filtered page reads its rows in order instead of sorting.
import { sql, type SQL } from 'drizzle-orm';
import { AUDIT_KIND_OF_FAMILY, type AuditKind } from '#domain/audit-events.ts';
import type { Executor } from '#server/db/client.ts';

/**
 * The kind of an action as SQL, from the same table as auditKindOf. Migration
 * 0023 (which rebuilt 0013's index when reviews got their kind) builds an
 * index on exactly this text (SQLite uses an expression index only for the
 * same expression): a change to the table needs a migration that builds the
 * index again. tests/integration/audit-log.test.ts checks the two agree and
 * that the query plan uses it.
 */
export const AUDIT_KIND_SQL =
  `CASE substr(action, 1, instr(action, '.') - 1) ` +
  Object.entries(AUDIT_KIND_OF_FAMILY)
    .map(([family, kind]) => `WHEN '${family}' THEN '${kind}'`)
    .join(' ') +
  ` ELSE 'other' END`;

/**
 * The person a team-membership event is about. Those rows name the team as
 * their target and keep the person in the JSON (after for an addition, before
 * for a removal). Migration 0015 builds a partial index on exactly this text
 * for rows with target_type = 'team'; tests/integration/audit-log.test.ts
 * checks the two agree and that the person filter uses it.
 */
export const AUDIT_TEAM_MEMBER_SQL = `coalesce(json_extract(after, '$.userId'), json_extract(before, '$.userId'))`;

export type AuditCursor = { at: number; id: number };

export type AuditLogQuery = {
  orgId: number;
  actorUserId?: number | null;
  /** The person the events are about: their account, their team memberships, their ramp plans, certification records and skills reviews. */
  subjectUserId?: number | null;
  kind?: AuditKind | null;
  /** Instants (ms): from inclusive, until exclusive. */
  fromMs?: number | null;
  untilMs?: number | null;
  before?: AuditCursor | null;
  limit: number;
};

export type AuditLogRow = {
  id: number;
  action: string;
  at: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  targetType: string | null;
  targetId: string | null;
  actorUserId: number | null;
  actorName: string | null;
  subjectName: string | null;
  subjectUserId: number | null;
};

const json = (v: unknown) => (typeof v === 'string' && v !== '' ? (JSON.parse(v) as Record<string, unknown>) : null);

function conditions(q: AuditLogQuery): SQL {
  const parts: SQL[] = [sql`a.org_id = ${q.orgId}`];
  if (q.actorUserId) parts.push(sql`a.actor_user_id = ${q.actorUserId}`);
  if (q.kind) parts.push(sql`${sql.raw(AUDIT_KIND_SQL)} = ${q.kind}`);
  if (q.fromMs != null) parts.push(sql`a.at >= ${q.fromMs}`);
  if (q.untilMs != null) parts.push(sql`a.at < ${q.untilMs}`);
  if (q.subjectUserId) {
    const id = q.subjectUserId;
    // A person's rows are few (hundreds); each branch is an index lookup
    // (audit_log_target_idx, or audit_log_team_member_idx for memberships;
    // reviews_subject_idx for their reviews).
    parts.push(sql`a.id in (
      select id from audit_log where target_type = 'user' and target_id = ${String(id)}
      union all select id from audit_log where target_type = 'team' and ${sql.raw(AUDIT_TEAM_MEMBER_SQL)} = ${id}
      union all select l.id from ramp_plans p join audit_log l on l.target_type = 'ramp_plan' and l.target_id = cast(p.id as text) where p.user_id = ${id}
      union all select l.id from certification_records c join audit_log l on l.target_type = 'certification_record' and l.target_id = cast(c.id as text) where c.user_id = ${id}
      union all select l.id from reviews r join audit_log l on l.target_type = 'review' and l.target_id = cast(r.id as text) where r.subject_user_id = ${id})`);
  }
  if (q.before) parts.push(sql`(a.at, a.id) < (${q.before.at}, ${q.before.id})`);
  return sql.join(parts, sql` and `);
}

/** One page of the organisation's audit log, newest first, with who acted and whom it was about. */
export async function readAuditLog(db: Executor, q: AuditLogQuery): Promise<AuditLogRow[]> {
  // Only the page's rows are joined to names: the filtered, ordered ids come first.
  const rows = await db.all<Record<string, unknown>>(sql`
    with page as (
      select a.id from audit_log a where ${conditions(q)} order by a.at desc, a.id desc limit ${q.limit}
    )
    select a.id, a.action, a.at, a.before, a.after, a.target_type as targetType, a.target_id as targetId,
      a.actor_user_id as actorUserId, au.display_name as actorName,
      coalesce(su.display_name, tm.name, pu.display_name, cu.display_name, ou.display_name, vu.display_name, rc.name) as subjectName,
      coalesce(su.id, mu.id, pu.id, cu.id, ou.id, vu.id) as subjectUserId
    from page join audit_log a on a.id = page.id
    left join users au on au.id = a.actor_user_id
    left join users su on a.target_type = 'user' and su.id = cast(a.target_id as integer)
    left join teams tm on a.target_type = 'team' and tm.id = cast(a.target_id as integer)
    left join users mu on a.target_type = 'team' and mu.id = ${sql.raw(AUDIT_TEAM_MEMBER_SQL.replace(/\b(after|before)\b/g, 'a.$1'))}
    left join ramp_plans rp on a.target_type = 'ramp_plan' and rp.id = cast(a.target_id as integer)
    left join users pu on pu.id = rp.user_id
    left join certification_records cr on a.target_type = 'certification_record' and cr.id = cast(a.target_id as integer)
    left join users cu on cu.id = cr.user_id
    left join outbox_messages om on a.target_type = 'outbox_message' and om.id = cast(a.target_id as integer)
    left join users ou on ou.id = om.recipient_user_id
    left join reviews rv on a.target_type = 'review' and rv.id = cast(a.target_id as integer)
    left join users vu on vu.id = rv.subject_user_id
    left join review_cycles rc on a.target_type = 'review_cycle' and rc.id = cast(a.target_id as integer)
    order by a.at desc, a.id desc`);
  return rows.map((r) => ({
    id: Number(r.id),
    action: String(r.action),
    at: Number(r.at),
    before: json(r.before),
    after: json(r.after),
    targetType: (r.targetType as string | null) ?? null,
    targetId: (r.targetId as string | null) ?? null,
    actorUserId: r.actorUserId == null ? null : Number(r.actorUserId),
    actorName: (r.actorName as string | null) ?? null,
    subjectName: (r.subjectName as string | null) ?? null,
    subjectUserId: r.subjectUserId == null ? null : Number(r.subjectUserId),
  }));
}

export type PersonChoice = { id: number; displayName: string; email: string };

/** People of the organisation whose name starts with `prefix` (any case), for the person and actor selectors. */
export async function peopleByNamePrefix(db: Executor, orgId: number, prefix: string, limit: number): Promise<PersonChoice[]> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.all<Record<string, unknown>>(sql`
    select id, display_name as displayName, email from users
    where org_id = ${orgId} and display_name like ${pattern} escape '\\'
    order by display_name collate nocase, id limit ${limit}`);
  return rows.map((r) => ({ id: Number(r.id), displayName: String(r.displayName), email: String(r.email) }));
}

export async function personInOrg(db: Executor, orgId: number, id: number): Promise<PersonChoice | null> {
  const rows = await db.all<Record<string, unknown>>(
    sql`select id, display_name as displayName, email from users where org_id = ${orgId} and id = ${id}`,
  );
  const r = rows[0];
  return r ? { id: Number(r.id), displayName: String(r.displayName), email: String(r.email) } : null;
}
