// What the people and team actions do when they are allowed: the data they
// write, the audit rows beside it, and the validation they apply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../support/context.ts';
import { and, desc, eq } from 'drizzle-orm';
import { auditLog, sessions, teamMemberships, teams, users } from '#server/db/schema.ts';
import type { Actor } from '#domain/access.ts';
import { createSession } from '#server/auth/session.ts';
import {
  addPerson,
  adminPage,
  changeUserRole,
  dashboard,
  deactivatePerson,
  profilePage,
  setPersonActive,
  teamPage,
  updatePerson,
} from '#server/people/index.ts';
import { findUserByEmail, listPeopleInTeams, orgCounts } from '#server/people/queries.ts';
import { createTeam, renameTeam, setTeamManager } from '#server/teams/index.ts';
import { listManageableTeams, listTeams, loadTeamContext } from '#server/teams/queries.ts';
import { createTestDatabase, seedDemo, signInFresh, TEST_CATALOG, type TestDatabase } from '../support/db.ts';
import type { ActionContext } from '#server/request/context.ts';

let t: TestDatabase;
let admin: Actor;
let manager: Actor;
let warehouseId: number;

const ctx = (actor: Actor): ActionContext => testContext(actor, new Date(), '203.0.113.5');
const asActor = (u: { id: number; orgId: number; role: Actor['role']; active: boolean }): Actor => ({
  id: u.id,
  orgId: u.orgId,
  role: u.role,
  active: u.active,
});

beforeAll(async () => {
  t = await createTestDatabase('people');
  await seedDemo(t.db);
  admin = asActor((await findUserByEmail(t.db, 'admin@demo.opspath.test'))!);
  manager = asActor((await findUserByEmail(t.db, 'manager@demo.opspath.test'))!);
  warehouseId = (await t.db.select().from(teams).where(eq(teams.name, 'Warehouse Operations')))[0]!.id;
});
afterAll(() => t.cleanup());

const person = (extra: Record<string, string> = {}) => ({
  teamId: String(warehouseId),
  email: 'Casey.Jordan@Demo.OpsPath.test',
  displayName: 'Casey Jordan',
  position: 'operations-assistant/junior',
  startDate: '2026-11-23',
  passwordMode: 'set',
  password: 'first-password',
  ...extra,
});

describe('addPerson', () => {
  it('creates the person (email lower-cased) in the team with an audit row for each, in one go', async () => {
    const result = await addPerson(t.db, ctx(manager), person(), TEST_CATALOG);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.person).toMatchObject({
      email: 'casey.jordan@demo.opspath.test',
      role: 'member',
      jobRole: 'operations-assistant',
      tier: 'junior',
      startDate: '2026-11-23',
    });
    expect(result.value.generatedPassword).toBeNull();
    const membership = await t.db.select().from(teamMemberships).where(eq(teamMemberships.userId, result.value.person.id));
    expect(membership).toEqual([expect.objectContaining({ teamId: warehouseId })]);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.actorUserId, manager.id)).orderBy(desc(auditLog.id)).limit(2);
    expect(audit.map((a) => a.action).sort()).toEqual(['team.member_added', 'user.created']);
    expect(JSON.stringify(audit)).not.toMatch(/argon2|first-password/);
    // The password they were given works.
    expect(await signInFresh(t.db, 'casey.jordan@demo.opspath.test', 'first-password')).toMatchObject({ ok: true });
  });

  it('refuses the same email in another case (409) and creates nothing', async () => {
    const before = (await t.db.select().from(users)).length;
    const result = await addPerson(t.db, ctx(manager), person({ email: 'CASEY.JORDAN@demo.opspath.test' }), TEST_CATALOG);
    expect(result).toMatchObject({ ok: false, status: 409, fieldErrors: { email: expect.any(String) } });
    expect((await t.db.select().from(users)).length).toBe(before);
  });

  it('generates a password when asked and returns it once', async () => {
    const result = await addPerson(
      t.db,
      ctx(manager),
      person({ email: 'gen@demo.opspath.test', passwordMode: 'generate', password: '' }),
      TEST_CATALOG,
    );
    expect(result.ok).toBe(true);
    if (!result.ok || !result.value.generatedPassword) throw new Error('no generated password');
    expect(await signInFresh(t.db, 'gen@demo.opspath.test', result.value.generatedPassword)).toMatchObject({ ok: true });
  });

  it.each([
    ['a tier from another role', { position: 'operations-assistant/lead' }, 'position'],
    ['a role that is not one of the five', { position: 'astronaut/junior' }, 'position'],
    ['no position', { position: '' }, 'position'],
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an empty name', { displayName: '   ' }, 'displayName'],
    ['an impossible date', { startDate: '2026-02-30' }, 'startDate'],
    ['a short password', { password: 'short' }, 'password'],
  ])('gives a field error for %s', async (_n, extra, field) => {
    const result = await addPerson(t.db, ctx(manager), person({ email: `x${Math.random()}@demo.opspath.test`, ...extra }), TEST_CATALOG);
    expect(result).toMatchObject({ ok: false, status: 400 });
    if (!result.ok && 'fieldErrors' in result) expect(Object.keys(result.fieldErrors)).toContain(field);
  });
});

