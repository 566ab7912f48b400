// Checking a task off and unchecking it: the busiest write of the feature
// (the benchmark's and the concurrency and crash tests' target).
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { canToggleTask } from '#domain/access.ts';
import { optionalText, optionalWebLink, parseId } from '#domain/fields.ts';
import { auditIfChanged } from '#server/audit/index.ts';
import type { Db } from '#server/db/client.ts';
import { rampPlanHistory, rampPlans, rampTasks, users, type RampPlan, type RampTask } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { changeRows, fromCtx } from './history.ts';
import { accessTo, closedPlan } from './loading.ts';

// --- checking tasks off ----------------------------------------------------------------------

export const checkOffSchema = z.object({
  note: optionalText(500),
  evidenceUrl: optionalWebLink(500),
});

export type CheckOffDetails = {
  note?: string | undefined;
  evidenceUrl?: string | undefined;
  /** The plan the task must be on (a plan page's form): a task of another plan is "not found" there. */
  onPlan?: string | number | undefined;
};
export type ToggledTask = { task: RampTask; plan: RampPlan; planId: number; changed: boolean };

/**
 * Checks a task off (done = true, with an optional note and evidence link) or
 * unchecks it (done = false: clears who, when, note and link; the history
 * keeps them). The owner of the task may do this, or whoever may edit the plan.
 * Setting the state a task already has changes nothing and records nothing.
 * This is the function the benchmark calls (and POST /app/ramp/tasks/<id>/done).
 * It keeps its write transaction short (one joined read, no team queries for the
 * new hire or an admin) and leaves the plan row alone: the task row carries
 * its own updated_at.
 */
export async function setTaskDone(
  db: Db,
  ctx: ActionContext,
  rawTaskId: string | number | undefined,
  done: boolean,
  details: CheckOffDetails = {},
): Promise<Outcome<ToggledTask>> {
  const parsed = parseInput(checkOffSchema, {
    ...(details.note !== undefined ? { note: details.note } : {}),
    ...(details.evidenceUrl !== undefined ? { evidenceUrl: details.evidenceUrl } : {}),
  });
  const id = typeof rawTaskId === 'number' ? rawTaskId : parseId(rawTaskId);
  if (id === null) return notFound();
  // The busiest write. It reads and checks without the write lock, then writes
  // in one batch (one short transaction, no waiting on the event loop inside
  // it) that applies only while the task and its plan are as read; otherwise
  // it reads again. A transaction spanning the reads held the lock across
  // several awaits, and with several web processes the others queued behind it.
  for (let attempt = 1; ; attempt++) {
    // The task, its plan and the new hire in one query.
    const [row] = await db
      .select({ task: rampTasks, plan: rampPlans, person: users })
      .from(rampTasks)
      .innerJoin(rampPlans, eq(rampPlans.id, rampTasks.planId))
      .innerJoin(users, eq(users.id, rampPlans.userId))
      .where(eq(rampTasks.id, id))
      .limit(1);
    if (!row) return notFound();
    if (details.onPlan !== undefined && row.task.planId !== parseId(details.onPlan)) return notFound();
    const { task } = row;
    const loaded = await accessTo(db, ctx.actor, row.plan, row.person, task.buddyUserId !== null && task.buddyUserId === ctx.actor.id);
    if (!loaded.ok) return loaded;
    const { plan, access } = loaded.value;
    if (plan.status !== 'active') return closedPlan(plan);
    if (!canToggleTask(ctx.actor, plan, task, access)) {
      return forbidden(
        task.owner === 'manager'
          ? 'Only the manager checks off manager tasks.'
          : task.owner === 'buddy'
            ? 'Only the buddy named on this task, or the manager, checks it off.'
            : 'Only the new hire, or their manager, checks off this task.',
      );
    }
    if (!parsed.ok) return parsed;
    if ((task.doneAt !== null) === done) return ok({ task, plan, planId: plan.id, changed: false });
    const values = done
      ? { doneAt: ctx.now, doneBy: ctx.actor.id, note: parsed.value.note, evidenceUrl: parsed.value.evidenceUrl }
      : { doneAt: null, doneBy: null, note: null, evidenceUrl: null };
    const { history, audit } = changeRows({
      plan,
      action: done ? 'task.done' : 'task.undone',
      taskId: task.id,
      before: { title: task.title, done: task.doneAt !== null, note: task.note, evidenceUrl: task.evidenceUrl },
      after: { title: task.title, done, note: values.note, evidenceUrl: values.evidenceUrl },
      ...fromCtx(ctx),
    });
    const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    const [updatedRows] = await db.batch([
      db
        .update(rampTasks)
        .set({ ...values, updatedAt: ctx.now })
        .where(
          and(
            eq(rampTasks.id, task.id),
            eq(rampTasks.updatedAt, task.updatedAt),
            task.doneAt === null ? isNull(rampTasks.doneAt) : isNotNull(rampTasks.doneAt),
            sql`exists (select 1 from ${rampPlans} where ${rampPlans.id} = ${plan.id} and ${rampPlans.status} = 'active')`,
          ),
        )
        .returning(),
      // changes() is the rows the statement before changed: history only if the update applied, the audit row only if history was written.
      db.run(sql`insert into ${rampPlanHistory} (plan_id, task_id, actor_user_id, action, before, after, at)
        select ${history.planId}, ${history.taskId}, ${history.actorUserId}, ${history.action}, ${json(history.before)}, ${json(history.after)}, ${history.at.getTime()}
        where changes() = 1`),
      db.run(auditIfChanged(audit)),
    ]);
    const updated = updatedRows[0];
    if (updated) return ok({ task: updated, plan, planId: plan.id, changed: true });
    // Someone changed the task or ended the plan between the read and the write.
    if (attempt >= 3) return invalid({}, 'This task changed while you were saving it. Reload the plan and try again.', 409);
  }
}
