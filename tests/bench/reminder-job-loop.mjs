// Runs the daily certification reminder job back to back, each run a later
// day, until its standard input closes (or after <runs> runs), printing one
// JSON line per run. A process of
// its own, as the job runs in a web process or `npm run jobs`, so its CPU
// does not stall the load generator measuring the pages meanwhile.
// Usage: node tests/bench/reminder-job-loop.mjs <database url> <org id> <first day> [runs]
import { sql } from 'drizzle-orm';
import { openDatabase } from '#server/db/client.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { addDays } from '#domain/calendar.ts';
import { runCertificationReminders } from '#server/notifications/jobs.ts';

const [url, orgId, firstDay, runs = 'Infinity'] = process.argv.slice(2);
const database = openDatabase({ url });
const [org] = await database.db.all(sql`select id, name, settings from organisations where id = ${Number(orgId)}`);
const settings = JSON.parse(org.settings);
const job = { id: org.id, name: org.name, settings, timeZone: settings.timeZone ?? 'UTC' };
const catalogs = loadCatalogsFromDisk();
let stop = false;
process.stdin.on('end', () => (stop = true)).resume();
for (let day = firstDay, n = 0; !stop && n < Number(runs); day = addDays(day, 1), n++) {
  const start = performance.now();
  const summary = await runCertificationReminders(
    database.db,
    job,
    { period: day, lastCompleted: addDays(day, -1), now: new Date() },
    catalogs,
  );
  process.stdout.write(`${JSON.stringify({ day, ms: Math.round(performance.now() - start), summary })}\n`);
  // Local queries settle without returning to the event loop: let it see our stdin close.
  await new Promise((resolve) => setImmediate(resolve));
}
database.close();
process.exit(0);
