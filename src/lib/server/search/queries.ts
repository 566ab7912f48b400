// Unchecked reads for the organisation-wide paged lists: one page of active
// people, by name then id, with a name-prefix search and the position filters.
// Nothing here authorizes: the skills and compliance matrices call it after
// their access rules (admins only, for the whole organisation).
import { sql, type SQL } from 'drizzle-orm';
import { pageFromRows, prefixUpperBound, type Page, type PageRequest } from '#domain/paging.ts';
import { prefixUpperBound as prefixEnd } from '#domain/people-search.ts';
import type { Executor } from '#server/db/client.ts';

export type PagedPerson = {
  id: number;
  name: string;
  email: string;
  jobRole: string | null;
  tier: string | null;
  startDate: string | null;
  teamIds: number[];
};

export type PeopleSearch = {
  /** A name prefix, matched without regard to ASCII case. */
  q: string | null;
  jobRole: string | null;
  tier: string | null;
  teamId: number | null;
  /** Someone never listed (the admin themselves on their own matrix). */
  excludeId: number | null;
  /** Only people in at least one team (the compliance matrix lists team members). */
  inAnyTeam?: boolean;
  /** Only people without an active ramp plan (whom a plan can be started for). */
  withoutActivePlan?: boolean;
};

/**
 * One page of the organisation's active people in (name NOCASE, id) order.
 * users_org_name_idx (decision 033) is both that order and the
 * prefix range, so a page reads about `limit` index entries whatever the
 * organisation's size; the filters are checked on the rows the walk meets.
 */
export async function pageOfPeople(db: Executor, orgId: number, search: PeopleSearch, request: PageRequest): Promise<Page<PagedPerson>> {
  const terms: SQL[] = [sql`org_id = ${orgId}`, sql`active = 1`];
  if (search.q !== null) {
    terms.push(sql`display_name collate nocase >= ${search.q}`, sql`display_name collate nocase < ${prefixUpperBound(search.q)}`);
  }
  if (search.jobRole !== null) terms.push(sql`job_role = ${search.jobRole}`);
  if (search.tier !== null) terms.push(sql`tier = ${search.tier}`);
  if (search.teamId !== null) {
    terms.push(sql`exists (select 1 from team_memberships m where m.user_id = users.id and m.team_id = ${search.teamId})`);
  }
  if (search.inAnyTeam) terms.push(sql`exists (select 1 from team_memberships m where m.user_id = users.id)`);
  if (search.withoutActivePlan) {
    terms.push(sql`not exists (select 1 from ramp_plans r where r.user_id = users.id and r.status = 'active')`);
  }
  if (search.excludeId !== null) terms.push(sql`id <> ${search.excludeId}`);
  const after = request.direction === 'after';
  if (request.cursor) {
    const { key, id } = request.cursor;
    terms.push(after ? sql`(display_name collate nocase, id) > (${key}, ${id})` : sql`(display_name collate nocase, id) < (${key}, ${id})`);
  }
  const order = after ? sql`display_name collate nocase asc, id asc` : sql`display_name collate nocase desc, id desc`;
  const rows = await db.all<{
    id: number;
    name: string;
    email: string;
    jobRole: string | null;
    tier: string | null;
    startDate: string | null;
  }>(sql`
    select id, display_name as name, email, job_role as jobRole, tier, start_date as startDate
    from users where ${sql.join(terms, sql` and `)}
    order by ${order} limit ${request.limit + 1}`);
  const page = pageFromRows(rows, request, (r) => ({ key: r.name, id: Number(r.id) }));
  const teamIds = await teamsOf(
    db,
    page.items.map((p) => Number(p.id)),
  );
  return { ...page, items: page.items.map((p) => ({ ...p, id: Number(p.id), teamIds: teamIds.get(Number(p.id)) ?? [] })) };
}

