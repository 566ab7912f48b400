// Ramp plans against a real migrated database holding the demo organisation:
// who may see, start, edit, check off and finish plans (member on someone
// else's plan, buddy, manager of another team, manager, admin, another
// organisation, tampered ids), that a denied or invalid action changes nothing
// at all, validation messages, history + audit rows for every change, and the
// one-active-plan rule under concurrency. Anonymous requests and the pages
// themselves are covered over HTTP in tests/browser/ramp.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';
import { organisations, rampPlanHistory, rampPlans, rampTasks, users, type RampTask } from '#server/db/schema.ts';
import { findUserByEmail, getPerson } from '#server/people/queries.ts';
import { addTask, endPlan, getPlanDetail, moveTask, removeTask, setTaskDone, startPlan, updateTask } from '#server/ramp/index.ts';
import { buddyTasksOf, overseenPlans, startablePeople } from '#server/ramp/overview.ts';
import { planHistory, planTasks } from '#server/ramp/queries.ts';
import type { ActionContext } from '#server/request/context.ts';
import type { Outcome } from '#server/outcome.ts';
import type { UserProfile } from '#server/auth/session.ts';

const NOW = new Date('2026-11-22T09:00:00Z');
const catalog = loadCatalogsFromDisk().ramp;
let t: TestDatabase;
const people: Record<string, UserProfile> = {};
let ninaPlanId: number;
let jonasPlanId: number;
let samuelPlanId: number;
let outsider: UserProfile;

const ctx = (who: string | UserProfile, now = NOW): ActionContext =>
  testContext(typeof who === 'string' ? people[who]! : who, now, '203.0.113.9');

/** Runs a denied or invalid action and checks it changed nothing. */
async function unchanged<T>(action: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  const before = await tableSnapshot(t);
  const result = await action();
  expect(result.ok).toBe(false);
  await expectUnchanged(t, before);
  return result;
}

const statusOf = (r: Outcome<unknown>) => (r.ok ? 200 : r.status);
const errorsOf = (r: Outcome<unknown>) => (!r.ok && 'fieldErrors' in r ? r.fieldErrors : {});

async function tasksOf(planId: number) {
  return planTasks(t.db, planId);
}
const byTemplateId = (tasks: RampTask[], id: string) => tasks.find((x) => x.templateTaskId === id)!;
const firstWhere = (tasks: RampTask[], pred: (x: RampTask) => boolean) => tasks.find(pred)!;

const validTask = {
  title: 'Meet the finance team',
  detail: 'Half an hour.',
  owner: 'new-hire',
  dueDay: '25',
  buddyUserId: '',
  skillId: '',
  kpiId: '',
};

beforeAll(async () => {
  t = await createTestDatabase('ramp');
  await seedDemo(t.db, NOW);
  const emails: Record<string, string> = {
    admin: 'admin@demo.opspath.test',
    managerA: 'manager@demo.opspath.test',
    managerB: 'manager2@demo.opspath.test',
    nina: 'newhire@demo.opspath.test',
    tom: 'tom.becker@demo.opspath.test',
    lena: 'lena.fischer@demo.opspath.test',
    samuel: 'samuel.okafor@demo.opspath.test',
    priya: 'priya.raman@demo.opspath.test',
    jonas: 'jonas.weber@demo.opspath.test',
    ana: 'ana.silva@demo.opspath.test',
  };
  for (const [key, email] of Object.entries(emails)) people[key] = (await getPerson(t.db, (await findUserByEmail(t.db, email))!.id))!;
  const plans = await t.db.select().from(rampPlans);
  ninaPlanId = plans.find((p) => p.userId === people.nina!.id)!.id;
  jonasPlanId = plans.find((p) => p.userId === people.jonas!.id)!.id;
  samuelPlanId = plans.find((p) => p.userId === people.samuel!.id)!.id;
  // A second organisation with its own admin: nothing of Demo Logistics is visible to it.
  const [org] = await t.db.insert(organisations).values({ name: 'Other Org', settings: {}, createdAt: NOW }).returning();
  const [row] = await t.db
    .insert(users)
    .values({
      orgId: org!.id,
      email: 'boss@other.test',
      displayName: 'Other Admin',
      passwordHash: 'x',
      role: 'admin',
      active: true,
      createdAt: NOW,
      updatedAt: NOW,
    })
    .returning();
  outsider = (await getPerson(t.db, row!.id))!;
});
afterAll(() => t.cleanup());

