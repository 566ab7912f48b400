// Messages caused by a change rather than by time: a ramp plan starting for
// someone, a ramp task assigned to someone. Called by the ramp feature inside
// the change's own transaction, so a change that rolls back sends nothing.
import { eq } from 'drizzle-orm';
import { dueDate } from '#domain/ramp.ts';
import { planStartedEmail, taskAssignedEmail } from '#domain/notifications.ts';
import type { Executor } from '#server/db/client.ts';
import { users } from '#server/db/schema.ts';
import { enqueueMessage } from '#server/outbox/index.ts';
import { messageLinks } from './jobs.ts';
import { unsubscribeHeaders } from './unsubscribe.ts';

async function recipient(tx: Executor, orgId: number, userId: number) {
  const [row] = await tx
    .select({
      id: users.id,
      email: users.email,
      name: users.displayName,
      orgId: users.orgId,
      active: users.active,
      notificationSettings: users.notificationSettings,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row && row.active && row.orgId === orgId ? row : null;
}

export async function notifyPlanStarted(
  tx: Executor,
  plan: { id: number; orgId: number; userId: number; title: string; startDate: string },
  taskCount: number,
  now: Date,
): Promise<void> {
  const person = await recipient(tx, plan.orgId, plan.userId);
  if (!person) return;
  const content = planStartedEmail(
    { planTitle: plan.title, startDate: plan.startDate, taskCount },
    messageLinks(person.id, 'ramp-plan-started', `/app/ramp/${plan.id}/`),
  );
  await enqueueMessage(
    tx,
    {
      orgId: plan.orgId,
      kind: 'ramp-plan-started',
      recipient: person,
      subject: content.heading,
      content,
      idempotencyKey: `ramp-plan-started:${plan.id}`,
      headers: unsubscribeHeaders(content.unsubscribeUrl!),
    },
    now,
  );
}

/** Tells the person a task is now for: the new hire for their own task, the named buddy for a buddy task. Never the one who assigned it. */
export async function notifyTaskAssigned(
  tx: Executor,
  plan: { id: number; orgId: number; userId: number; startDate: string },
  task: { id: number; title: string; owner: string; buddyUserId: number | null; dueDay: number },
  actorId: number,
  now: Date,
): Promise<void> {
  const assigneeId = task.owner === 'new-hire' ? plan.userId : task.owner === 'buddy' ? task.buddyUserId : null;
  if (assigneeId === null || assigneeId === actorId) return;
  const person = await recipient(tx, plan.orgId, assigneeId);
  if (!person) return;
  const newHire = assigneeId === plan.userId ? person : await recipient(tx, plan.orgId, plan.userId);
  const content = taskAssignedEmail(
    {
      title: task.title,
      dueDate: dueDate(plan.startDate, task.dueDay),
      newHireName: newHire?.name ?? '',
      forNewHire: assigneeId === plan.userId,
    },
    messageLinks(person.id, 'ramp-task-assigned', `/app/ramp/${plan.id}/`),
  );
  await enqueueMessage(
    tx,
    {
      orgId: plan.orgId,
      kind: 'ramp-task-assigned',
      recipient: person,
      subject: content.heading,
      content,
      // The instant is part of the key: assigning the same task to the same person again, later, is news again.
      idempotencyKey: `ramp-task-assigned:${task.id}:${person.id}:${now.getTime()}`,
      headers: unsubscribeHeaders(content.unsubscribeUrl!),
    },
    now,
  );
}
