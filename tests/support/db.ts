// A real, migrated libSQL file database per test file (not :memory:, which
// has lost tables across transactions in libSQL), removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database, type Db } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { buildCatalog, type JobRoleCatalog } from '#domain/job-roles.ts';
import { seedDemoOrganisation } from '#server/demo/index.ts';
import { createLoginThrottle } from '#server/auth/rate-limit.ts';
import type { SessionPolicy } from '#server/auth/session.ts';

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

export async function seedDemo(db: Db, now = new Date('2026-11-22T09:00:00Z')) {
  return seedDemoOrganisation(db, { ...loadCatalogsFromDisk(), jobRoles: TEST_CATALOG }, now);
}

export async function countRows(db: Db, table: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`));
  return Number(row?.n ?? 0);
}