describe('demo data', () => {
  it('has Nina’s active plan with done and open tasks, Jonas’s active plan and Samuel’s completed plan', async () => {
    const nina = await tasksOf(ninaPlanId);
    expect(nina.filter((x) => x.doneAt).length).toBeGreaterThan(2);
    expect(nina.filter((x) => !x.doneAt).length).toBeGreaterThan(10);
    expect(byTemplateId(nina, 'refresh-dashboards').doneAt).toBeNull();
    const [samuel] = await t.db.select().from(rampPlans).where(eq(rampPlans.id, samuelPlanId));
    expect(samuel!.status).toBe('completed');
    expect((await tasksOf(samuelPlanId)).every((x) => x.doneAt)).toBe(true);
    expect((await planHistory(t.db, ninaPlanId)).length).toBeGreaterThan(5);
  });
});

describe('seeing plans', () => {
  it.each([
    ['nina', 'own plan', true, false],
    ['tom', 'named buddy', true, false],
    ['managerA', 'manager of her team', true, true],
    ['admin', 'admin', true, true],
  ])('%s (%s) may see Nina’s plan', async (who, _why, view, manage) => {
    const result = await getPlanDetail(t.db, people[who]!, String(ninaPlanId));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.access).toEqual({ view, manage });
  });

  it.each([
    ['lena', 'member of the same team, not her buddy'],
    ['priya', 'member of another team'],
    ['managerB', 'manager of another team'],
  ])('%s (%s) gets 404 for Nina’s plan', async (who) => {
    expect(statusOf(await getPlanDetail(t.db, people[who]!, String(ninaPlanId)))).toBe(404);
  });

  it('someone from another organisation gets 404, as do tampered ids', async () => {
    expect(statusOf(await getPlanDetail(t.db, outsider, String(ninaPlanId)))).toBe(404);
    for (const raw of ['0', '-1', 'abc', '1e3', '999999', ' 1', '', undefined]) {
      expect(statusOf(await getPlanDetail(t.db, people.admin!, raw))).toBe(404);
    }
  });

  it('the overview lists only the plans a manager oversees; members see none', async () => {
    const a = await overseenPlans(t.db, people.managerA!, 'active');
    expect(a.map((r) => r.plan.id)).toContain(ninaPlanId);
    expect(a.map((r) => r.plan.id)).not.toContain(jonasPlanId);
    const b = await overseenPlans(t.db, people.managerB!, 'active');
    expect(b.map((r) => r.plan.id)).toEqual([jonasPlanId]);
    const all = await overseenPlans(t.db, people.admin!, 'active');
    expect(all.map((r) => r.plan.id)).toEqual(expect.arrayContaining([ninaPlanId, jonasPlanId]));
    expect(await overseenPlans(t.db, people.nina!, 'active')).toEqual([]);
    expect((await overseenPlans(t.db, people.managerA!, 'ended')).map((r) => r.plan.id)).toEqual([samuelPlanId]);
    expect(await overseenPlans(t.db, outsider, 'active')).toEqual([]);
  });

  it('buddies see their open buddy tasks', async () => {
    const tasks = await buddyTasksOf(t.db, people.tom!);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((x) => x.plan.id === ninaPlanId && x.task.owner === 'buddy')).toBe(true);
  });
});

