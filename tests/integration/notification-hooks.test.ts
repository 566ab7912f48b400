// The ramp hooks: starting a plan tells the new hire, adding or reassigning a
// task tells whoever it is now for, each in the change's own transaction (a
// refused change writes no message), never the person who made the change,
// and not someone who turned that kind off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { outboxMessages, rampPlans, users } from '#server/db/schema.ts';
import { findUserByEmail, getPerson } from '#server/people/queries.ts';
import { addTask, startPlan, updateTask } from '#server/ramp/index.ts';
import type { UserProfile } from '#server/auth/session.ts';
import { testContext } from '../support/context.ts';
import { createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

const NOW = new Date('2026-11-22T09:00:00Z');
const catalog = loadCatalogsFromDisk().ramp;
let t: TestDatabase;
const people: Record<string, UserProfile> = {};
const ctx = (who: string) => testContext(people[who]!, NOW);
const task = { title: 'Walk the loading bay', detail: '', owner: 'new-hire', dueDay: '12', buddyUserId: '', skillId: '', kpiId: '' };

const outbox = (kind: 'ramp-plan-started' | 'ramp-task-assigned', userId: number) =>
  t.db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.kind, kind), eq(outboxMessages.recipientUserId, userId)));

beforeAll(async () => {
  t = await createTestDatabase('notification-hooks');
  await seedDemo(t.db, NOW);
  const emails = {
    managerA: 'manager@demo.opspath.test',
    managerB: 'manager2@demo.opspath.test',
    nina: 'newhire@demo.opspath.test',
    tom: 'tom.becker@demo.opspath.test',
    lena: 'lena.fischer@demo.opspath.test',
  };
  for (const [key, email] of Object.entries(emails)) people[key] = (await getPerson(t.db, (await findUserByEmail(t.db, email))!.id))!;
});
afterAll(() => t?.cleanup());

describe('ramp hooks', () => {
  it('a plan starting writes one message to the new hire, with its date, the link and the unsubscribe headers', async () => {
    const started = await startPlan(
      t.db,
      ctx('managerA'),
      { personId: String(people.lena!.id), templateRole: '', startDate: '2026-12-01' },
      catalog,
    );
    expect(started.ok).toBe(true);
    const [message, ...more] = await outbox('ramp-plan-started', people.lena!.id);
    expect(more).toEqual([]);
    expect(message!.subject).toBe('Your ramp plan starts on 1 December 2026');
    expect(message!.textBody).toContain(`/app/ramp/${started.ok && started.value.id}/`);
    expect(message!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(message!.toAddress).toBe('lena.fischer@demo.opspath.test');
  });

  it('a refused start writes no message', async () => {
    const refused = await startPlan(t.db, ctx('managerB'), { personId: String(people.lena!.id), startDate: '2026-12-01' }, catalog);
    expect(refused.ok).toBe(false);
    expect(await outbox('ramp-plan-started', people.lena!.id)).toHaveLength(1);
  });

  it('a task added for the new hire tells the new hire; one for a buddy tells the buddy; the manager who adds it hears nothing', async () => {
    const [plan] = await t.db
      .select()
      .from(rampPlans)
      .where(and(eq(rampPlans.userId, people.nina!.id), eq(rampPlans.status, 'active')));
    expect((await addTask(t.db, ctx('managerA'), plan!.id, task, catalog)).ok).toBe(true);
    const [toNina] = await outbox('ramp-task-assigned', people.nina!.id);
    expect(toNina!.subject).toMatch(/^Ramp task for you, due .+: Walk the loading bay$/);

    const added = await addTask(t.db, ctx('managerA'), plan!.id, { ...task, title: 'Forklift walk-through', owner: 'manager' }, catalog);
    expect(added.ok).toBe(true);
    expect(await outbox('ramp-task-assigned', people.managerA!.id)).toEqual([]);

    // Handing the manager's task to Tom as buddy is news to Tom; saving it unchanged is not.
    const toBuddy = { ...task, title: 'Forklift walk-through', owner: 'buddy', buddyUserId: String(people.tom!.id) };
    expect((await updateTask(t.db, ctx('managerA'), plan!.id, added.ok ? added.value.id : 0, toBuddy, catalog)).ok).toBe(true);
    expect((await updateTask(t.db, ctx('managerA'), plan!.id, added.ok ? added.value.id : 0, toBuddy, catalog)).ok).toBe(true);
    const toTom = await outbox('ramp-task-assigned', people.tom!.id);
    expect(toTom.map((m) => m.subject)).toEqual([expect.stringContaining('Forklift walk-through')]);
    expect(toTom[0]!.textBody).toContain('You are the buddy for this task in');
  });

  it('a refused task writes no message, and a kind turned off is not written', async () => {
    const [plan] = await t.db
      .select()
      .from(rampPlans)
      .where(and(eq(rampPlans.userId, people.nina!.id), eq(rampPlans.status, 'active')));
    const before = (await outbox('ramp-task-assigned', people.nina!.id)).length;
    expect((await addTask(t.db, ctx('managerA'), plan!.id, { ...task, dueDay: '91' }, catalog)).ok).toBe(false);
    expect((await addTask(t.db, ctx('managerB'), plan!.id, task, catalog)).ok).toBe(false);
    await t.db
      .update(users)
      .set({ notificationSettings: { 'ramp-task-assigned': false } })
      .where(eq(users.id, people.nina!.id));
    expect((await addTask(t.db, ctx('managerA'), plan!.id, { ...task, title: 'Quiet task' }, catalog)).ok).toBe(true);
    expect(await outbox('ramp-task-assigned', people.nina!.id)).toHaveLength(before);
  });
});