describe('updatePerson and setPersonActive', () => {
  it('records only the fields that changed, before and after', async () => {
    const tom = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!;
    const result = await updatePerson(
      t.db,
      ctx(manager),
      String(tom.id),
      { displayName: 'Tom Becker', position: 'operations-coordinator/senior', startDate: tom.startDate! },
      TEST_CATALOG,
    );
    expect(result).toMatchObject({ ok: true, value: { tier: 'senior' } });
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.updated')).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      actorUserId: manager.id,
      targetType: 'user',
      targetId: String(tom.id),
      before: { tier: tom.tier },
      after: { tier: 'senior' },
    });
  });

  it('deactivation from a form needs the ticked confirmation, and checks access before it', async () => {
    const tom = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!;
    const member = asActor((await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!);
    // A member may not see a colleague's account: 404, not "tick the box".
    expect(await deactivatePerson(t.db, ctx(member), String(tom.id), {})).toMatchObject({ ok: false, status: 404 });
    for (const form of [{}, { confirm: '' }, { confirm: 'on' }] as Record<string, string>[]) {
      const refused = await deactivatePerson(t.db, ctx(manager), String(tom.id), form);
      expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { confirm: expect.stringMatching(/Tick the box/) } });
    }
    expect((await findUserByEmail(t.db, tom.email))!.active).toBe(true);
    expect(await deactivatePerson(t.db, ctx(manager), String(tom.id), { confirm: 'yes' })).toMatchObject({
      ok: true,
      value: { active: false },
    });
    expect(await setPersonActive(t.db, ctx(manager), String(tom.id), true)).toMatchObject({ ok: true, value: { active: true } });
  });

  it('the person page’s history names who acted', async () => {
    const tom = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!;
    const page = await profilePage(t.db, ctx(manager), String(tom.id));
    if (!page.ok) throw new Error('profile page refused');
    const managerName = (await findUserByEmail(t.db, 'manager@demo.opspath.test'))!.displayName;
    expect(page.value.history.find((h) => h.action === 'user.activated')).toMatchObject({ actorName: managerName });
  });

  it('deactivation ends the person’s sessions and blocks sign-in; reactivation restores sign-in', async () => {
    const ana = (await findUserByEmail(t.db, 'ioana.popescu@demo.opspath.test'))!;
    await createSession(t.db, ana.id);
    await createSession(t.db, ana.id);
    const off = await setPersonActive(t.db, ctx(manager), String(ana.id), false);
    expect(off).toMatchObject({ ok: true, value: { active: false } });
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, ana.id))).toHaveLength(0);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.deactivated')).orderBy(desc(auditLog.id)).limit(1);
    expect(audit?.after).toEqual({ active: false, endedSessions: 2 });
    expect(await signInFresh(t.db, ana.email, 'opspath-demo')).toMatchObject({
      ok: false,
    });

    expect(await setPersonActive(t.db, ctx(manager), String(ana.id), true)).toMatchObject({ ok: true, value: { active: true } });
    expect(await signInFresh(t.db, ana.email, 'opspath-demo')).toMatchObject({
      ok: true,
    });
  });
});

