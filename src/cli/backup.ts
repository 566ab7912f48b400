// npm run db:backup [-- --out <folder>]: writes a consistent copy of the live
// database to data/backups/opspath-<UTC timestamp>.db (VACUUM INTO), checks
// the copy with integrity_check, and prints where it is. Safe while the server runs.
import { parseArgs } from 'node:util';
import { backupDatabase } from '#server/backup.ts';
import { runWithDatabase } from '#server/cli.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });

await runWithDatabase('db:backup', async (database, config) => {
  const result = await backupDatabase(database.client, config.DATABASE_URL, { dir: values.out });
  console.log(`db:backup: wrote ${result.path} (${(result.bytes / 1024).toFixed(0)} KiB, integrity_check ${result.integrity}).`);
});