async function teamsOf(db: Executor, personIds: readonly number[]): Promise<Map<number, number[]>> {
  const teams = new Map<number, number[]>();
  if (personIds.length === 0) return teams;
  const rows = await db.all<{ userId: number; teamId: number }>(sql`
    select user_id as userId, team_id as teamId from team_memberships
    where user_id in (${sql.join(
      personIds.map((id) => sql`${id}`),
      sql`, `,
    )}) order by team_id`);
  for (const r of rows) {
    const list = teams.get(Number(r.userId)) ?? [];
    list.push(Number(r.teamId));
    teams.set(Number(r.userId), list);
  }
  return teams;
}

/** A person a picker offers. */
export type PickablePerson = { id: number; displayName: string; email: string; jobRole: string | null; startDate: string | null };

export type PickerScope = {
  /** Only people with this account role (team managers are appointed from managers). */
  role?: 'manager';
  /** Only people without an active ramp plan. */
  withoutActivePlan?: boolean;
  /** Only people who share a team with this person (a new hire's possible buddies), never the person. */
  teammatesOf?: number;
  excludeId?: number | null;
};

const pickColumns = sql`id, display_name as displayName, email, job_role as jobRole, start_date as startDate, lower(display_name) as key`;

/**
 * Up to `limit + 1` active people of the organisation in scope whose name or
 * email starts with `text` (ASCII case aside), by (name NOCASE, id): the one
 * read behind every person picker (pickedFrom turns it into the answer).
 * Name and email are two index ranges (users_org_name_idx, users_org_email_idx)
 * merged here, as the people list does it (decision 027): one OR made SQLite
 * walk the whole name index. Unchecked: each feature authorizes first.
 */
export async function pickPeople(
  db: Executor,
  orgId: number,
  text: string | null,
  scope: PickerScope,
  limit: number,
): Promise<PickablePerson[]> {
  const terms: SQL[] = [sql`org_id = ${orgId}`, sql`active = 1`];
  if (scope.role) terms.push(sql`role = ${scope.role}`);
  if (scope.withoutActivePlan) {
    terms.push(sql`not exists (select 1 from ramp_plans r where r.user_id = users.id and r.status = 'active')`);
  }
  if (scope.teammatesOf !== undefined) {
    terms.push(
      sql`id in (select m.user_id from team_memberships m where m.team_id in
        (select t.team_id from team_memberships t where t.user_id = ${scope.teammatesOf}))`,
      sql`id <> ${scope.teammatesOf}`,
    );
  }
  if (scope.excludeId != null) terms.push(sql`id <> ${scope.excludeId}`);
  const run = async (match: SQL | null) => {
    const rows = await db.all<PickablePerson & { key: string }>(sql`
      select ${pickColumns} from users where ${sql.join(match ? [...terms, match] : terms, sql` and `)}
      order by display_name collate nocase, id limit ${limit + 1}`);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  };
  const range = (column: SQL, prefix: string) => {
    const upper = prefixEnd(prefix);
    return upper === null ? sql`${column} >= ${prefix}` : sql`${column} >= ${prefix} and ${column} < ${upper}`;
  };
  let rows: (PickablePerson & { key: string })[];
  if (text === null) rows = await run(null);
  else if (text.includes('@')) rows = await run(range(sql`email`, text.toLowerCase()));
  else {
    const [byName, byEmail] = [await run(range(sql`display_name collate nocase`, text)), await run(range(sql`email`, text.toLowerCase()))];
    const seen = new Set<number>();
    rows = [...byName, ...byEmail]
      .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id));
  }
  return rows.slice(0, limit + 1).map(({ key: _key, ...person }) => person);
}

/** One person as a picker shows them (the chosen one, whatever the search); null outside the organisation. */
export async function pickablePerson(db: Executor, orgId: number, id: number | null): Promise<PickablePerson | null> {
  if (id === null) return null;
  const [row] = await db.all<PickablePerson>(sql`
    select id, display_name as displayName, email, job_role as jobRole, start_date as startDate
    from users where id = ${id} and org_id = ${orgId}`);
  return row ? { ...row, id: Number(row.id) } : null;
}