describe('changeUserRole', () => {
  it('demoting a manager also clears them from the teams they managed, audited', async () => {
    const m2 = (await findUserByEmail(t.db, 'manager2@demo.opspath.test'))!;
    const result = await changeUserRole(t.db, ctx(admin), String(m2.id), { role: 'member' });
    expect(result).toMatchObject({ ok: true, value: { role: 'member' } });
    expect(await t.db.select().from(teams).where(eq(teams.managerUserId, m2.id))).toHaveLength(0);
    const cleared = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'team.manager_changed'), eq(auditLog.actorUserId, admin.id)));
    expect(cleared.at(-1)?.before).toEqual({ managerUserId: m2.id });
    // Restore for the tests below.
    await changeUserRole(t.db, ctx(admin), String(m2.id), { role: 'manager' });
  });

  it('refuses a role that does not exist', async () => {
    const tom = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!;
    expect(await changeUserRole(t.db, ctx(admin), String(tom.id), { role: 'owner' })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { role: expect.any(String) },
    });
  });
});

describe('teams', () => {
  it('creates, renames and re-manages a team, refusing duplicate names case-insensitively', async () => {
    const created = await createTeam(t.db, ctx(admin), { name: 'Returns', managerUserId: '' });
    expect(created).toMatchObject({ ok: true, value: { name: 'Returns', managerUserId: null } });
    if (!created.ok) return;
    expect(await createTeam(t.db, ctx(admin), { name: 'returns' })).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: expect.any(String) },
    });
    expect(await renameTeam(t.db, ctx(admin), String(created.value.id), { name: 'warehouse operations' })).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(await renameTeam(t.db, ctx(admin), String(created.value.id), { name: 'Returns & Repairs' })).toMatchObject({
      ok: true,
      value: { name: 'Returns & Repairs' },
    });
    expect(await setTeamManager(t.db, ctx(admin), String(created.value.id), { managerUserId: String(manager.id) })).toMatchObject({
      ok: true,
      value: { managerUserId: manager.id },
    });
    const actions = (
      await t.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.targetId, String(created.value.id)))
    )
      .filter((a) => a.targetType === 'team')
      .map((a) => a.action);
    expect(actions).toEqual(['team.created', 'team.renamed', 'team.manager_changed']);
  });

  it('only appoints active people with the manager role', async () => {
    const tom = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!;
    expect(await setTeamManager(t.db, ctx(admin), String(warehouseId), { managerUserId: String(tom.id) })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { managerUserId: expect.any(String) },
    });
    expect(await createTeam(t.db, ctx(admin), { name: 'Ghost', managerUserId: '99999' })).toMatchObject({ ok: false, status: 400 });
  });

  it('lists teams with manager names and active member counts; counts the organisation', async () => {
    const list = await listTeams(t.db, admin.orgId);
    const warehouse = list.find((x) => x.id === warehouseId)!;
    expect(warehouse.managerName).toBe('Maria Lopez');
    const people = await listPeopleInTeams(t.db, [warehouseId]);
    expect(warehouse.memberCount).toBe(people.filter((p) => p.active).length);
    const counts = await orgCounts(t.db, admin.orgId);
    expect(counts.admins).toBe(1);
    expect(counts.managers).toBe(2);
  });
});

