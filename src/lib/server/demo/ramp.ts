// Ramp plans for the demo organisation (called from seedDemoOrganisation, in
// its transaction). Three plans that show the feature's interesting cases:
// - Nina Patel, 20 days in (today is day 21): an active plan from the
//   assistant template, with the early tasks checked off by their owners, one
//   task her manager added for her, and "Refresh the team dashboards" (due
//   yesterday) still open, so her plan is Amber, not trivially Green;
// - Jonas Weber, 45 days in: an active plan on track in the other team;
// - Samuel Okafor, who started 240 days ago: a completed plan, every task done.
// History rows carry the simulated times and people, like real use would.
import { eq } from 'drizzle-orm';
import { dueDate } from '#domain/ramp.ts';
import type { Executor } from '#server/db/client.ts';
import { rampPlans, rampTasks, type RampTask } from '#server/db/schema.ts';
import { findTemplate, type RampCatalog } from '#catalog/catalogs.ts';
import { addDays, type IsoDate } from '#domain/calendar.ts';
import { recordChange, taskSnapshot } from '#server/ramp/history.ts';
import { createPlanFromTemplate } from '#server/ramp/plans.ts';

export type DemoRampInput = {
  orgId: number;
  /** Demo people by email. */
  ids: ReadonlyMap<string, number>;
  now: Date;
  /** The organisation's date at `now`. */
  today: IsoDate;
  catalog: RampCatalog;
};

/** A moment on a calendar date (afternoon UTC), for simulated check-offs. */
const at = (date: string, hour = 15) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);

type PlanSpec = {
  person: string;
  role: string;
  startedDaysAgo: number;
  manager: string;
  buddy: string;
  /** Which tasks are done: by default every task due before today. */
  isDone?: (task: RampTask, dayToday: number) => boolean;
  notes?: Record<string, { note?: string; evidenceUrl?: string }>;
  extraTask?: { title: string; detail: string; dueDay: number; doneOn?: number };
  complete?: boolean;
};

const PLANS: PlanSpec[] = [
  {
    person: 'newhire@demo.opspath.test',
    role: 'operations-assistant',
    startedDaysAgo: 20,
    manager: 'manager@demo.opspath.test',
    buddy: 'tom.becker@demo.opspath.test',
    // Everything due up to day 15 is done; day 20's dashboard refresh is still open.
    isDone: (task) => task.dueDay <= 15,
    notes: {
      'learn-tool-stack': { note: 'Personal link page is in my drive; ERP training module 1 and 2 done.' },
      'shadow-key-processes': {
        note: 'Sat in on purchasing, invoice checks and the Monday ops meeting.',
        evidenceUrl: 'https://wiki.demo.opspath.test/ops/process-notes-nina',
      },
    },
    extraTask: {
      title: 'Meet the warehouse shift leads',
      detail: 'Half an hour with each shift lead: what they need from the office, and where orders usually get stuck.',
      dueDay: 12,
      doneOn: 11,
    },
  },
  {
    person: 'jonas.weber@demo.opspath.test',
    role: 'operations-coordinator',
    startedDaysAgo: 45,
    manager: 'manager2@demo.opspath.test',
    buddy: 'priya.raman@demo.opspath.test',
  },
  {
    person: 'samuel.okafor@demo.opspath.test',
    role: 'operations-officer',
    startedDaysAgo: 240,
    manager: 'manager@demo.opspath.test',
    buddy: 'ioana.popescu@demo.opspath.test',
    isDone: () => true,
    complete: true,
  },
];

