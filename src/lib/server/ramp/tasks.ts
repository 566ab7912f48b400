// Editing a plan's tasks: add, change, reorder, remove. Whoever may edit the
// plan (editablePlan) does this, on an active plan only.
import { and, asc, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import type { RampCatalog } from '#catalog/catalogs.ts';
import { choiceOf, optionalIdFromList, optionalText, parseId, requiredText, type FormValues } from '#domain/fields.ts';
import { phaseForDay } from '#domain/ramp.ts';
import type { Db, Executor, Tx } from '#server/db/client.ts';
import { RAMP_TASK_OWNERS, rampTasks, type RampPlan, type RampTask } from '#server/db/schema.ts';
import { invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { notifyTaskAssigned } from '#server/notifications/events.ts';
import { fromCtx, recordChange, taskSnapshot, touchPlan, type ChangeRecord } from './history.ts';
import { taskOfPlan, withEditablePlan } from './loading.ts';
import { buddyCandidates } from './queries.ts';

// --- editing tasks ---------------------------------------------------------------------------

type TaskChange = Pick<ChangeRecord, 'action' | 'before' | 'after'> & { taskId: number };

const OWNER_ERROR = 'Choose who owns this task: the new hire, the manager or a buddy.';

/** A plan has 90 days: a task is due on one of them. */
const dueDayField = z
  .string({ error: 'Enter the day the task is due, from 1 to 90.' })
  .trim()
  .min(1, { error: 'Enter the day the task is due, from 1 to 90.' })
  .regex(/^\d{1,3}$/, { error: 'Enter a whole number of days from 1 to 90.' })
  .transform(Number)
  .refine((d) => d >= 1 && d <= 90, { error: 'The plan has 90 days: enter a due day from 1 to 90.' });

const taskSchema = (catalog: RampCatalog, buddies: ReadonlySet<number>) =>
  z
    .object({
      title: requiredText(200, 'Enter a task title.'),
      detail: optionalText(1000),
      owner: choiceOf(RAMP_TASK_OWNERS, OWNER_ERROR),
      buddyUserId: z.string().optional(),
      dueDay: dueDayField,
      skillId: optionalIdFromList((id) => catalog.skills.has(id), 'Choose a skill from the list.'),
      kpiId: optionalIdFromList((id) => catalog.kpis.has(id), 'Choose a KPI from the list.'),
    })
    .transform((v, ctx) => {
      const raw = v.buddyUserId?.trim() ?? '';
      let buddyUserId: number | null = null;
      // A buddy is only kept on buddy tasks; for other owners the field is ignored.
      if (v.owner === 'buddy' && raw !== '') {
        const id = parseId(raw);
        if (id === null || !buddies.has(id)) {
          ctx.addIssue({ code: 'custom', path: ['buddyUserId'], message: 'Choose a buddy from the list: someone in the new hire’s team.' });
          return z.NEVER;
        }
        buddyUserId = id;
      }
      return { ...v, buddyUserId };
    });

async function parseTask(tx: Executor, plan: RampPlan, form: FormValues, catalog: RampCatalog) {
  // Only the posted buddy is looked up: a large team's colleagues are thousands of rows.
  const posted = parseId(form.buddyUserId?.trim());
  const buddies = new Set(posted === null ? [] : (await buddyCandidates(tx, plan.userId, posted)).map((b) => b.id));
  return parseInput(taskSchema(catalog, buddies), form);
}

/** withEditablePlan, narrowed to one of the plan's tasks: a task of another plan is "not found". */
function withEditableTask<T>(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
  edit: (tx: Tx, plan: RampPlan, task: RampTask) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  return withEditablePlan(db, ctx.actor, rawPlanId, async (tx, plan) => {
    const task = await taskOfPlan(tx, plan.id, rawTaskId);
    return task ? edit(tx, plan, task) : notFound();
  });
}

/** Every task edit is kept in the plan's history and moves the plan's updated_at. */
async function recordTaskChange(tx: Executor, ctx: ActionContext, plan: RampPlan, change: TaskChange): Promise<void> {
  await recordChange(tx, { plan, ...change, ...fromCtx(ctx) });
  await touchPlan(tx, plan.id, ctx.now);
}

async function nextPosition(tx: Executor, planId: number): Promise<number> {
  const [row] = await tx
    .select({ top: max(rampTasks.position) })
    .from(rampTasks)
    .where(eq(rampTasks.planId, planId));
  return (row?.top ?? 0) + 10;
}

/** Adds a task to a plan (fields as in taskSchema); it goes to the end of its due day's phase. */
export async function addTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  form: FormValues,
  catalog: RampCatalog,
): Promise<Outcome<RampTask>> {
  return withEditablePlan(db, ctx.actor, rawPlanId, async (tx, plan) => {
    const parsed = await parseTask(tx, plan, form, catalog);
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    const [task] = await tx
      .insert(rampTasks)
      .values({
        planId: plan.id,
        phaseId: phaseForDay(v.dueDay),
        title: v.title,
        detail: v.detail,
        owner: v.owner,
        buddyUserId: v.buddyUserId,
        dueDay: v.dueDay,
        position: await nextPosition(tx, plan.id),
        skillId: v.skillId,
        kpiId: v.kpiId,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await recordTaskChange(tx, ctx, plan, { action: 'task.added', taskId: task!.id, after: taskSnapshot(task!) });
    await notifyTaskAssigned(tx, plan, task!, ctx.actor.id, ctx.now);
    return ok(task!);
  });
}

/** Changes a task's fields; moving its due day into another phase puts it at the end of that phase. */
export async function updateTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
  form: FormValues,
  catalog: RampCatalog,
): Promise<Outcome<RampTask>> {
  return withEditableTask(db, ctx, rawPlanId, rawTaskId, async (tx, plan, task) => {
    const parsed = await parseTask(tx, plan, form, catalog);
    if (!parsed.ok) return parsed;
    const before = taskSnapshot(task);
    const after = { ...parsed.value };
    const changed = (Object.keys(before) as (keyof typeof before)[]).filter((k) => before[k] !== after[k]);
    if (changed.length === 0) return ok(task);
    const phaseId = phaseForDay(after.dueDay);
    const [updated] = await tx
      .update(rampTasks)
      .set({
        ...after,
        phaseId,
        ...(phaseId !== task.phaseId ? { position: await nextPosition(tx, plan.id) } : {}),
        updatedAt: ctx.now,
      })
      .where(eq(rampTasks.id, task.id))
      .returning();
    await recordTaskChange(tx, ctx, plan, {
      action: 'task.updated',
      taskId: task.id,
      // The title always travels with "before", so the history can name the task.
      before: { title: task.title, ...Object.fromEntries(changed.map((k) => [k, before[k]])) },
      after: Object.fromEntries(changed.map((k) => [k, after[k]])),
    });
    // Only a change of who the task is for is news to the new assignee.
    const assignee = (t: { owner: string; buddyUserId: number | null }) => (t.owner === 'buddy' ? `buddy:${t.buddyUserId}` : t.owner);
    if (assignee(updated!) !== assignee(task)) await notifyTaskAssigned(tx, plan, updated!, ctx.actor.id, ctx.now);
    return ok(updated!);
  });
}

export const MOVE_DIRECTIONS = ['up', 'down'] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];

/** Swaps a task with its neighbour in the same phase; at either end it changes nothing. */
export async function moveTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
  direction: string | undefined,
): Promise<Outcome<RampTask>> {
  return withEditableTask(db, ctx, rawPlanId, rawTaskId, async (tx, plan, task) => {
    if (direction !== 'up' && direction !== 'down') return invalid({ direction: 'Move a task up or down.' });
    const siblings = await tx
      .select()
      .from(rampTasks)
      .where(and(eq(rampTasks.planId, plan.id), eq(rampTasks.phaseId, task.phaseId)))
      .orderBy(asc(rampTasks.position), asc(rampTasks.id));
    const index = siblings.findIndex((t) => t.id === task.id);
    const target = direction === 'up' ? index - 1 : index + 1;
    if (target < 0 || target >= siblings.length) return ok(task);
    // Reuse the phase's own position values in the new order, so equal or
    // gapped positions (older data, concurrent adds) still end up strictly ordered.
    const slots = siblings.map((t) => t.position).sort((a, b) => a - b);
    const reordered = [...siblings];
    [reordered[index], reordered[target]] = [reordered[target]!, reordered[index]!];
    const distinct = new Set(slots).size === slots.length;
    for (const [i, t] of reordered.entries()) {
      const position = distinct ? slots[i]! : slots[0]! + i;
      if (position !== t.position) {
        await tx.update(rampTasks).set({ position, updatedAt: ctx.now }).where(eq(rampTasks.id, t.id));
      }
    }
    await recordTaskChange(tx, ctx, plan, {
      action: 'task.moved',
      taskId: task.id,
      before: { title: task.title, index },
      after: { title: task.title, direction, index: target },
    });
    const [moved] = await tx.select().from(rampTasks).where(eq(rampTasks.id, task.id));
    return ok(moved!);
  });
}

/** Removes a task; its last state stays in the plan's history. */
export async function removeTask(
  db: Db,
  ctx: ActionContext,
  rawPlanId: string | number | undefined,
  rawTaskId: string | number | undefined,
): Promise<Outcome<RampTask>> {
  return withEditableTask(db, ctx, rawPlanId, rawTaskId, async (tx, plan, task) => {
    await tx.delete(rampTasks).where(eq(rampTasks.id, task.id));
    await recordTaskChange(tx, ctx, plan, {
      action: 'task.removed',
      taskId: task.id,
      before: { ...taskSnapshot(task), done: task.doneAt !== null },
    });
    return ok(task);
  });
}
