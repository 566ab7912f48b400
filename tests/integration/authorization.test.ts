// The authorization table, at the level of the actions every page calls:
// each persona tries each action on its own data, another team's, another
// organisation's, and ids that do not exist or are not ids. Allowed actions
// change the database and write an audit row naming the actor; denied ones
// answer 403/404 and leave every table byte-for-byte as it was.
// (Anonymous requests and the pages themselves: tests/browser/app-access.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { testContext } from '../support/context.ts';
import { changedTables, describeChanges, tableSnapshot } from '../support/db-state.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc } from 'drizzle-orm';
import { openDatabase, type Database } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { auditLog, organisations, teamMemberships, teams, users } from '#server/db/schema.ts';
import type { Actor } from '#domain/access.ts';
import { hashPassword } from '#server/auth/password.ts';
import { addPerson, changeUserRole, setPersonActive, updatePerson } from '#server/people/index.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { createTeam, renameTeam, setTeamManager } from '#server/teams/index.ts';
import type { Outcome } from '#server/outcome.ts';
import { seedDemo, TEST_CATALOG } from '../support/db.ts';
import type { ActionContext } from '#server/request/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'opspath-authz-'));
const templatePath = join(dir, 'template.db');

type Ids = {
  admin: Actor;
  manager: Actor;
  otherManager: Actor;
  member: Actor;
  foreignAdmin: Actor;
  teamWarehouse: number;
  teamCustomer: number;
  teamForeign: number;
  warehouseMember: number;
  customerMember: number;
  foreignMember: number;
};
let ids: Ids;

beforeAll(async () => {
  const template = openDatabase({ url: `file:${templatePath}` });
  await migrateDatabase(template, `file:${templatePath}`);
  const { db } = template;
  await seedDemo(db);
  // A second organisation, to prove nobody reaches across.
  const now = new Date();
  const [org] = await db.insert(organisations).values({ name: 'Other Org', settings: {}, createdAt: now }).returning();
  const hash = await hashPassword('other-org-password');
  await db
    .insert(users)
    .values({ orgId: org!.id, email: 'admin@other.test', displayName: 'Other Admin', passwordHash: hash, role: 'admin' })
    .returning();
  const [foreignMember] = await db
    .insert(users)
    .values({
      orgId: org!.id,
      email: 'member@other.test',
      displayName: 'Other Member',
      passwordHash: hash,
      role: 'member',
      jobRole: 'operations-assistant',
      tier: 'junior',
      startDate: '2026-01-05',
    })
    .returning();
  const [foreignTeam] = await db.insert(teams).values({ orgId: org!.id, name: 'Other Team', managerUserId: null }).returning();
  await db.insert(teamMemberships).values({ teamId: foreignTeam!.id, userId: foreignMember!.id });

  const actor = async (email: string): Promise<Actor> => {
    const u = (await findUserByEmail(db, email))!;
    return { id: u.id, orgId: u.orgId, role: u.role, active: u.active };
  };
  const allTeams = await db.select().from(teams);
  ids = {
    admin: await actor('admin@demo.opspath.test'),
    manager: await actor('manager@demo.opspath.test'),
    otherManager: await actor('manager2@demo.opspath.test'),
    member: await actor('newhire@demo.opspath.test'),
    foreignAdmin: await actor('admin@other.test'),
    teamWarehouse: allTeams.find((t) => t.name === 'Warehouse Operations')!.id,
    teamCustomer: allTeams.find((t) => t.name === 'Customer Operations')!.id,
    teamForeign: foreignTeam!.id,
    warehouseMember: (await actor('tom.becker@demo.opspath.test')).id,
    customerMember: (await actor('priya.raman@demo.opspath.test')).id,
    foreignMember: foreignMember!.id,
  };
  templateDb = template;
});
afterAll(() => {
  templateDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

let templateDb: Database | undefined;
let copies = 0;
/** A private copy of the seeded database for one case, so allowed changes do not leak into others. */
async function freshCopy(): Promise<Database> {
  const path = join(dir, `case-${++copies}.db`);
  // VACUUM INTO copies a consistent snapshot, WAL contents included (a file copy would miss them).
  await templateDb!.client.execute({ sql: 'VACUUM INTO ?', args: [path] });
  return openDatabase({ url: `file:${path}` });
}

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