describe('listManageableTeams', () => {
  it('gives a manager exactly the teams they manage, with the same counts as the full list, and an admin every team', async () => {
    const all = await listTeams(t.db, admin.orgId);
    const mine = await listManageableTeams(t.db, manager);
    expect(mine).toEqual(all.filter((x) => x.managerUserId === manager.id));
    expect(mine.length).toBeGreaterThan(0);
    expect(await listManageableTeams(t.db, admin)).toEqual(all);
  });
});

describe('loadTeamContext', () => {
  it('holds only the teams and memberships the actor can act through, so its size follows the actor, not the organisation', async () => {
    const all = await t.db.select().from(teamMemberships);
    const orgTeams = await t.db.select().from(teams).where(eq(teams.orgId, admin.orgId));
    const forManager = await loadTeamContext(t.db, manager);
    const managed = new Set(orgTeams.filter((x) => x.managerUserId === manager.id).map((x) => x.id));
    expect(managed.size).toBeGreaterThan(0);
    expect(managed.size).toBeLessThan(orgTeams.length);
    expect(new Set(forManager.teams.map((x) => x.id))).toEqual(managed);
    // An admin acts through every team of the organisation.
    expect((await loadTeamContext(t.db, admin)).teams).toHaveLength(orgTeams.length);
    expect(forManager.memberships).toEqual(
      expect.arrayContaining(all.filter((m) => managed.has(m.teamId)).map((m) => ({ teamId: m.teamId, userId: m.userId }))),
    );
    expect(forManager.memberships.every((m) => managed.has(m.teamId))).toBe(true);
    expect(all.some((m) => !managed.has(m.teamId))).toBe(true);
    // Admins and members never need memberships: their rights do not come from teams.
    expect((await loadTeamContext(t.db, admin)).memberships).toEqual([]);
  });
});

