// Shared plumbing for the CLI scripts in src/cli/: configuration errors print
// as a list and exit 1 instead of a stack trace; the database always closes.
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { ConfigError, env, type Env } from './env.ts';
import { openDatabase, type Database, type Db } from './db/client.ts';
import { syncSkillCatalog } from './skills/catalog.ts';

export async function runWithDatabase(name: string, main: (database: Database, config: Env) => Promise<void>) {
  let database: Database | undefined;
  try {
    const config = env();
    database = openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
    await main(database, config);
  } catch (error) {
    if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
    else console.error(`${name} failed:`, error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    database?.close();
  }
}

/** Shows where the database is without printing an auth token (it is never in the URL, but be safe). */
export function describeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** What content puts in the database (the skill catalog), from content/ on disk: part of every migration step. */
export function syncContent(db: Db) {
  return syncSkillCatalog(db, [...loadCatalogsFromDisk().skills.values()]);
}
