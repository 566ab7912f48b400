// A real, migrated libSQL file database per test file (not :memory:, which
// has lost tables across transactions in libSQL), removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database, type Db } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { buildCatalog, type JobRoleCatalog } from '#domain/job-roles.ts';
import { seedDemoOrganisation } from '#server/demo/index.ts';
import { createLoginThrottle } from '#server/auth/rate-limit.ts';
import { signIn } from '#server/auth/index.ts';
import type { SessionPolicy } from '#server/auth/session.ts';
import { organisations, teamMemberships, teams, users } from '#server/db/schema.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import type { Actor } from '#domain/access.ts';

export type TestDatabase = Database & { url: string; dir: string; cleanup: () => void };

export async function createTestDatabase(name = 'test'): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), `opspath-${name}-`));
  const url = `file:${join(dir, `${name}.db`)}`;
  const database = openDatabase({ url });
  await migrateDatabase(database, url);
  return {
    ...database,
    url,
    dir,
    cleanup: () => {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database holding the demo organisation for the whole test file: created before its tests, removed after. */
export function demoDatabaseForFile(name: string): TestDatabase {
  const database = {} as TestDatabase;
  beforeAll(async () => {
    Object.assign(database, await createTestDatabase(name));
    await seedDemo(database.db);
  });
  afterAll(() => database.cleanup());
  return database;
}

/**
 * A migrated database to seed once in beforeAll, and a private copy of it per
 * case, so what one case is allowed to change does not leak into the next.
 */
export function templateDatabase(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `opspath-${name}-`));
  const url = `file:${join(dir, 'template.db')}`;
  let template: Database | undefined;
  let copies = 0;
  return {
    async open(): Promise<Database> {
      template = openDatabase({ url });
      await migrateDatabase(template, url);
      return template;
    },
    async freshCopy(): Promise<Database> {
      const path = join(dir, `case-${++copies}.db`);
      // VACUUM INTO copies a consistent snapshot, WAL contents included (a file copy would miss them).
      await template!.client.execute({ sql: 'VACUUM INTO ?', args: [path] });
      return openDatabase({ url: `file:${path}` });
    },
    cleanup() {
      template?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Who a user acts as once signed in. */
export async function actorByEmail(db: Db, email: string): Promise<Actor> {
  const u = (await findUserByEmail(db, email))!;
  return { id: u.id, orgId: u.orgId, role: u.role, active: u.active };
}

/** The demo organisation's accounts and teams that access-rule tests act as and on. */
export async function demoPersonas(db: Db) {
  const allTeams = await db.select().from(teams);
  return {
    admin: await actorByEmail(db, 'admin@demo.opspath.test'),
    manager: await actorByEmail(db, 'manager@demo.opspath.test'),
    otherManager: await actorByEmail(db, 'manager2@demo.opspath.test'),
    member: await actorByEmail(db, 'newhire@demo.opspath.test'),
    warehouseMember: (await actorByEmail(db, 'tom.becker@demo.opspath.test')).id,
    customerMember: (await actorByEmail(db, 'priya.raman@demo.opspath.test')).id,
    teamWarehouse: allTeams.find((t) => t.name === 'Warehouse Operations')!.id,
    teamCustomer: allTeams.find((t) => t.name === 'Customer Operations')!.id,
  };
}

/** A second organisation with an admin and a member in one team, to prove nobody reaches across. */
export async function seedOtherOrganisation(db: Db, options: { now: Date; passwordHash: string; memberStartDate?: string }) {
  const { now, passwordHash } = options;
  const [org] = await db.insert(organisations).values({ name: 'Other Org', settings: {}, createdAt: now }).returning();
  const [admin] = await db
    .insert(users)
    .values({ orgId: org!.id, email: 'admin@other.test', displayName: 'Other Admin', passwordHash, role: 'admin' })
    .returning();
  const [member] = await db
    .insert(users)
    .values({
      orgId: org!.id,
      email: 'member@other.test',
      displayName: 'Other Member',
      passwordHash,
      role: 'member',
      jobRole: 'operations-assistant',
      tier: 'junior',
      startDate: options.memberStartDate,
    })
    .returning();
  const [team] = await db.insert(teams).values({ orgId: org!.id, name: 'Other Team', managerUserId: null }).returning();
  await db.insert(teamMemberships).values({ teamId: team!.id, userId: member!.id });
  return { orgId: org!.id, admin: admin!, member: member!, team: team! };
}

/** Generic tiers for every role (no guides): deterministic whatever content/ holds. */
export const TEST_CATALOG: JobRoleCatalog = buildCatalog(new Map());

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const TEST_POLICY: SessionPolicy = { inactivityMs: 72 * HOUR, absoluteMs: 30 * DAY, touchIntervalMs: HOUR };

/** A clock tests move by hand. */
export function testClock(start = new Date('2026-11-02T09:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    ms: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A throttle of its own per test, so tests do not share buckets. */
export const freshThrottle = () => createLoginThrottle();

/** Signs in from no known address, with a throttle of its own so earlier attempts in the file do not count. */
export function signInFresh(db: Db, email: string, password: string) {
  return signIn(db, { email, password }, { ip: null, now: new Date() }, { throttle: freshThrottle() });
}

export async function seedDemo(db: Db, now = new Date('2026-11-22T09:00:00Z')) {
  return seedDemoOrganisation(db, { ...loadCatalogsFromDisk(), jobRoles: TEST_CATALOG }, now);
}

export async function countRows(db: Db, table: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`));
  return Number(row?.n ?? 0);
}