describe('starting a plan', () => {
  it('refuses members (403) and people outside the manager’s teams (404), changing nothing', async () => {
    const form = { personId: String(people.lena!.id), templateRole: '', startDate: '2026-11-23' };
    expect(statusOf(await unchanged(() => startPlan(t.db, ctx('nina'), form, catalog)))).toBe(403);
    expect(statusOf(await unchanged(() => startPlan(t.db, ctx('managerB'), form, catalog)))).toBe(404);
    expect(statusOf(await unchanged(() => startPlan(t.db, ctx(outsider), form, catalog)))).toBe(404);
    // Another manager (not a member of A's teams) and oneself.
    expect(
      statusOf(await unchanged(() => startPlan(t.db, ctx('managerA'), { ...form, personId: String(people.managerB!.id) }, catalog))),
    ).toBe(404);
    expect(
      statusOf(await unchanged(() => startPlan(t.db, ctx('managerA'), { ...form, personId: String(people.managerA!.id) }, catalog))),
    ).toBe(403);
  });

  it.each([['abc'], ['0'], ['999999'], ['1.5']])('answers 404 for a tampered person id %s', async (personId) => {
    expect(statusOf(await unchanged(() => startPlan(t.db, ctx('managerA'), { personId, startDate: '2026-11-23' }, catalog)))).toBe(404);
  });

  it('reports every problem at once: no person, bad template, bad date; nothing saved', async () => {
    const r = await unchanged(() =>
      startPlan(t.db, ctx('managerA'), { personId: '', templateRole: 'astronaut', startDate: '2026-02-30' }, catalog),
    );
    expect(statusOf(r)).toBe(400);
    expect(errorsOf(r)).toMatchObject({
      personId: 'Choose the person the plan is for.',
      templateRole: 'Choose a template from the list.',
      startDate: 'Pick a date that exists on the calendar.',
    });
  });

  it.each([
    ['not a date', 'tomorrow', /exists on the calendar/],
    ['impossible day', '2026-13-01', /exists on the calendar/],
    ['more than a year ahead', '2028-01-01', /between 2025-11-22 and 2027-11-22/],
    ['more than a year ago', '2025-01-01', /between/],
  ])('rejects a start date that is %s', async (_name, startDate, message) => {
    const r = await unchanged(() => startPlan(t.db, ctx('managerA'), { personId: String(people.lena!.id), startDate }, catalog));
    expect(errorsOf(r).startDate).toMatch(message);
  });

  it('refuses a second active plan (409)', async () => {
    const r = await unchanged(() =>
      startPlan(t.db, ctx('managerA'), { personId: String(people.nina!.id), startDate: '2026-11-23' }, catalog),
    );
    expect(statusOf(r)).toBe(409);
    expect(errorsOf(r).personId).toMatch(/already has an active plan/);
  });

  it('checks a start date taken from the profile like a typed one', async () => {
    // Lena joined 400 days ago: too long ago for a 90-day plan.
    const r = await unchanged(() => startPlan(t.db, ctx('managerA'), { personId: String(people.lena!.id), startDate: '' }, catalog));
    expect(errorsOf(r).startDate).toMatch(/between/);
  });

  it('starts from the person’s job role and profile start date by default, with history and audit', async () => {
    // Lena's profile now says she (re)starts next week, as for a new hire.
    await t.db.update(users).set({ startDate: '2026-11-30' }).where(eq(users.id, people.lena!.id));
    people.lena = (await getPerson(t.db, people.lena!.id))!;
    const r = await startPlan(t.db, ctx('managerA'), { personId: String(people.lena!.id), templateRole: '', startDate: '' }, catalog);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const plan = r.value;
    expect(plan.templateRole).toBe(people.lena!.jobRole);
    expect(plan.startDate).toBe(people.lena!.startDate);
    const template = catalog.templates.find((x) => x.role === people.lena!.jobRole)!;
    const tasks = await tasksOf(plan.id);
    expect(tasks.length).toBe(template.phases.reduce((n, p) => n + p.tasks.length, 0));
    expect(tasks.every((x) => x.doneAt === null)).toBe(true);
    expect(plan.phases.map((p) => p.id)).toEqual(['days-1-30', 'days-31-60', 'days-61-90']);
    const history = await planHistory(t.db, plan.id);
    expect(history.map((h) => h.action)).toEqual(['plan.started']);
    const audit = await t.db.all<{ action: string; actor_user_id: number; ip: string }>(
      sql`select action, actor_user_id, ip from audit_log where target_type = 'ramp_plan' and target_id = ${String(plan.id)}`,
    );
    expect(audit).toEqual([{ action: 'ramp.plan_started', actor_user_id: people.managerA!.id, ip: '203.0.113.9' }]);
    // Lena now has a plan and drops out of the "start a plan" list.
    expect((await startablePeople(t.db, people.managerA!)).map((p) => p.id)).not.toContain(people.lena!.id);
  });

  it('an admin starts a plan with an explicit template and a future date, which is Not started', async () => {
    const r = await startPlan(
      t.db,
      ctx('admin'),
      { personId: String(people.ana!.id), templateRole: 'operations-officer', startDate: '2026-12-01' },
      catalog,
    );
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ templateRole: 'operations-officer', startDate: '2026-12-01', createdBy: people.admin!.id });
  });

  it('lets only one of two simultaneous starts for the same person win', async () => {
    const form = { personId: String(people.priya!.id), startDate: '2026-11-20' };
    const results = await Promise.all([startPlan(t.db, ctx('managerB'), form, catalog), startPlan(t.db, ctx('admin'), form, catalog)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map(statusOf)).toEqual([409]);
    const active = await t.db
      .select()
      .from(rampPlans)
      .where(and(eq(rampPlans.userId, people.priya!.id), eq(rampPlans.status, 'active')));
    expect(active).toHaveLength(1);
  });
});

