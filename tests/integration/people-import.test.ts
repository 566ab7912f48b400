// The people import against a real database: the preview writes nothing, the
// apply writes exactly what the preview showed with its audit rows, a second
// apply of the same file changes nothing, and a preview made stale by a
// change in between is planned again instead of applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planIsEmpty } from '#domain/people-import.ts';
import { toCsv } from '#domain/csv.ts';
import { and, eq, sql } from 'drizzle-orm';
import type { Actor } from '#domain/access.ts';
import { auditLog, outboxMessages, peopleImports, teamMemberships, teams, users } from '#server/db/schema.ts';
import { applyPeopleImport, peopleImportView, previewPeopleImport, type PeopleFile } from '#server/people-import/index.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { actorByEmail, countRows, createTestDatabase, seedDemo, TEST_CATALOG, type TestDatabase } from '../support/db.ts';
import { testContext } from '../support/context.ts';

let t: TestDatabase;
let admin: Actor;
const ctx = () => testContext(admin, new Date('2026-11-23T10:00:00Z'), '203.0.113.9');

beforeAll(async () => {
  t = await createTestDatabase('people-import');
  await seedDemo(t.db);
  admin = await actorByEmail(t.db, 'admin@demo.opspath.test');
});
afterAll(() => t.cleanup());

const csv = [
  'email,name,role,job_role,tier,start_date,team,manages',
  'casey.jordan@hr.test,Casey Jordan,manager,operations-assistant,junior,2026-12-01,Night Shift,Night Shift',
  'robin.lee@hr.test,Robin Lee,member,,,2026-12-01,Night Shift,',
  'tom.becker@demo.opspath.test,Tom B. Becker,member,operations-coordinator,mid,2024-12-22,Night Shift,',
].join('\n');
const file = (extra: Partial<PeopleFile> = {}): PeopleFile => ({
  text: csv,
  fileName: 'hr.csv',
  format: 'csv',
  options: { deactivateAbsent: false, invite: true },
  ...extra,
});
const snapshot = async () => ({
  users: await t.db.select().from(users).orderBy(users.id),
  teams: await t.db.select().from(teams).orderBy(teams.id),
  memberships: await t.db.select().from(teamMemberships).orderBy(teamMemberships.teamId, teamMemberships.userId),
});

async function preview(f = file()) {
  const created = await previewPeopleImport(t.db, ctx(), f, TEST_CATALOG);
  if (!created.ok) throw new Error(created.message);
  const view = await peopleImportView(t.db, admin, String(created.value.id));
  if (!view.ok) throw new Error(view.message);
  return view.value;
}

describe('people import', () => {
  it('previews without writing, then applies exactly the preview, audited as one import', async () => {
    const before = await snapshot();
    const view = await preview();
    expect(await snapshot()).toEqual(before);
    expect(view.problems).toEqual([]);
    expect(view.summary).toMatchObject({ created: 2, updated: 1, teamsCreated: 1, joined: 3, managersChanged: 1, invited: 2 });
    expect(view.plan!.update[0]!.changes).toEqual([{ field: 'name', before: 'Tom Becker', after: 'Tom B. Becker' }]);

    const outboxBefore = await countRows(t.db, 'outbox_messages');
    const result = await applyPeopleImport(t.db, ctx(), view.id, TEST_CATALOG);
    expect(result).toEqual({ state: 'applied', summary: view.summary });
    const after = await snapshot();
    expect(after.users.length).toBe(before.users.length + 2);
    const casey = await findUserByEmail(t.db, 'casey.jordan@hr.test');
    expect(casey).toMatchObject({
      displayName: 'Casey Jordan',
      role: 'manager',
      jobRole: 'operations-assistant',
      tier: 'junior',
      startDate: '2026-12-01',
    });
    const [night] = await t.db.select().from(teams).where(eq(teams.name, 'Night Shift'));
    expect(night!.managerUserId).toBe(casey!.id);
    expect(after.memberships.filter((m) => m.teamId === night!.id)).toHaveLength(3);
    expect(await countRows(t.db, 'outbox_messages')).toBe(outboxBefore + 2);
    const [invitation] = await t.db.select().from(outboxMessages).where(eq(outboxMessages.toAddress, 'robin.lee@hr.test'));
    expect(invitation!.kind).toBe('invitation');

    const [imported] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'people.imported'));
    expect(imported).toMatchObject({ targetType: 'people_import', targetId: String(view.id), actorUserId: admin.id });
    const perPerson = await t.db.all<{ n: number }>(
      sql`select count(*) as n from audit_log where json_extract(after, '$.importId') = ${view.id}`,
    );
    // 2 created, 1 updated, 1 team created, 3 memberships, 1 manager.
    expect(Number(perPerson[0]!.n)).toBe(8);
    const [row] = await t.db.select().from(peopleImports).where(eq(peopleImports.id, view.id));
    expect(row!.status).toBe('applied');
  });

  it('applying the same file again changes nothing', async () => {
    const before = await snapshot();
    const view = await preview();
    expect(view.summary).toMatchObject({ created: 0, updated: 0, teamsCreated: 0, joined: 0, managersChanged: 0, unchanged: 3 });
    expect(await applyPeopleImport(t.db, ctx(), view.id, TEST_CATALOG)).toMatchObject({ state: 'applied' });
    expect(await snapshot()).toEqual(before);
  });

  it('a preview made stale by a change in between is planned again, and nothing is written', async () => {
    const view = await preview(file({ text: csv.replace('Robin Lee', 'Robin Q. Lee') }));
    expect(view.summary).toMatchObject({ updated: 1 });
    await t.db.update(users).set({ displayName: 'Robin Q. Lee' }).where(eq(users.email, 'robin.lee@hr.test'));
    const before = await snapshot();
    expect(await applyPeopleImport(t.db, ctx(), view.id, TEST_CATALOG)).toMatchObject({ state: 'stale', summary: { updated: 0 } });
    expect(await snapshot()).toEqual(before);
    const fresh = await peopleImportView(t.db, admin, String(view.id));
    expect(fresh).toMatchObject({ ok: true, value: { state: 'stale', summary: { updated: 0, unchanged: 3 } } });
  });

  it('a bad file is stored with its problems and cannot be applied', async () => {
    const before = await snapshot();
    const view = await preview(file({ text: `${csv}\nbad-email,X,member,,,,,` }));
    expect(view.plan).toBeNull();
    expect(view.problems).toMatchObject([{ line: 5, reason: expect.stringMatching(/^email:/) }]);
    expect(await applyPeopleImport(t.db, ctx(), view.id, TEST_CATALOG)).toEqual({ state: 'refused', summary: null });
    expect(await snapshot()).toEqual(before);
  });

  it('deactivates people absent from the file only when asked, never the importing admin', async () => {
    const view = await preview(file({ options: { deactivateAbsent: true, invite: false } }));
    const activeBefore = await t.db.select().from(users).where(eq(users.active, true));
    expect(view.plan!.deactivate.map((d) => d.email).sort()).toEqual(
      activeBefore
        .map((u) => u.email)
        .filter((e) => !csv.includes(e) && e !== 'admin@demo.opspath.test')
        .sort(),
    );
    await applyPeopleImport(t.db, ctx(), view.id, TEST_CATALOG);
    const still = await t.db
      .select()
      .from(users)
      .where(and(eq(users.active, true)));
    expect(still.map((u) => u.email).sort()).toEqual([
      'admin@demo.opspath.test',
      'casey.jordan@hr.test',
      'robin.lee@hr.test',
      'tom.becker@demo.opspath.test',
    ]);
  });
});

