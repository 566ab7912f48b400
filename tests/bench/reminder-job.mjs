// The reminder-job part of the scale section on its own (issue 15, "no
// measurable change in p95"): the manager's compliance page at 20
// connections with the daily certification reminder job idle, then while a
// second process runs it back to back, on the generated 50,000-person
// organisation. A minute instead of the whole scale section, so it can be
// run at a quiet moment. Run: `BENCH_SCALE_DB=/tmp/scale.db npx node tests/bench/reminder-job.mjs`
// (the organisation is generated on the first run and kept in that file).
import { loadavg } from 'node:os';
import { openDatabase } from '#server/db/client.ts';
import { BENCH_PASSWORD } from './org-generator.mjs';
import { buildIfNeeded, prepareDatabase, signIn, startServer } from './lib.mjs';
import { measureReminderJob, personas, scaleDatabase } from './scale.mjs';

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const loadBefore = load();
const { url, cleanup } = await scaleDatabase();
const database = openDatabase({ url });
const p = await personas(database.db);
database.close();
prepareDatabase(url);
buildIfNeeded();
const server = await startServer(url);
try {
  const cookie = await signIn(server.baseUrl, p.manager.email, BENCH_PASSWORD);
  const rows = [];
  const out = {};
  const row = (_section, what, value, target, ok) => rows.push({ what, value, target, ok });
  await measureReminderJob({ url, base: server.baseUrl, cookie, orgId: p.admin.orgId, row, out, S: 'reminder job' });
  console.log(`load average ${loadBefore} at start, ${load()} at end`);
  for (const r of rows) console.log(`${r.ok || '   '} | ${r.what} | ${r.value}${r.target ? ` | target: ${r.target}` : ''}`);
} finally {
  await server.stop();
  cleanup();
}