describe('editing a plan', () => {
  it('refuses the new hire and the buddy (403), another team’s manager and outsiders (404), for every edit', async () => {
    const tasks = await tasksOf(ninaPlanId);
    const task = String(tasks[3]!.id);
    const edits: ((c: ActionContext) => Promise<Outcome<unknown>>)[] = [
      (c: ActionContext) => addTask(t.db, c, String(ninaPlanId), validTask, catalog),
      (c: ActionContext) => updateTask(t.db, c, String(ninaPlanId), task, validTask, catalog),
      (c: ActionContext) => moveTask(t.db, c, String(ninaPlanId), task, 'down'),
      (c: ActionContext) => removeTask(t.db, c, String(ninaPlanId), task),
      (c: ActionContext) => endPlan(t.db, c, String(ninaPlanId), 'closed'),
    ];
    for (const edit of edits) {
      expect(statusOf(await unchanged(() => edit(ctx('nina'))))).toBe(403);
      expect(statusOf(await unchanged(() => edit(ctx('tom'))))).toBe(403);
      expect(statusOf(await unchanged(() => edit(ctx('lena'))))).toBe(404);
      expect(statusOf(await unchanged(() => edit(ctx('managerB'))))).toBe(404);
      expect(statusOf(await unchanged(() => edit(ctx(outsider))))).toBe(404);
    }
  });

  it('answers 404 for tampered plan ids and for a task of another plan', async () => {
    const jonasTask = String((await tasksOf(jonasPlanId))[0]!.id);
    for (const raw of ['abc', '0', '999999']) {
      expect(statusOf(await unchanged(() => addTask(t.db, ctx('admin'), raw, validTask, catalog)))).toBe(404);
      expect(statusOf(await unchanged(() => endPlan(t.db, ctx('admin'), raw, 'closed')))).toBe(404);
    }
    // Jonas's task through Nina's plan id: even an admin who may edit both gets 404.
    expect(statusOf(await unchanged(() => updateTask(t.db, ctx('admin'), String(ninaPlanId), jonasTask, validTask, catalog)))).toBe(404);
    expect(statusOf(await unchanged(() => moveTask(t.db, ctx('admin'), String(ninaPlanId), jonasTask, 'up')))).toBe(404);
    expect(statusOf(await unchanged(() => removeTask(t.db, ctx('managerA'), String(ninaPlanId), jonasTask)))).toBe(404);
    expect(statusOf(await unchanged(() => updateTask(t.db, ctx('managerA'), String(ninaPlanId), 'abc', validTask, catalog)))).toBe(404);
  });

  it.each([
    ['an empty title', { title: '   ' }, 'title', 'Enter a task title.'],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'title', /at most 200/],
    ['due day 0', { dueDay: '0' }, 'dueDay', /from 1 to 90/],
    ['due day 91 (beyond the plan)', { dueDay: '91' }, 'dueDay', 'The plan has 90 days: enter a due day from 1 to 90.'],
    ['a due day that is not a number', { dueDay: 'soon' }, 'dueDay', /whole number/],
    ['a negative due day', { dueDay: '-3' }, 'dueDay', /whole number/],
    ['no due day', { dueDay: '' }, 'dueDay', /Enter the day/],
    ['an unknown owner', { owner: 'ceo' }, 'owner', 'Choose who owns this task: the new hire, the manager or a buddy.'],
    ['no owner', { owner: '' }, 'owner', /Choose who owns/],
    ['a buddy outside the team', { owner: 'buddy', buddyUserId: 'priya' }, 'buddyUserId', /Choose a buddy/],
    ['an unknown skill', { skillId: 'juggling' }, 'skillId', 'Choose a skill from the list.'],
    ['an unknown KPI', { kpiId: 'happiness' }, 'kpiId', 'Choose a KPI from the list.'],
    ['details over 1000 characters', { detail: 'y'.repeat(1001) }, 'detail', /at most 1000/],
  ])('rejects %s, saving nothing (add and edit)', async (_name, change, field, message) => {
    const form = { ...validTask, ...change } as Record<string, string>;
    if (form.buddyUserId === 'priya') form.buddyUserId = String(people.priya!.id);
    const added = await unchanged(() => addTask(t.db, ctx('managerA'), String(ninaPlanId), form, catalog));
    expect(statusOf(added)).toBe(400);
    expect(errorsOf(added)[field]).toMatch(message);
    const task = String((await tasksOf(ninaPlanId))[5]!.id);
    const edited = await unchanged(() => updateTask(t.db, ctx('managerA'), String(ninaPlanId), task, form, catalog));
    expect(errorsOf(edited)[field]).toMatch(message);
  });

  it('adds a task into the phase of its due day, with history and audit', async () => {
    const before = (await planHistory(t.db, ninaPlanId)).length;
    const r = await addTask(
      t.db,
      ctx('managerA'),
      String(ninaPlanId),
      { ...validTask, dueDay: '45', owner: 'buddy', buddyUserId: String(people.tom!.id), skillId: 'spreadsheets', kpiId: 'backlog-volume' },
      catalog,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      phaseId: 'days-31-60',
      dueDay: 45,
      owner: 'buddy',
      buddyUserId: people.tom!.id,
      skillId: 'spreadsheets',
      kpiId: 'backlog-volume',
    });
    const history = await planHistory(t.db, ninaPlanId);
    expect(history.length).toBe(before + 1);
    expect(history[0]).toMatchObject({ action: 'task.added', taskId: r.value.id, actorUserId: people.managerA!.id });
    expect(history[0]!.after).toMatchObject({ title: validTask.title, dueDay: 45 });
  });

  it('keeps the buddy only on buddy tasks', async () => {
    const r = await addTask(
      t.db,
      ctx('managerA'),
      String(ninaPlanId),
      { ...validTask, owner: 'manager', buddyUserId: String(people.tom!.id) },
      catalog,
    );
    expect(r.ok && r.value.buddyUserId).toBeNull();
  });

  it('edits a task: moving its due day into another phase moves the task, and history keeps before/after', async () => {
    const task = byTemplateId(await tasksOf(ninaPlanId), 'document-quick-wins');
    const edit = {
      title: 'Write up three quick wins',
      detail: task.detail ?? '',
      owner: task.owner,
      dueDay: '33',
      buddyUserId: '',
      skillId: task.skillId ?? '',
      kpiId: '',
    };
    const saveEdit = () => updateTask(t.db, ctx('managerA'), String(ninaPlanId), String(task.id), edit, catalog);
    const r = await saveEdit();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ title: 'Write up three quick wins', dueDay: 33, phaseId: 'days-31-60' });
    const [entry] = await planHistory(t.db, ninaPlanId);
    expect(entry).toMatchObject({ action: 'task.updated', taskId: task.id });
    expect(entry!.before).toEqual({ title: task.title, dueDay: task.dueDay });
    expect(entry!.after).toEqual({ title: 'Write up three quick wins', dueDay: 33 });
    const [audit] = await t.db.all<{ action: string; before: string }>(sql`select action, before from audit_log order by id desc limit 1`);
    expect(audit!.action).toBe('ramp.task_updated');
    expect(JSON.parse(audit!.before)).toMatchObject({ taskId: task.id, dueDay: task.dueDay });
    // Saving without a change records nothing.
    const count = (await planHistory(t.db, ninaPlanId)).length;
    const same = await saveEdit();
    expect(same.ok).toBe(true);
    expect((await planHistory(t.db, ninaPlanId)).length).toBe(count);
  });

  it('reorders tasks within their phase; moving the first one up changes nothing', async () => {
    const phase = (await tasksOf(ninaPlanId)).filter((x) => x.phaseId === 'days-1-30');
    const [first, second] = phase;
    const down = await moveTask(t.db, ctx('managerA'), String(ninaPlanId), String(first!.id), 'down');
    expect(down.ok).toBe(true);
    const after = (await tasksOf(ninaPlanId)).filter((x) => x.phaseId === 'days-1-30');
    expect(after.slice(0, 2).map((x) => x.id)).toEqual([second!.id, first!.id]);
    expect((await planHistory(t.db, ninaPlanId))[0]).toMatchObject({ action: 'task.moved', taskId: first!.id });

    const before = await tableSnapshot(t);
    const top = await moveTask(t.db, ctx('managerA'), String(ninaPlanId), String(second!.id), 'up');
    expect(top.ok).toBe(true);
    await expectUnchanged(t, before);
    expect(
      errorsOf(await unchanged(() => moveTask(t.db, ctx('managerA'), String(ninaPlanId), String(second!.id), 'sideways'))),
    ).toHaveProperty('direction');
  });

  it('removes a task; its last state stays in the history', async () => {
    const task = firstWhere(await tasksOf(ninaPlanId), (x) => x.title === validTask.title && x.owner === 'manager');
    const r = await removeTask(t.db, ctx('admin'), String(ninaPlanId), String(task.id));
    expect(r.ok).toBe(true);
    expect((await tasksOf(ninaPlanId)).some((x) => x.id === task.id)).toBe(false);
    const [entry] = await planHistory(t.db, ninaPlanId);
    expect(entry).toMatchObject({ action: 'task.removed', taskId: task.id, actorUserId: people.admin!.id });
    expect(entry!.before).toMatchObject({ title: task.title, owner: 'manager' });
  });
});

