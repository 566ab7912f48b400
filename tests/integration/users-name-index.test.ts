// Decision 033: users has one name index, (org_id, display_name NOCASE, id),
// and every list of people reads it. The statements are the ones the real
// functions send (recorded through drizzle's logger), each explained by SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/libsql';
import type { Actor } from '#domain/access.ts';
import { parsePeopleQuery } from '#domain/people-search.ts';
import * as schema from '#server/db/schema.ts';
import { searchPeople } from '#server/people/search.ts';
import { pageOfPeople } from '#server/search/queries.ts';
import { peopleByNamePrefix } from '#server/audit/queries.ts';
import { adminPlansPage } from '#server/ramp/overview.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
let manager: Actor;

beforeAll(async () => {
  t = await createTestDatabase('users-name-index');
  await seedDemo(t.db);
  admin = await actorByEmail(t.db, 'admin@demo.opspath.test');
  manager = await actorByEmail(t.db, 'manager@demo.opspath.test');
});
afterAll(() => t.cleanup());

type Statement = { sql: string; params: unknown[] };

/** Runs `body` on a database handle that records every statement it sends. */
async function statementsOf(body: (db: typeof t.db) => Promise<unknown>): Promise<Statement[]> {
  const sent: Statement[] = [];
  const db = drizzle(t.client, { schema, logger: { logQuery: (sql, params) => sent.push({ sql, params }) } });
  await body(db);
  return sent;
}

async function plan(statement: Statement): Promise<string> {
  const result = await t.client.execute({
    sql: `explain query plan ${statement.sql}`,
    args: statement.params as never[],
  });
  return result.rows.map((r) => String(r.detail)).join(' | ');
}

/** The plan of each statement that reads users, for the statements `body` sends. */
async function usersPlans(body: (db: typeof t.db) => Promise<unknown>, table = 'users'): Promise<string[]> {
  const out: string[] = [];
  for (const s of await statementsOf(body)) if (new RegExp(`from "?${table}"?\\b`, 'i').test(s.sql)) out.push(await plan(s));
  return out;
}

describe('the one name index of users', () => {
  it('is the only index on the name', async () => {
    const rows = (await t.client.execute(`select name, sql from sqlite_master where type = 'index' and tbl_name = 'users'`)).rows;
    const byName = rows.filter((r) => /display_name/i.test(String(r.sql)));
    expect(byName.map((r) => String(r.name))).toEqual(['users_org_name_idx']);
  });

  it("serves the admin's People list: first page, a later page, a name prefix, filters", async () => {
    const first = await searchPeople(t.db, admin, parsePeopleQuery({}), 2);
    expect(first.next).not.toBeNull();
    const queries = [
      parsePeopleQuery({}),
      { ...parsePeopleQuery({}), after: first.next },
      parsePeopleQuery({ q: 'ma' }),
      parsePeopleQuery({ q: 'MA', status: 'active', role: 'member' }),
    ];
    for (const query of queries) {
      const plans = await usersPlans((db) => searchPeople(db, admin, query, 2));
      expect(plans.length).toBeGreaterThan(0);
      // The name range (or the email range of the merged search) comes from an index; no pass over the table.
      for (const p of plans) expect(p).not.toMatch(/SCAN users\b/);
      expect(plans[0]).toContain('users_org_name_idx');
      expect(plans[0]).not.toContain('TEMP B-TREE');
    }
  });

  it("finds the manager's own people by primary key, not by walking the organisation", async () => {
    const plans = await usersPlans((db) => searchPeople(db, manager, parsePeopleQuery({}), 2));
    expect(plans[0]).toMatch(/PRIMARY KEY|users_org_name_idx/);
    expect(plans[0]).not.toMatch(/SCAN users\b/);
  });

  it("serves the matrices' and the plan picker's pages of people, and the audit log's selectors", async () => {
    const page = { cursor: { key: 'a', id: 0 }, direction: 'after' as const, limit: 5 };
    const search = { q: 'a', jobRole: null, tier: null, teamId: null, excludeId: admin.id, withoutActivePlan: true };
    for (const body of [
      (db: typeof t.db) => pageOfPeople(db, admin.orgId, search, page),
      (db: typeof t.db) => pageOfPeople(db, admin.orgId, { ...search, q: null }, { ...page, cursor: null }),
      (db: typeof t.db) => peopleByNamePrefix(db, admin.orgId, 'an', 10),
    ]) {
      const [first] = await usersPlans(body);
      expect(first).toContain('users_org_name_idx');
      expect(first).not.toContain('TEMP B-TREE');
    }
  });
});

describe("the admin's ended plans", () => {
  it('are read newest first from ramp_plans_org_ended_idx, not sorted', async () => {
    const [first] = await usersPlans(
      (db) => adminPlansPage(db, admin, 'ended', null, { cursor: null, direction: 'after', limit: 50 }),
      'ramp_plans',
    );
    expect(first).toContain('ramp_plans_org_ended_idx');
    expect(first).not.toContain('TEMP B-TREE');
  });
});
