// The people list: one page of the people an actor may see, by (folded name,
// id), filtered and searched by name or email prefix. The order and the name
// prefix are one range of users_org_name_idx, so a page costs the same at 50
// people as at 50,000 (decisions 027 and 033, with the measurements).
import { and, eq, exists, gt, inArray, notExists, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { isAdmin, type Actor } from '#domain/access.ts';
import { PEOPLE_PAGE_SIZE, prefixUpperBound, type PeopleCursor, type PeopleQuery } from '#domain/people-search.ts';
import type { UserProfile } from '#server/auth/session.ts';
import type { Executor } from '#server/db/client.ts';
import { accountTokens, teamMemberships, teams, users } from '#server/db/schema.ts';
import { withoutHash } from './queries.ts';

/**
 * The order and the range: the column under NOCASE, as users_org_name_idx
 * holds it (decision 033), so SQLite walks the index. NOCASE folds ASCII only,
 * like lower(), so `foldedName` (the cursor and the merge below) sorts the same.
 */
const nameKey = sql<string>`${users.displayName} collate nocase`;
const foldedName = sql<string>`lower(${users.displayName})`;

function prefix(column: SQLWrapper, text: string): SQL {
  const upper = prefixUpperBound(text);
  return upper === null ? sql`${column} >= ${text}` : sql`(${column} >= ${text} and ${column} < ${upper})`;
}

export type PeoplePageRow = UserProfile & { teams: string[] };
export type PeopleSlice = { people: PeoplePageRow[]; next: PeopleCursor | null };

/**
 * Unchecked: the caller has established that the actor oversees people.
 * Admins get the whole organisation, managers the members of the teams they manage.
 */
export async function searchPeople(db: Executor, actor: Actor, query: PeopleQuery, pageSize = PEOPLE_PAGE_SIZE): Promise<PeopleSlice> {
  const where: (SQL | undefined)[] = [eq(users.orgId, actor.orgId)];
  if (!isAdmin(actor)) {
    // IN on the primary key, not EXISTS per row: SQLite then reads the team's
    // few dozen people and sorts them, instead of walking the organisation's
    // name index testing each person (p95 838 ms at 20 connections at 50k).
    where.push(
      inArray(
        users.id,
        db
          .select({ id: teamMemberships.userId })
          .from(teamMemberships)
          .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
          .where(eq(teams.managerUserId, actor.id)),
      ),
    );
  }
  if (query.team !== null) {
    where.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(teamMemberships)
          .where(and(eq(teamMemberships.userId, users.id), eq(teamMemberships.teamId, query.team))),
      ),
    );
  }
  if (query.role) where.push(eq(users.role, query.role));
  if (query.jobRole) where.push(eq(users.jobRole, query.jobRole));
  if (query.tier) where.push(eq(users.tier, query.tier));
  if (query.status === 'active') where.push(eq(users.active, true));
  if (query.status === 'deactivated') where.push(eq(users.active, false));
  if (query.status === 'invited') {
    where.push(
      eq(users.active, true),
      exists(
        db
          .select({ one: sql`1` })
          .from(accountTokens)
          .where(and(eq(accountTokens.userId, users.id), eq(accountTokens.purpose, 'invitation'))),
      ),
      // Whoever chose a password through any link is in (as openInvitations counts it).
      notExists(
        db
          .select({ one: sql`1` })
          .from(accountTokens)
          .where(and(eq(accountTokens.userId, users.id), sql`${accountTokens.usedAt} is not null`)),
      ),
    );
  }
  if (query.after) {
    where.push(or(gt(nameKey, query.after.name), and(eq(nameKey, query.after.name), gt(users.id, query.after.id))));
  }
  const run = (match?: SQL) =>
    db
      .select({ user: users, key: foldedName })
      .from(users)
      .where(and(...where, match))
      .orderBy(nameKey, users.id)
      .limit(pageSize + 1);
  let rows: Awaited<ReturnType<typeof run>>;
  if (!query.text) rows = await run();
  else if (query.text.includes('@')) rows = await run(prefix(users.email, query.text));
  else {
    // Name or email, as two index ranges merged here: one query with OR made
    // SQLite walk the whole name index when few names matched (decision 027).
    const [byName, byEmail] = [await run(prefix(nameKey, query.text)), await run(prefix(users.email, query.text))];
    const seen = new Set<number>();
    rows = [...byName, ...byEmail]
      .filter((r) => (seen.has(r.user.id) ? false : (seen.add(r.user.id), true)))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.user.id - b.user.id))
      .slice(0, pageSize + 1);
  }
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const teamNames = await teamNamesOf(
    db,
    page.map((r) => r.user.id),
  );
  return {
    people: page.map((r) => ({ ...withoutHash(r.user), teams: teamNames.get(r.user.id) ?? [] })),
    next: rows.length > pageSize && last ? { name: last.key, id: last.user.id } : null,
  };
}

async function teamNamesOf(db: Executor, userIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .select({ userId: teamMemberships.userId, name: teams.name })
    .from(teamMemberships)
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .where(inArray(teamMemberships.userId, userIds))
    .orderBy(teams.name);
  for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), r.name]);
  return out;
}