describe('checking tasks off', () => {
  it('the new hire checks off her own tasks, with a note and evidence link; unchecking clears them', async () => {
    const task = byTemplateId(await tasksOf(ninaPlanId), 'refresh-dashboards');
    const r = await setTaskDone(t.db, ctx('nina'), String(task.id), true, {
      note: 'Checked with Tom',
      evidenceUrl: 'https://wiki.example.com/dash',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.changed).toBe(true);
    expect(r.value.task).toMatchObject({ doneBy: people.nina!.id, note: 'Checked with Tom', evidenceUrl: 'https://wiki.example.com/dash' });
    expect(r.value.task.doneAt?.getTime()).toBe(NOW.getTime());
    expect((await planHistory(t.db, ninaPlanId))[0]).toMatchObject({ action: 'task.done', taskId: task.id, actorUserId: people.nina!.id });

    // The same state again changes nothing.
    const before = await tableSnapshot(t);
    const again = await setTaskDone(t.db, ctx('nina'), task.id, true);
    expect(again.ok && again.value.changed).toBe(false);
    await expectUnchanged(t, before);

    const undone = await setTaskDone(t.db, ctx('nina'), task.id, false);
    expect(undone.ok && undone.value.task).toMatchObject({ doneAt: null, doneBy: null, note: null, evidenceUrl: null });
    const [entry] = await planHistory(t.db, ninaPlanId);
    expect(entry).toMatchObject({ action: 'task.undone' });
    expect(entry!.before).toMatchObject({ done: true, note: 'Checked with Tom' });
  });

  describe('when someone else writes between the check and the write', () => {
    /** The database, with `interfere` run once just before setTaskDone's write batch (as another process would). */
    const racing = (interfere: () => Promise<unknown>) => {
      let pending = true;
      return new Proxy(t.db, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (property !== 'batch' || !pending) return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: unknown[]) => {
            pending = false;
            await interfere();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    };
    const counts = async () => ({
      history: Number((await t.client.execute('select count(*) from ramp_plan_history')).rows[0]![0]),
      audit: Number((await t.client.execute("select count(*) from audit_log where action like 'ramp.task_%'")).rows[0]![0]),
    });

    it('an edit of the task in between: it reads again and applies once, with one history and one audit row', async () => {
      const task = firstWhere(await tasksOf(ninaPlanId), (x) => x.owner === 'new-hire' && !x.doneAt);
      const before = await counts();
      const r = await setTaskDone(
        racing(() =>
          t.client.execute({
            sql: "update ramp_tasks set title = 'Renamed meanwhile', updated_at = updated_at + 1 where id = ?",
            args: [task.id],
          }),
        ),
        ctx('nina'),
        task.id,
        true,
      );
      expect(r.ok && r.value.changed).toBe(true);
      expect(await counts()).toEqual({ history: before.history + 1, audit: before.audit + 1 });
      const [entry] = await planHistory(t.db, ninaPlanId);
      expect(entry).toMatchObject({ action: 'task.done', taskId: task.id });
      expect(entry!.after).toMatchObject({ title: 'Renamed meanwhile', done: true });
      await setTaskDone(t.db, ctx('nina'), task.id, false);
    });

    it('the same check-off in between: nothing more is written, and the answer says nothing changed', async () => {
      const task = firstWhere(await tasksOf(ninaPlanId), (x) => x.owner === 'new-hire' && !x.doneAt);
      // Straight to the database, as another process's check-off would land.
      const interfere = () =>
        t.client.execute({
          sql: 'update ramp_tasks set done_at = ?, done_by = ?, updated_at = updated_at + 1 where id = ?',
          args: [NOW.getTime(), people.nina!.id, task.id],
        });
      const before = await counts();
      const r = await setTaskDone(racing(interfere), ctx('nina'), task.id, true);
      expect(r.ok && r.value.changed).toBe(false);
      expect(await counts()).toEqual(before);
      await setTaskDone(t.db, ctx('nina'), task.id, false);
    });

    it('the plan ended in between: no write, and the answer is that the plan is closed', async () => {
      const task = firstWhere(await tasksOf(ninaPlanId), (x) => x.owner === 'new-hire' && !x.doneAt);
      const before = await counts();
      try {
        const r = await setTaskDone(
          racing(() => t.client.execute({ sql: "update ramp_plans set status = 'closed' where id = ?", args: [ninaPlanId] })),
          ctx('nina'),
          task.id,
          true,
        );
        expect(statusOf(r)).toBe(409);
        expect((await tasksOf(ninaPlanId)).find((x) => x.id === task.id)!.doneAt).toBeNull();
        expect(await counts()).toEqual(before);
      } finally {
        await t.client.execute({ sql: "update ramp_plans set status = 'active' where id = ?", args: [ninaPlanId] });
      }
    });
  });

  it('only the owner checks a task off: the new hire not manager or buddy tasks, the buddy not the new hire’s', async () => {
    const tasks = await tasksOf(ninaPlanId);
    const managerTask = firstWhere(tasks, (x) => x.owner === 'manager' && !x.doneAt);
    const buddyTask = firstWhere(tasks, (x) => x.owner === 'buddy' && !x.doneAt && x.buddyUserId === people.tom!.id);
    const hireTask = firstWhere(tasks, (x) => x.owner === 'new-hire' && !x.doneAt);
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('nina'), managerTask.id, true)))).toBe(403);
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('nina'), buddyTask.id, true)))).toBe(403);
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('tom'), hireTask.id, true)))).toBe(403);
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('tom'), managerTask.id, true)))).toBe(403);
    // People who may not see the plan get 404.
    for (const who of ['lena', 'priya', 'managerB']) {
      expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx(who), hireTask.id, true)))).toBe(404);
    }
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx(outsider), hireTask.id, true)))).toBe(404);
    // The buddy checks their buddy task; the manager and the admin any task.
    expect((await setTaskDone(t.db, ctx('tom'), buddyTask.id, true)).ok).toBe(true);
    expect((await setTaskDone(t.db, ctx('managerA'), managerTask.id, true)).ok).toBe(true);
    expect((await setTaskDone(t.db, ctx('managerA'), hireTask.id, true)).ok).toBe(true);
    expect((await setTaskDone(t.db, ctx('admin'), hireTask.id, false)).ok).toBe(true);
  });

  it('an unnamed buddy task is the manager’s to check', async () => {
    const r = await addTask(t.db, ctx('managerA'), String(ninaPlanId), { ...validTask, owner: 'buddy', buddyUserId: '' }, catalog);
    if (!r.ok) throw new Error('setup failed');
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('tom'), r.value.id, true)))).toBe(403);
    expect((await setTaskDone(t.db, ctx('managerA'), r.value.id, true)).ok).toBe(true);
  });

  it.each([['abc'], ['0'], ['999999'], [''], [undefined]])('answers 404 for a tampered task id %s', async (raw) => {
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('admin'), raw, true)))).toBe(404);
  });

  it.each([
    ['a javascript: link', { evidenceUrl: 'javascript:alert(1)' }, 'evidenceUrl'],
    ['a link without a scheme', { evidenceUrl: 'wiki/page' }, 'evidenceUrl'],
    ['a data: link', { evidenceUrl: 'data:text/html,<b>x</b>' }, 'evidenceUrl'],
    ['a note over 500 characters', { note: 'n'.repeat(501) }, 'note'],
  ])('rejects %s, changing nothing', async (_name, details, field) => {
    const task = firstWhere(await tasksOf(ninaPlanId), (x) => x.owner === 'new-hire' && !x.doneAt);
    const r = await unchanged(() => setTaskDone(t.db, ctx('nina'), task.id, true, details));
    expect(statusOf(r)).toBe(400);
    expect(errorsOf(r)).toHaveProperty(field);
  });
});