export async function seedDemoRamp(tx: Executor, input: DemoRampInput): Promise<number[]> {
  const { catalog } = input;
  const created: number[] = [];
  for (const spec of PLANS) {
    const userId = input.ids.get(spec.person);
    const managerId = input.ids.get(spec.manager);
    const buddyId = input.ids.get(spec.buddy);
    const template = findTemplate(catalog, spec.role);
    if (userId === undefined || managerId === undefined || buddyId === undefined || !template) continue;

    const startDate = addDays(input.today, -spec.startedDaysAgo);
    // Plans are started a few days before the first day, as a manager would.
    const startedAt = at(addDays(startDate, -3), 10);
    const { plan, tasks } = await createPlanFromTemplate(tx, {
      orgId: input.orgId,
      userId,
      template,
      startDate,
      createdBy: managerId,
      at: startedAt,
    });
    created.push(plan.id);
    const who = (task: RampTask) => (task.owner === 'manager' ? managerId : task.owner === 'buddy' ? buddyId : userId);

    // Name the buddy on every buddy task, as the manager did on day 1.
    for (const task of tasks.filter((t) => t.owner === 'buddy')) {
      await tx.update(rampTasks).set({ buddyUserId: buddyId }).where(eq(rampTasks.id, task.id));
      await recordChange(tx, {
        plan,
        action: 'task.updated',
        taskId: task.id,
        before: { title: task.title, buddyUserId: null },
        after: { buddyUserId: buddyId },
        actorUserId: managerId,
        at: at(startDate, 9),
      });
      task.buddyUserId = buddyId;
    }

    const all = [...tasks];
    if (spec.extraTask) {
      const [extra] = await tx
        .insert(rampTasks)
        .values({
          planId: plan.id,
          phaseId: 'days-1-30',
          title: spec.extraTask.title,
          detail: spec.extraTask.detail,
          owner: 'new-hire',
          dueDay: spec.extraTask.dueDay,
          // Right after the template tasks due before it.
          position: (tasks.filter((t) => t.dueDay <= spec.extraTask!.dueDay).at(-1)?.position ?? 0) + 5,
          createdAt: at(startDate, 11),
          updatedAt: at(startDate, 11),
        })
        .returning();
      await recordChange(tx, {
        plan,
        action: 'task.added',
        taskId: extra!.id,
        after: taskSnapshot(extra!),
        actorUserId: managerId,
        at: at(startDate, 11),
      });
      all.push(extra!);
    }

    const dayToday = spec.startedDaysAgo + 1;
    const isDone = spec.isDone ?? ((task: RampTask) => task.dueDay < dayToday);
    const doneDayOf = (task: RampTask) => (task.templateTaskId === null && spec.extraTask?.doneOn ? spec.extraTask.doneOn : task.dueDay);
    // In the order they happened, so the history reads like a timeline.
    const checkedOff = all.filter((t) => isDone(t, dayToday)).sort((a, b) => doneDayOf(a) - doneDayOf(b) || a.position - b.position);
    for (const task of checkedOff) {
      const doneAt = at(dueDate(startDate, doneDayOf(task)));
      if (doneAt.getTime() > input.now.getTime()) continue;
      const extra = (task.templateTaskId && spec.notes?.[task.templateTaskId]) || {};
      const doneBy = who(task);
      await tx
        .update(rampTasks)
        .set({ doneAt, doneBy, note: extra.note ?? null, evidenceUrl: extra.evidenceUrl ?? null, updatedAt: doneAt })
        .where(eq(rampTasks.id, task.id));
      await recordChange(tx, {
        plan,
        action: 'task.done',
        taskId: task.id,
        before: { title: task.title, done: false, note: null, evidenceUrl: null },
        after: { title: task.title, done: true, note: extra.note ?? null, evidenceUrl: extra.evidenceUrl ?? null },
        actorUserId: doneBy,
        at: doneAt,
      });
    }

    if (spec.complete) {
      const endedAt = at(dueDate(startDate, Math.min(90, dayToday)), 17);
      await tx
        .update(rampPlans)
        .set({ status: 'completed', endedAt, endedBy: managerId, updatedAt: endedAt })
        .where(eq(rampPlans.id, plan.id));
      await recordChange(tx, {
        plan,
        action: 'plan.completed',
        before: { status: 'active' },
        after: { status: 'completed' },
        actorUserId: managerId,
        at: endedAt,
      });
    }
  }
  return created;
}
