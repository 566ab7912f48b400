// The authorization table, at the level of the actions every page calls:
// each persona tries each action on its own data, another team's, another
// organisation's, and ids that do not exist or are not ids. Allowed actions
// change the database and write an audit row naming the actor; denied ones
// answer 403/404 and leave every table byte-for-byte as it was.
// (Anonymous requests and the pages themselves: tests/browser/app-access.test.ts.)
import { testContext } from '../support/context.ts';
import { changedTables, describeChanges, tableSnapshot } from '../support/db-state.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { auditLog } from '#server/db/schema.ts';
import type { Actor } from '#domain/access.ts';
import { hashPassword } from '#server/auth/password.ts';
import { addPerson, changeUserRole, setPersonActive, updatePerson } from '#server/people/index.ts';
import { createTeam, renameTeam, setTeamManager } from '#server/teams/index.ts';
import type { Outcome } from '#server/outcome.ts';
import { actorByEmail, demoPersonas, seedDemo, seedOtherOrganisation, templateDatabase, TEST_CATALOG } from '../support/db.ts';
import type { ActionContext } from '#server/request/context.ts';

const template = templateDatabase('authz');
const freshCopy = template.freshCopy;

type Ids = Awaited<ReturnType<typeof demoPersonas>> & { foreignAdmin: Actor; teamForeign: number; foreignMember: number };
let ids: Ids;

beforeAll(async () => {
  const { db } = await template.open();
  await seedDemo(db);
  const other = await seedOtherOrganisation(db, {
    now: new Date(),
    passwordHash: await hashPassword('other-org-password'),
    memberStartDate: '2026-01-05',
  });

  ids = {
    ...(await demoPersonas(db)),
    foreignAdmin: await actorByEmail(db, 'admin@other.test'),
    teamForeign: other.team.id,
    foreignMember: other.member.id,
  };
});
afterAll(() => template.cleanup());

type Persona = 'admin' | 'manager' | 'otherManager' | 'member' | 'foreignAdmin';
type Expect = 'allow' | 403 | 404;
type Case = {
  action: string;
  run: (database: Database, ctx: ActionContext) => Promise<Outcome<unknown>>;
  expect: Record<Persona, Expect>;
};

const newPerson = (teamId: string, extra: Record<string, string> = {}) => ({
  teamId,
  email: `new.person.${Math.random().toString(36).slice(2)}@demo.opspath.test`,
  displayName: 'New Person',
  position: 'operations-coordinator/junior',
  startDate: '2026-11-23',
  passwordMode: 'generate',
  ...extra,
});
const profile = { displayName: 'Renamed Person', position: 'operations-officer/senior', startDate: '2025-03-01' };
const everyone = (e: Expect): Record<Persona, Expect> => ({ admin: e, manager: e, otherManager: e, member: e, foreignAdmin: e });

