// The plans someone oversees and the people they may start plans for (the
// ramp overview and the dashboard), and the buddy tasks named after them.
// Each read applies the access rules itself: canOverseeTeams for the team
// areas, then managesPerson / canEditUser per row.
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { pageFromRows, prefixUpperBound, type Page, type PageRequest } from '#domain/paging.ts';
import { canEditUser, canOverseeTeams, isAdmin, managesPerson, type Actor, type TeamContext } from '#domain/access.ts';
import type { TaskState } from '#domain/ramp.ts';
import { readInSlices } from '#server/db/chunks.ts';
import type { Executor } from '#server/db/client.ts';
import { rampPlans, rampTasks, users, type RampPlan, type User } from '#server/db/schema.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { pickPeople, pickablePerson, type PickablePerson } from '#server/search/queries.ts';
import { foldAscii, matchesPickerSearch, pickedFrom, type Picked } from '#domain/people-search.ts';

export type OverseenPlanRow = { plan: RampPlan; person: Pick<User, 'id' | 'displayName' | 'jobRole' | 'active'>; tasks: TaskState[] };

/**
 * For a manager, the people of the teams they manage (the only ones they may
 * oversee), so queries read a team's rows rather than the organisation's; null
 * for an admin, who oversees everyone. The access checks still run per row.
 */
function teamPeople(actor: Actor, teamContext: TeamContext): number[] | null {
  if (isAdmin(actor)) return null;
  return [...new Set(teamContext.memberships.filter((m) => managesPerson(actor, m.userId, teamContext)).map((m) => m.userId))];
}

/**
 * Plans the actor oversees as a manager or admin (never their own): admins
 * every plan of the organisation, managers the plans of people in the teams
 * they manage. Each with its tasks' states, for progress, RAG and next due.
 */
export async function overseenPlans(db: Executor, actor: Actor, status: 'active' | 'ended'): Promise<OverseenPlanRow[]> {
  if (!canOverseeTeams(actor)) return [];
  const teamContext = await loadTeamContext(db, actor);
  const team = teamPeople(actor, teamContext);
  if (team && team.length === 0) return [];
  const rows = await db
    .select({ plan: rampPlans, person: { id: users.id, displayName: users.displayName, jobRole: users.jobRole, active: users.active } })
    .from(rampPlans)
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(
      and(
        eq(rampPlans.orgId, actor.orgId),
        status === 'active' ? eq(rampPlans.status, 'active') : ne(rampPlans.status, 'active'),
        team ? inArray(rampPlans.userId, team) : undefined,
      ),
    )
    .orderBy(asc(rampPlans.startDate), asc(users.displayName));
  const visible = rows.filter((r) => r.plan.userId !== actor.id && (isAdmin(actor) || managesPerson(actor, r.plan.userId, teamContext)));
  return withTasks(db, visible);
}

/** Plans with their tasks' states, one packed row per plan. */
async function withTasks(db: Executor, visible: Omit<OverseenPlanRow, 'tasks'>[]): Promise<OverseenPlanRow[]> {
  if (visible.length === 0) return [];
  // One row per plan with its tasks as JSON: an admin's dashboard reads every
  // active plan's tasks (40,000 at 50,000 people), and the client's cost is per row.
  const packed = await readInSlices(
    visible.map((r) => r.plan.id),
    (planIds) =>
      db.all<{ planId: number; tasks: string }>(sql`
      select plan_id as planId, json_group_array(json_array(id, title, due_day, done_at is not null, position)) as tasks
      from ramp_tasks where plan_id in (${sql.join(
        planIds.map((id) => sql`${id}`),
        sql`, `,
      )})
      group by plan_id`),
  );
  const byPlan = new Map<number, TaskState[]>();
  for (const row of packed) {
    const tasks = (JSON.parse(row.tasks) as [number, string, number, 0 | 1, number][]).map(([id, title, dueDay, done, position]) => ({
      id,
      title,
      dueDay,
      done: done === 1,
      position,
    }));
    byPlan.set(Number(row.planId), tasks);
  }
  return visible.map((r) => ({ ...r, tasks: byPlan.get(r.plan.id) ?? [] }));
}

/**
 * A page of an admin's plans, by the new hire's name (NOCASE) then plan id,
 * with a name-prefix search: the whole organisation's active plans are
 * thousands, each with its tasks. Active plans page by keyset; ended ones
 * are the most recently ended `request.limit`. Admins only (null otherwise):
 * a manager's plans are their teams', one list.
 */
