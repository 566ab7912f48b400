// Applies the committed SQL migrations in drizzle/. Run as one step before any
// web process starts (npm run db:migrate, the start command, tests): drizzle's
// migrator takes no lock, so it must never run per request or per instance.
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Database } from './client.ts';
import { localPath } from './client.ts';

/** drizzle/ at the project root; npm scripts and tests run from there. */
export const MIGRATIONS_FOLDER = resolve(process.cwd(), 'drizzle');

/** Migrations drizzle has recorded as applied (its own journal table; 0 on a new file). */
async function appliedCount(database: Database): Promise<number> {
  const [table] = await database.db.all<{ n: number }>(
    sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`,
  );
  if (!table?.n) return 0;
  const [row] = await database.db.all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`);
  return row?.n ?? 0;
}

/** Applies what is missing and answers how many migrations that was, and how many the database now has. */
export async function migrateDatabase(
  database: Database,
  url: string,
  migrationsFolder = MIGRATIONS_FOLDER,
): Promise<{ applied: number; total: number }> {
  const before = await appliedCount(database);
  if (localPath(url)) {
    // WAL lets readers continue while one writer commits. The mode is stored in
    // the file, so setting it here once is enough for every later connection.
    await database.client.execute('PRAGMA journal_mode = WAL');
  }
  await migrate(database.db, { migrationsFolder });
  // Belt and braces: a rebuild migration must not leave dangling references.
  const problems = await database.db.all(sql`PRAGMA foreign_key_check`);
  if (problems.length > 0) {
    throw new Error(`foreign_key_check found ${problems.length} problem(s) after migrating: ${JSON.stringify(problems.slice(0, 5))}`);
  }
  const total = await appliedCount(database);
  return { applied: total - before, total };
}

/** "3 migrations applied (12 in all)" or "already up to date (12 migrations)". */
export const describeMigration = ({ applied, total }: { applied: number; total: number }) =>
  applied === 0
    ? `already up to date (${total} migration${total === 1 ? '' : 's'})`
    : `${applied} migration${applied === 1 ? '' : 's'} applied (${total} in all)`;
