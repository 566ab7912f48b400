// Loading a plan with what the actor may do with it: every read and action of
// the feature starts here. A plan the actor may not see answers 404 whatever
// the id; a plan they see but may not change answers 403 (editablePlan).
import { and, eq } from 'drizzle-orm';
import { isAdmin, managesPerson, planAccess, type Actor, type PlanAccess, type TeamContext } from '#domain/access.ts';
import { parseId } from '#domain/fields.ts';
import type { Db, Executor, Tx } from '#server/db/client.ts';
import { rampPlans, rampTasks, users, type RampPlan, type RampTask, type User } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from '#server/outcome.ts';
import { loadTeamContext } from '#server/teams/queries.ts';

const NO_TEAMS: TeamContext = { teams: [], memberships: [] };

export type LoadedPlan = { plan: RampPlan; person: User; access: PlanAccess; teamContext: TeamContext };

async function isBuddyOnPlan(db: Executor, planId: number, userId: number) {
  const [row] = await db
    .select({ id: rampTasks.id })
    .from(rampTasks)
    .where(and(eq(rampTasks.planId, planId), eq(rampTasks.buddyUserId, userId)))
    .limit(1);
  return row !== undefined;
}

/** Loads a plan the actor may see: 404 for a malformed id, another organisation or no access. */
export async function loadPlanFor(db: Executor, actor: Actor, rawPlanId: string | number | undefined): Promise<Outcome<LoadedPlan>> {
  const id = typeof rawPlanId === 'number' ? rawPlanId : parseId(rawPlanId);
  if (id === null) return notFound();
  const [row] = await db
    .select({ plan: rampPlans, person: users })
    .from(rampPlans)
    .innerJoin(users, eq(users.id, rampPlans.userId))
    .where(eq(rampPlans.id, id))
    .limit(1);
  if (!row) return notFound();
  return accessTo(db, actor, row.plan, row.person, false);
}

/** Applies the access rules to a loaded plan: 404 unless the actor may see it. */
export async function accessTo(
  db: Executor,
  actor: Actor,
  plan: RampPlan,
  person: User,
  knownBuddy: boolean,
): Promise<Outcome<LoadedPlan>> {
  if (!actor.active || plan.orgId !== actor.orgId) return notFound();
  // Only a manager's rights depend on teams; members and admins skip those two
  // queries (this runs on every check-off, the busiest write).
  const teamContext = actor.role === 'manager' ? await loadTeamContext(db, actor) : NO_TEAMS;
  const mayAlreadyView = knownBuddy || actor.id === plan.userId || isAdmin(actor) || managesPerson(actor, plan.userId, teamContext);
  const buddy = knownBuddy || (!mayAlreadyView && (await isBuddyOnPlan(db, plan.id, actor.id)));
  const access = planAccess(actor, plan, person, teamContext, buddy);
  if (!access.view) return notFound();
  return ok({ plan, person, access, teamContext });
}

export const closedPlan = (plan: RampPlan): Outcome<never> => invalid({}, `This plan is ${plan.status} and can no longer be changed.`, 409);

/** A plan the actor may edit and that is still active. */
export async function editablePlan(tx: Executor, actor: Actor, rawPlanId: string | number | undefined): Promise<Outcome<LoadedPlan>> {
  const loaded = await loadPlanFor(tx, actor, rawPlanId);
  if (!loaded.ok) return loaded;
  if (!loaded.value.access.manage) return forbidden();
  if (loaded.value.plan.status !== 'active') return closedPlan(loaded.value.plan);
  return loaded;
}

/** Runs an edit in one transaction on a plan the actor may edit (editablePlan), whose refusal is then the answer. */
export function withEditablePlan<T>(
  db: Db,
  actor: Actor,
  rawPlanId: string | number | undefined,
  edit: (tx: Tx, plan: RampPlan) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  return db.transaction(async (tx) => {
    const loaded = await editablePlan(tx, actor, rawPlanId);
    return loaded.ok ? edit(tx, loaded.value.plan) : loaded;
  });
}

/** A task of this plan; a task of another plan is "not found" here. */
export async function taskOfPlan(tx: Executor, planId: number, rawTaskId: string | number | undefined): Promise<RampTask | undefined> {
  const id = typeof rawTaskId === 'number' ? rawTaskId : parseId(rawTaskId);
  if (id === null) return undefined;
  const [task] = await tx
    .select()
    .from(rampTasks)
    .where(and(eq(rampTasks.id, id), eq(rampTasks.planId, planId)))
    .limit(1);
  return task;
}
