// Teams: unchecked reads (by actor, by organisation, by id) for the team and
// people pages, the access rules' team context, and other features' server
// code. Pages read through a feature's public face, never from here.
import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { manageableTeams, type Actor, type TeamContext } from '#domain/access.ts';
import { pageFromRows, prefixUpperBound, type Page, type PageRequest } from '#domain/paging.ts';
import type { Executor } from '#server/db/client.ts';
import { teamMemberships, teams, users, type Team } from '#server/db/schema.ts';

/**
 * What the access rules need to judge this actor: the teams they can act
 * through (an admin: every team of the organisation; anyone else: the teams
 * they manage) and the memberships of the teams they manage (the only ones
 * managesPerson reads). Loading more made each request cost in proportion to
 * the organisation: 50,000 memberships, or 1,000 teams several times per page.
 */
export async function loadTeamContext(db: Executor, actor: Actor): Promise<TeamContext> {
  const teamRows = await actableTeams(db, actor);
  const managed = actor.role === 'manager' ? manageableTeams(actor, teamRows).map((t) => t.id) : [];
  const memberships = managed.length
    ? await db
        .select({ teamId: teamMemberships.teamId, userId: teamMemberships.userId })
        .from(teamMemberships)
        .where(inArray(teamMemberships.teamId, managed))
    : [];
  return { teams: teamRows, memberships };
}

/**
 * The teams an actor can act through, by name: an admin every team of the
 * organisation, anyone else the teams they manage (the access rules in
 * access.ts grant nothing through other teams). Selected in SQL: an
 * organisation has a thousand teams, a manager one or two.
 */
export function actableTeams(db: Executor, actor: Actor) {
  return db
    .select({ id: teams.id, name: teams.name, orgId: teams.orgId, managerUserId: teams.managerUserId })
    .from(teams)
    .where(actor.role === 'admin' ? eq(teams.orgId, actor.orgId) : and(eq(teams.orgId, actor.orgId), eq(teams.managerUserId, actor.id)))
    .orderBy(asc(teams.name));
}

export type TeamSummary = Team & { managerName: string | null; memberCount: number };

/** Teams of an organisation with their manager's name and how many active people they hold. */
export async function listTeams(db: Executor, orgId: number, options: { managerUserId?: number } = {}): Promise<TeamSummary[]> {
  const rows = await db
    .select({
      team: teams,
      managerName: users.displayName,
      memberCount: sql<number>`(select count(*) from ${teamMemberships} m join ${users} u on u.id = m.user_id
        where m.team_id = ${teams.id} and u.active = 1)`,
    })
    .from(teams)
    .leftJoin(users, eq(users.id, teams.managerUserId))
    .where(and(eq(teams.orgId, orgId), options.managerUserId === undefined ? undefined : eq(teams.managerUserId, options.managerUserId)))
    .orderBy(asc(sql`lower(${teams.name})`));
  return rows.map((r) => ({ ...r.team, managerName: r.managerName, memberCount: Number(r.memberCount) }));
}

/**
 * One page of an organisation's teams by name, optionally those whose name
 * starts with `q` (any case). Ordered by (lower(name), id), the expression of
 * the unique index teams_org_name_unique, so the range and the order are read
 * from that index; the cursor key is lower(name) as SQLite computes it.
 */
export async function pageTeams(db: Executor, orgId: number, q: string | null, request: PageRequest): Promise<Page<TeamSummary>> {
  const key = sql`lower(${teams.name})`;
  const after = request.direction === 'after';
  const cursor = request.cursor;
  const rows = await db
    .select({
      team: teams,
      key: sql<string>`${key}`,
      managerName: users.displayName,
      memberCount: sql<number>`(select count(*) from ${teamMemberships} m join ${users} u on u.id = m.user_id
        where m.team_id = ${teams.id} and u.active = 1)`,
    })
    .from(teams)
    .leftJoin(users, eq(users.id, teams.managerUserId))
    .where(
      and(
        eq(teams.orgId, orgId),
        q === null ? undefined : sql`${key} >= lower(${q}) and ${key} < lower(${prefixUpperBound(q)})`,
        !cursor
          ? undefined
          : after
            ? sql`(${key}, ${teams.id}) > (${cursor.key}, ${cursor.id})`
            : sql`(${key}, ${teams.id}) < (${cursor.key}, ${cursor.id})`,
      ),
    )
    .orderBy(...(after ? [asc(key), asc(teams.id)] : [desc(key), desc(teams.id)]))
    .limit(request.limit + 1);
  const page = pageFromRows(rows, request, (r) => ({ key: String(r.key), id: r.team.id }));
  return { ...page, items: page.items.map((r) => ({ ...r.team, managerName: r.managerName, memberCount: Number(r.memberCount) })) };
}

/**
 * The teams the actor manages (every team for an admin), with counts. A
 * manager's list reads only their own teams: counting the members of every
 * team in a 1,000-team organisation cost each manager page 12 ms.
 */
export async function listManageableTeams(db: Executor, actor: Actor): Promise<TeamSummary[]> {
  if (actor.role === 'manager') return manageableTeams(actor, await listTeams(db, actor.orgId, { managerUserId: actor.id }));
  return manageableTeams(actor, await listTeams(db, actor.orgId));
}

export async function getTeam(db: Executor, teamId: number): Promise<Team | undefined> {
  const [team] = await db.select().from(teams).where(eq(teams.id, teamId)).limit(1);
  return team;
}

export async function countTeams(db: Executor, orgId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(teams).where(eq(teams.orgId, orgId));
  return row?.n ?? 0;
}