describe('page reads', () => {
  const member = async () => asActor((await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!);

  it('teamPage: a manager gets their teams and the people in them; an admin also who is in no team; a member is refused (403)', async () => {
    const all = new URLSearchParams();
    const forManager = await teamPage(t.db, ctx(manager), all);
    if (!forManager.ok) throw new Error('refused');
    expect(forManager.value.teams.map((x) => x.id)).toEqual((await listManageableTeams(t.db, manager)).map((x) => x.id));
    const managed = await listPeopleInTeams(
      t.db,
      forManager.value.teams.map((x) => x.id),
    );
    expect(forManager.value.list.people.map((p) => p.id).sort()).toEqual([...new Set(managed.map((p) => p.id))].sort());
    expect(forManager.value).toMatchObject({ mayChooseRole: false, mayAddWithoutTeam: false });
    const loner = await addPerson(t.db, ctx(admin), person({ teamId: '', email: 'loner@demo.opspath.test' }), TEST_CATALOG);
    if (!loner.ok) throw new Error('not added');
    const forAdmin = await teamPage(t.db, ctx(admin), new URLSearchParams({ q: 'loner@' }));
    expect(forAdmin).toMatchObject({ ok: true, value: { mayChooseRole: true, mayAddWithoutTeam: true } });
    if (forAdmin.ok) expect(forAdmin.value.list.people.map((p) => [p.id, p.teams])).toEqual([[loner.value.person.id, []]]);
    // The manager's list never shows someone outside their teams, whatever the search.
    const notMine = await teamPage(t.db, ctx(manager), new URLSearchParams({ q: 'loner' }));
    expect(notMine.ok && notMine.value.list.people).toEqual([]);
    expect(await teamPage(t.db, ctx(await member()), all)).toMatchObject({ ok: false, status: 403 });
  });

  it('profilePage: 404 for someone the actor may not see or a bad id; rights and history for who may edit', async () => {
    const nina = (await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!;
    const priya = (await findUserByEmail(t.db, 'priya.raman@demo.opspath.test'))!;
    const own = await profilePage(t.db, ctx(manager), String(nina.id));
    expect(own).toMatchObject({ ok: true, value: { person: { id: nina.id }, mayEdit: true, maySetActive: true } });
    expect(await profilePage(t.db, ctx(manager), String(priya.id))).toMatchObject({ ok: false, status: 404 });
    expect(await profilePage(t.db, ctx(manager), 'x')).toMatchObject({ ok: false, status: 404 });
    expect(await profilePage(t.db, ctx(await member()), String(nina.id))).toMatchObject({
      ok: true,
      value: { mayEdit: false, maySetActive: false, history: [] },
    });
  });

  it('adminPage: admins only; dashboard: counts for admins, managed teams for managers', async () => {
    expect(await adminPage(t.db, manager)).toMatchObject({ ok: false, status: 403 });
    const area = await adminPage(t.db, admin);
    if (!area.ok) throw new Error('refused');
    expect(area.value.teams).toEqual((await listTeams(t.db, admin.orgId)).slice(0, 50));
    expect(area.value.newTeamManager.people.map((c) => c.id)).toContain(manager.id);
    expect(area.value.managerChange).toBeNull();
    // ?managerOf opens one team's picker, its current manager chosen; the search narrows it.
    const [team] = area.value.teams.filter((t) => t.managerUserId === manager.id);
    const opened = await adminPage(t.db, admin, new URLSearchParams({ managerOf: String(team!.id), manager: 'zzz-nobody' }));
    if (!opened.ok) throw new Error('refused');
    expect(opened.value.managerChange?.team.id).toBe(team!.id);
    expect(opened.value.managerChange?.picker).toMatchObject({ q: 'zzz-nobody', matched: 0, more: false });
    expect(opened.value.managerChange?.picker.people.map((p) => p.id)).toEqual([manager.id]);
    const today = '2026-11-23';
    const adminUser = (await findUserByEmail(t.db, 'admin@demo.opspath.test'))!;
    const managerUser = (await findUserByEmail(t.db, 'manager@demo.opspath.test'))!;
    expect(await dashboard(t.db, adminUser, today)).toMatchObject({
      ok: true,
      value: { organisation: { counts: await orgCounts(t.db, admin.orgId) }, managedTeams: null },
    });
    const home = await dashboard(t.db, managerUser, today);
    if (!home.ok) throw new Error('refused');
    expect(home.value.organisation).toBeNull();
    expect(home.value.managedTeams?.map((x) => x.id)).toEqual((await listManageableTeams(t.db, manager)).map((x) => x.id));
    // Their own profile names the team they run (they are a member of none), not "Not in a team".
    expect(home.value.own).toMatchObject({ teams: [], manages: expect.arrayContaining(['Warehouse Operations']) });
    const profile = await profilePage(t.db, ctx(admin), String(managerUser.id));
    expect(profile).toMatchObject({ ok: true, value: { manages: expect.arrayContaining(['Warehouse Operations']) } });
  });
});

describe('audit log', () => {
  it('is append-only: UPDATE and DELETE are refused by the database', async () => {
    const before = await t.db.select().from(auditLog);
    await expect(t.client.execute(`update audit_log set action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.client.execute('delete from audit_log')).rejects.toThrow(/append-only/);
    expect(await t.db.select().from(auditLog)).toEqual(before);
  });

  it('a failed change leaves no audit row behind (same transaction)', async () => {
    const count = (await t.db.select().from(auditLog)).length;
    await expect(
      t.db.transaction(async (tx) => {
        await tx.insert(auditLog).values({ orgId: admin.orgId, actorUserId: admin.id, action: 'user.updated', at: new Date() });
        await tx
          .insert(users)
          .values({ orgId: admin.orgId, email: 'MixedCase@x.test', displayName: 'x', passwordHash: 'x', role: 'member' });
      }),
    ).rejects.toThrow();
    expect((await t.db.select().from(auditLog)).length).toBe(count);
  });
});