export async function adminPlansPage(
  db: Executor,
  actor: Actor,
  status: 'active' | 'ended',
  q: string | null,
  request: PageRequest,
): Promise<Page<OverseenPlanRow> | null> {
  if (!isAdmin(actor)) return null;
  const name = sql`${users.displayName} collate nocase`;
  const after = request.direction === 'after';
  const cursor = request.cursor;
  const rows = await db
    .select({ plan: rampPlans, person: { id: users.id, displayName: users.displayName, jobRole: users.jobRole, active: users.active } })
    .from(rampPlans)
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(
      and(
        eq(rampPlans.orgId, actor.orgId),
        status === 'active' ? eq(rampPlans.status, 'active') : ne(rampPlans.status, 'active'),
        ne(rampPlans.userId, actor.id),
        q === null ? undefined : sql`${name} >= ${q} and ${name} < ${prefixUpperBound(q)}`,
        status === 'ended' || !cursor
          ? undefined
          : after
            ? sql`(${name}, ${rampPlans.id}) > (${cursor.key}, ${cursor.id})`
            : sql`(${name}, ${rampPlans.id}) < (${cursor.key}, ${cursor.id})`,
      ),
    )
    .orderBy(
      ...(status === 'ended'
        ? [desc(rampPlans.endedAt), desc(rampPlans.id)]
        : after
          ? [sql`${name} asc`, asc(rampPlans.id)]
          : [sql`${name} desc`, desc(rampPlans.id)]),
    )
    .limit(request.limit + 1);
  const page =
    status === 'ended'
      ? { items: rows.slice(0, request.limit), next: null, previous: null }
      : pageFromRows(rows, request, (r) => ({ key: r.person.displayName, id: r.plan.id }));
  return { ...page, items: await withTasks(db, page.items) };
}

/** People the actor may start a plan for now: those they may edit, active, without an active plan, not themselves. */
export async function startablePeople(db: Executor, actor: Actor) {
  if (!canOverseeTeams(actor)) return [];
  const teamContext = await loadTeamContext(db, actor);
  const team = teamPeople(actor, teamContext);
  if (team && team.length === 0) return [];
  const people = await db
    .select()
    .from(users)
    .where(and(eq(users.orgId, actor.orgId), eq(users.active, true), team ? inArray(users.id, team) : undefined))
    .orderBy(asc(users.displayName));
  const withPlan = new Set(
    (
      await db
        .select({ userId: rampPlans.userId })
        .from(rampPlans)
        // A manager's people only: the whole organisation's active plans are thousands of rows at scale.
        .where(and(eq(rampPlans.orgId, actor.orgId), eq(rampPlans.status, 'active'), team ? inArray(rampPlans.userId, team) : undefined))
    ).map((r) => r.userId),
  );
  return people
    .filter((p) => p.id !== actor.id && !withPlan.has(p.id) && canEditUser(actor, p, teamContext))
    .map((p) => ({ id: p.id, displayName: p.displayName, email: p.email, jobRole: p.jobRole, startDate: p.startDate }));
}

export type StartableMatch = PickablePerson;

/**
 * The start-a-plan picker's choices: people the actor may start a plan for
 * whose name or email starts with `q` (ASCII case aside), by name, at most
 * `limit`; `more` says there are others to find by searching. Admins' choices
 * come from the indexed picker read (50,000 options are no picker); a
 * manager's people are few and go through startablePeople's rules.
 */
export async function findStartablePeople(
  db: Executor,
  actor: Actor,
  q: string | null,
  limit: number,
  chosenId: number | null = null,
): Promise<Picked<StartableMatch>> {
  if (!canOverseeTeams(actor)) return pickedFrom(q, [], limit, null);
  const text = q === null ? null : foldAscii(q);
  if (isAdmin(actor)) {
    const rows = await pickPeople(db, actor.orgId, text, { excludeId: actor.id, withoutActivePlan: true }, limit);
    return pickedFrom(q, rows, limit, await pickablePerson(db, actor.orgId, chosenId));
  }
  const startable = await startablePeople(db, actor);
  const all = startable.filter((p) => matchesPickerSearch(p, text));
  // A refused form keeps its choice, if it is still someone the manager may start a plan for.
  return pickedFrom(q, all.slice(0, limit + 1), limit, startable.find((p) => p.id === chosenId) ?? null);
}

/** Open buddy tasks of active plans where the actor is the named buddy. */
export async function buddyTasksOf(db: Executor, actor: Actor) {
  return db
    .select({ task: rampTasks, plan: rampPlans, personName: users.displayName })
    .from(rampTasks)
    .innerJoin(rampPlans, eq(rampPlans.id, rampTasks.planId))
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(
      and(
        eq(rampTasks.buddyUserId, actor.id),
        eq(rampTasks.owner, 'buddy'),
        eq(rampPlans.status, 'active'),
        eq(rampPlans.orgId, actor.orgId),
      ),
    )
    .orderBy(asc(rampPlans.startDate), asc(rampTasks.dueDay));
}