// The run functions read `ids` when a test runs (after beforeAll), not here.
const CASES: Case[] = [
  // People in the manager's own team.
  {
    action: 'edit a Warehouse member',
    run: (d, c) => updatePerson(d.db, c, String(ids.warehouseMember), profile, TEST_CATALOG),
    expect: { admin: 'allow', manager: 'allow', otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'deactivate a Warehouse member',
    run: (d, c) => setPersonActive(d.db, c, String(ids.warehouseMember), false),
    expect: { admin: 'allow', manager: 'allow', otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'change a Warehouse member’s role',
    run: (d, c) => changeUserRole(d.db, c, String(ids.warehouseMember), { role: 'manager' }),
    expect: { admin: 'allow', manager: 403, otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  // Another team's person.
  {
    action: 'edit a Customer member',
    run: (d, c) => updatePerson(d.db, c, String(ids.customerMember), profile, TEST_CATALOG),
    expect: { admin: 'allow', manager: 404, otherManager: 'allow', member: 404, foreignAdmin: 404 },
  },
  // Managers, and oneself.
  {
    action: 'edit the other manager',
    run: (d, c) => updatePerson(d.db, c, String(ids.otherManager.id), profile, TEST_CATALOG),
    expect: { admin: 'allow', manager: 404, otherManager: 403, member: 404, foreignAdmin: 404 },
  },
  { action: 'deactivate oneself', run: (d, c) => setPersonActive(d.db, c, String(c.actor.id), false), expect: everyone(403) },
  { action: 'change one’s own role', run: (d, c) => changeUserRole(d.db, c, String(c.actor.id), { role: 'admin' }), expect: everyone(403) },
  // Tampered ids.
  {
    action: 'edit a person in another organisation',
    run: (d, c) => updatePerson(d.db, c, String(ids.foreignMember), profile, TEST_CATALOG),
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 'allow' },
  },
  { action: 'deactivate a person who does not exist', run: (d, c) => setPersonActive(d.db, c, '999999', false), expect: everyone(404) },
  { action: 'edit with a non-numeric id', run: (d, c) => updatePerson(d.db, c, '1 OR 1=1', profile, TEST_CATALOG), expect: everyone(404) },
  { action: 'change role with an id of -1', run: (d, c) => changeUserRole(d.db, c, '-1', { role: 'admin' }), expect: everyone(404) },
  // Adding people.
  {
    action: 'add a person to Warehouse',
    run: (d, c) => addPerson(d.db, c, newPerson(String(ids.teamWarehouse)), TEST_CATALOG),
    expect: { admin: 'allow', manager: 'allow', otherManager: 403, member: 403, foreignAdmin: 404 },
  },
  {
    action: 'add a person to another organisation’s team',
    run: (d, c) => addPerson(d.db, c, newPerson(String(ids.teamForeign)), TEST_CATALOG),
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 'allow' },
  },
  {
    action: 'add a person to a team that does not exist',
    run: (d, c) => addPerson(d.db, c, newPerson('424242'), TEST_CATALOG),
    expect: everyone(404),
  },
  {
    action: 'add a person outside any team',
    run: (d, c) => addPerson(d.db, c, newPerson(''), TEST_CATALOG),
    expect: { admin: 'allow', manager: 403, otherManager: 403, member: 403, foreignAdmin: 'allow' },
  },
  {
    action: 'add an admin to Warehouse',
    run: (d, c) => addPerson(d.db, c, newPerson(String(ids.teamWarehouse), { role: 'admin' }), TEST_CATALOG),
    expect: { admin: 'allow', manager: 403, otherManager: 403, member: 403, foreignAdmin: 404 },
  },
  // Teams (admin area).
  {
    action: 'create a team',
    run: (d, c) => createTeam(d.db, c, { name: 'Returns' }),
    expect: { admin: 'allow', manager: 403, otherManager: 403, member: 403, foreignAdmin: 'allow' },
  },
  {
    action: 'rename Warehouse',
    run: (d, c) => renameTeam(d.db, c, String(ids.teamWarehouse), { name: 'Depot' }),
    expect: { admin: 'allow', manager: 403, otherManager: 403, member: 403, foreignAdmin: 404 },
  },
  {
    action: 'rename another organisation’s team',
    run: (d, c) => renameTeam(d.db, c, String(ids.teamForeign), { name: 'Mine now' }),
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 'allow' },
  },
  {
    action: 'appoint manager2 to Warehouse',
    run: (d, c) => setTeamManager(d.db, c, String(ids.teamWarehouse), { managerUserId: String(ids.otherManager.id) }),
    expect: { admin: 'allow', manager: 403, otherManager: 403, member: 403, foreignAdmin: 404 },
  },
  {
    action: 'appoint a manager to a team that does not exist',
    run: (d, c) => setTeamManager(d.db, c, '77777', { managerUserId: String(ids.manager.id) }),
    expect: everyone(404),
  },
];

describe('authorization table (actions)', () => {
  const personas: Persona[] = ['admin', 'manager', 'otherManager', 'member', 'foreignAdmin'];
  const table = CASES.flatMap((c) => personas.map((persona) => [c.action, persona, c] as const));

  it.each(table)('%s as %s', async (_action, persona, spec) => {
    const expected = spec.expect[persona];
    const database = await freshCopy();
    try {
      const ctx: ActionContext = testContext(ids[persona], new Date(), '192.0.2.1');
      const before = await tableSnapshot(database);
      const result = await spec.run(database, ctx);
      const after = await tableSnapshot(database);
      if (expected === 'allow') {
        expect(result.ok, JSON.stringify(result)).toBe(true);
        expect(changedTables(before, after).map((c) => c.table)).toContain('audit_log');
        const [last] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
        expect(last?.actorUserId).toBe(ids[persona].id);
        expect(last?.ip).toBe('192.0.2.1');
      } else {
        expect(result).toMatchObject({ ok: false, status: expected });
        expect(describeChanges(changedTables(before, after))).toEqual('');
      }
    } finally {
      database.close();
    }
  });
});
