// The daily trends job on the 50,000-person organisation (issue 17): the
// first run (today's row for every team and the 12 month-end back-fill points
// from the history), then a second run of the same day (today's rows
// rewritten, nothing back-filled). A benchmark, not a test: it prints times.
// Run: `BENCH_SCALE_DB=/tmp/scale.db npx node tests/bench/trends-job.mjs`
// (the organisation is generated on the first run and kept in that file).
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { organisationToday } from '#domain/calendar.ts';
import { openDatabase } from '#server/db/client.ts';
import { computeSnapshots } from '#server/trends/queries.ts';
import { personas, scaleDatabase } from './scale.mjs';

/** Times the job for the scale organisation; `row` gets one line per measure (as the scale section's rows). */
export async function measureTrendsJob({ url, orgId, row, S = 'trends job' }) {
  const database = openDatabase({ url });
  try {
    const catalogs = loadCatalogsFromDisk();
    const now = new Date();
    const today = organisationToday(now, 'UTC');
    await database.db.run(sql`delete from team_snapshots where org_id = ${orgId}`);
    let t0 = performance.now();
    const first = await computeSnapshots(database.db, orgId, today, catalogs, now);
    const firstMs = performance.now() - t0;
    row(
      S,
      `Trends job, first run: ${first.teams} teams, ${first.daily} daily rows + ${first.backfilled} back-filled`,
      `${Math.round(firstMs)} ms`,
    );
    t0 = performance.now();
    const again = await computeSnapshots(database.db, orgId, today, catalogs, now);
    const againMs = performance.now() - t0;
    row(S, `Trends job, daily run (${again.daily} rows, ${again.backfilled} back-filled)`, `${Math.round(againMs)} ms`);
    return { firstMs, againMs };
  } finally {
    database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url, cleanup } = await scaleDatabase();
  const database = openDatabase({ url });
  const p = await personas(database.db);
  database.close();
  const rows = [];
  try {
    await measureTrendsJob({ url, orgId: p.admin.orgId, row: (_s, what, value) => rows.push({ what, value }) });
    console.log(
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    for (const r of rows) console.log(`${r.what} | ${r.value}`);
  } finally {
    cleanup();
  }
}