describe('finishing a plan', () => {
  it('completes a plan; afterwards it is read-only (409) but still readable with its history', async () => {
    const r = await endPlan(t.db, ctx('managerB'), String(jonasPlanId), 'completed');
    expect(r.ok && r.value).toMatchObject({ status: 'completed', endedBy: people.managerB!.id });
    const task = (await tasksOf(jonasPlanId)).find((x) => !x.doneAt)!;
    expect(statusOf(await unchanged(() => setTaskDone(t.db, ctx('jonas'), task.id, true)))).toBe(409);
    expect(statusOf(await unchanged(() => addTask(t.db, ctx('managerB'), String(jonasPlanId), validTask, catalog)))).toBe(409);
    expect(statusOf(await unchanged(() => endPlan(t.db, ctx('managerB'), String(jonasPlanId), 'closed')))).toBe(409);
    const view = await getPlanDetail(t.db, people.jonas!, String(jonasPlanId));
    expect(view.ok && view.value.toggleable.size).toBe(0);
    expect((await planHistory(t.db, jonasPlanId))[0]).toMatchObject({ action: 'plan.completed' });
  });

  it('rejects an unknown end status', async () => {
    expect(statusOf(await unchanged(() => endPlan(t.db, ctx('managerA'), String(ninaPlanId), 'deleted')))).toBe(400);
  });
});

describe('audit', () => {
  it('writes exactly one audit row per history row, in the same transactions', async () => {
    const [history] = await t.db.all<{ n: number }>(sql`select count(*) as n from ramp_plan_history`);
    const [audit] = await t.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action like 'ramp.%'`);
    expect(Number(audit!.n)).toBe(Number(history!.n));
    const actions = await t.db.selectDistinct({ action: rampPlanHistory.action }).from(rampPlanHistory);
    expect(actions.map((a) => a.action).sort()).toEqual(
      ['plan.completed', 'plan.started', 'task.added', 'task.done', 'task.moved', 'task.removed', 'task.undone', 'task.updated'].sort(),
    );
  });

  it('the database refuses a due day outside 1-90 even without the form', async () => {
    await expect(
      t.db.insert(rampTasks).values({ planId: ninaPlanId, phaseId: 'days-61-90', title: 'x', owner: 'new-hire', dueDay: 91, position: 1 }),
    ).rejects.toThrow();
  });
});
