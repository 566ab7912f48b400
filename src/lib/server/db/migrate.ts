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

export async function migrateDatabase(database: Database, url: string, migrationsFolder = MIGRATIONS_FOLDER) {
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
}
