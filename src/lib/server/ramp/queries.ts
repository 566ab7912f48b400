// Unchecked reads of ramp plans, by id: for the feature's own modules, the
// seed, the CLI and tests. Pages read through the public face (index.ts),
// which checks access first.
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from '#server/db/client.ts';
import { rampPlanHistory, rampPlans, rampTasks, teamMemberships, users, type RampPlan, type RampTask } from '#server/db/schema.ts';

/** Tasks of a plan in display order: phase, then position. */
export async function planTasks(db: Executor, planId: number): Promise<RampTask[]> {
  return db
    .select()
    .from(rampTasks)
    .where(eq(rampTasks.planId, planId))
    .orderBy(asc(rampTasks.phaseId), asc(rampTasks.position), asc(rampTasks.id));
}

/** Active colleagues who may be named buddy: people in the new hire's teams, other than the new hire (or only `onlyId`, if they are one). */
export async function buddyCandidates(db: Executor, personId: number, onlyId?: number) {
  const teamsOfPerson = db.select({ teamId: teamMemberships.teamId }).from(teamMemberships).where(eq(teamMemberships.userId, personId));
  return db
    .selectDistinct({ id: users.id, displayName: users.displayName })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(
      and(
        inArray(teamMemberships.teamId, teamsOfPerson),
        ne(users.id, personId),
        eq(users.active, true),
        onlyId === undefined ? undefined : eq(users.id, onlyId),
      ),
    )
    .orderBy(asc(users.displayName));
}

/** Display names for a set of user ids (history actors, buddies, who checked a task off). */
export async function namesOf(db: Executor, ids: Iterable<number | null | undefined>): Promise<Map<number, string>> {
  const wanted = [...new Set([...ids].filter((id): id is number => typeof id === 'number'))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The plan's history, newest first, with who did it. Call only after the actor was let in (getPlanDetail). */
export async function planHistory(db: Executor, planId: number, limit = 200) {
  const rows = await db
    .select({ entry: rampPlanHistory, actorName: users.displayName })
    .from(rampPlanHistory)
    .leftJoin(users, eq(users.id, rampPlanHistory.actorUserId))
    .where(eq(rampPlanHistory.planId, planId))
    .orderBy(desc(rampPlanHistory.at), desc(rampPlanHistory.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.entry, actorName: r.actorName }));
}

/** The person's own plans: the active one first, then finished ones, newest first. */
export async function ownPlans(db: Executor, userId: number): Promise<RampPlan[]> {
  return db
    .select()
    .from(rampPlans)
    .where(eq(rampPlans.userId, userId))
    .orderBy(sql`case when ${rampPlans.status} = 'active' then 0 else 1 end`, desc(rampPlans.startDate), desc(rampPlans.id));
}
