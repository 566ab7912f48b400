// Every change to a plan writes a ramp_plan_history row (before/after) and an
// audit row, in the same transaction (or guarded batch) as the change.
import { eq } from 'drizzle-orm';
import type { HistoryAction } from '#domain/ramp.ts';
import { writeAudit, type AuditAction, type AuditEvent } from '#server/audit/index.ts';
import type { Executor } from '#server/db/client.ts';
import { rampPlanHistory, rampPlans, type RampPlan, type RampTask } from '#server/db/schema.ts';
import type { ActionContext } from '#server/request/context.ts';

const AUDIT_ACTION: Record<HistoryAction, AuditAction> = {
  'plan.started': 'ramp.plan_started',
  'plan.completed': 'ramp.plan_completed',
  'plan.closed': 'ramp.plan_closed',
  'task.added': 'ramp.task_added',
  'task.updated': 'ramp.task_updated',
  'task.moved': 'ramp.task_moved',
  'task.removed': 'ramp.task_removed',
  'task.done': 'ramp.task_done',
  'task.undone': 'ramp.task_undone',
};

export type ChangeRecord = {
  plan: Pick<RampPlan, 'id' | 'orgId'>;
  action: HistoryAction;
  taskId?: number | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  actorUserId: number | null;
  ip?: string | null;
  at: Date;
};

/** The plan-history row and the audit event of a change. */
export function changeRows(change: ChangeRecord) {
  const taskId = change.taskId ?? null;
  const history = {
    planId: change.plan.id,
    taskId,
    actorUserId: change.actorUserId,
    action: change.action,
    before: change.before ?? null,
    after: change.after ?? null,
    at: change.at,
  };
  const audit: AuditEvent = {
    orgId: change.plan.orgId,
    actorUserId: change.actorUserId,
    action: AUDIT_ACTION[change.action],
    target: { type: 'ramp_plan', id: change.plan.id },
    before: change.before ? { ...(taskId ? { taskId } : {}), ...change.before } : null,
    after: change.after ? { ...(taskId ? { taskId } : {}), ...change.after } : taskId ? { taskId } : null,
    ip: change.ip ?? null,
    at: change.at,
  };
  return { history, audit };
}

/** Writes the plan's history row and the audit row; call with the transaction of the change. */
export async function recordChange(tx: Executor, change: ChangeRecord): Promise<void> {
  const { history, audit } = changeRows(change);
  await tx.insert(rampPlanHistory).values(history);
  await writeAudit(tx, audit);
}

/** Who made a change, from where and when: the actor's request. */
export const fromCtx = (ctx: ActionContext) => ({ actorUserId: ctx.actor.id, ip: ctx.ip, at: ctx.now });

/** The task fields the history keeps (everything but the bookkeeping columns). */
export function taskSnapshot(task: RampTask) {
  return {
    title: task.title,
    detail: task.detail,
    owner: task.owner,
    buddyUserId: task.buddyUserId,
    dueDay: task.dueDay,
    skillId: task.skillId,
    kpiId: task.kpiId,
  };
}

export async function touchPlan(tx: Executor, planId: number, at: Date) {
  await tx.update(rampPlans).set({ updatedAt: at }).where(eq(rampPlans.id, planId));
}