describe('import properties against the database', () => {
  const emails = ['p1@prop.test', 'p2@prop.test', 'p3@prop.test', 'p4@prop.test', 'tom.becker@demo.opspath.test'];
  const rowArb = fc.record({
    email: fc.constantFrom(...emails),
    name: fc.constantFrom('Ana Prop', 'Bo Prop'),
    role: fc.constantFrom('manager', 'member'),
    position: fc.constantFrom(['', ''], ['operations-assistant', 'junior'], ['operations-coordinator', 'mid']),
    start: fc.constantFrom('', '2026-02-01'),
    team: fc.constantFrom('', 'Prop A', 'prop a', 'Prop B', 'Warehouse Operations'),
    manages: fc.boolean(),
  });
  const fileArb = fc.uniqueArray(rowArb, { selector: (r) => r.email, minLength: 1, maxLength: 5 }).map((rs) => {
    const managed = new Set<string>();
    return rs.map((r) => {
      const manages = r.manages && r.role === 'manager' && r.team !== '' && !managed.has(r.team.toLowerCase()) ? r.team : '';
      if (manages) managed.add(manages.toLowerCase());
      return [r.email, r.name, r.role, r.position[0]!, r.position[1]!, r.start, r.team, manages];
    });
  });

  it('what apply writes is exactly what the preview showed, and a second import of the file plans nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.boolean(), async (rows, deactivateAbsent) => {
        const text = toCsv([['email', 'name', 'role', 'job_role', 'tier', 'start_date', 'team', 'manages'], ...rows]);
        const view = await preview(file({ text, options: { deactivateAbsent, invite: false } }));
        expect(view.problems).toEqual([]);
        const plan = view.plan!;
        const before = await snapshot();
        expect(await applyPeopleImport(t.db, ctx(), view.id, TEST_CATALOG)).toEqual({ state: 'applied', summary: view.summary });
        const after = await snapshot();
        // People: the created ones added with the file's values, the updated ones changed field by field, nobody else touched.
        const field = {
          name: 'displayName',
          role: 'role',
          jobRole: 'jobRole',
          tier: 'tier',
          startDate: 'startDate',
          active: 'active',
        } as const;
        const expected = before.users.map((u) => {
          const next: Record<string, unknown> = { ...u };
          for (const c of plan.update.find((x) => x.id === u.id)?.changes ?? []) next[field[c.field]] = c.after;
          if (plan.deactivate.some((d) => d.id === u.id)) next.active = false;
          return next;
        });
        const strip = (u: Record<string, unknown>) => ({ ...u, updatedAt: null, passwordHash: null });
        expect(after.users.slice(0, before.users.length).map(strip)).toEqual(expected.map(strip));
        expect(after.users.slice(before.users.length).map((u) => [u.email, u.displayName, u.role, u.jobRole, u.tier, u.startDate])).toEqual(
          plan.create.map((c) => [c.email, c.name, c.role, c.jobRole, c.tier, c.startDate]),
        );
        expect(after.teams.slice(before.teams.length).map((x) => x.name)).toEqual(plan.teamsToCreate);
        expect(after.memberships.length).toBe(before.memberships.length + plan.join.length);
        for (const m of plan.managers) {
          const team = after.teams.find((x) => x.name.toLowerCase() === m.team.toLowerCase())!;
          expect(after.users.find((u) => u.id === team.managerUserId)?.email).toBe(m.after);
        }
        const again = await preview(file({ text, options: { deactivateAbsent, invite: false } }));
        expect(planIsEmpty(again.plan!)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
