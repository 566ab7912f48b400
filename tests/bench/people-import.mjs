// Bench of the people import (issue 16, "Measured"), done the way an admin
// does it: a generated 50,000-person HR file (1,000 teams of 50, each with its
// manager, every person with a job role, tier and start date) uploaded to the
// production server (dist/) and applied from its page, into the demo
// organisation of a fresh temporary database. Two web processes share that
// database, each started with WEB_CONCURRENCY=1:
//   - the importer, which the admin uploads to and which runs the apply in the
//     background (as in production). Its RSS is read from /proc every 50 ms and
//     its peak from the kernel (VmHWM), so the figure is the process doing the
//     import, not this script with its generated file.
//   - another web process, where another user (the demo manager) loads a page
//     the whole time; its p95 while the apply runs is compared with a window
//     just before. The same user also loads the page from the importing
//     process, one request at a time, to show what its own users see.
// While the apply runs the admin's page is fetched every 2 s, as its Refresh
// header makes a browser do; the apply's end is read from the import's row.
// Then the same file again (nothing to write).
// Run: `npx node tests/bench/people-import.mjs [people]`; BENCH_INVITE=1 ticks "invite".
// Prints NO for a missed target; a benchmark, never a test.
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { toCsv } from '#domain/csv.ts';
import { localPath, openDatabase } from '#server/db/client.ts';
import { buildIfNeeded, percentile, prepareDatabase, signIn, startServer } from './lib.mjs';

const PEOPLE = Number(process.argv[2] ?? 50_000);
const TEAM_SIZE = 50;
const INVITE = process.env.BENCH_INVITE === '1';
const RSS_TARGET_MB = 512;
const OTHER_PAGE = '/app/';
/** Concurrent requests of the other user on the other web process: a steady load, not a saturating one (2 cores). */
const OTHER_CONNECTIONS = 2;
const BASELINE_MS = 10_000;

const loadAverage = () => os.loadavg().map((n) => +n.toFixed(2));
const mb = (kb) => Math.round(kb / 1024);
/** CPU seconds (user + system) a process has used: a figure a busy machine slows less than wall time. */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const statusKb = (pid, field) =>
  Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);

function hrFile() {
  const positions = loadCatalogsFromDisk().jobRoles.flatMap((r) => r.tiers.map((t) => [r.slug, t.id]));
  const rows = [['email', 'name', 'role', 'job_role', 'tier', 'start_date', 'team', 'manages']];
  for (let i = 0; i < PEOPLE; i++) {
    const team = `Site ${String(Math.floor(i / TEAM_SIZE) + 1).padStart(4, '0')}`;
    const leads = i % TEAM_SIZE === 0;
    const [jobRole, tier] = positions[i % positions.length];
    const day = String((i % 28) + 1).padStart(2, '0');
    rows.push([
      `person${i}@hr.bench.test`,
      `Person ${i}`,
      leads ? 'manager' : 'member',
      jobRole,
      tier,
      `2025-03-${day}`,
      team,
      leads ? team : '',
    ]);
  }
  return toCsv(rows);
}

/** The process's RSS every 50 ms until stopped: the highest value seen. */
function rssSampler(pid) {
  let peakKb = 0;
  const timer = setInterval(() => (peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'))), 50);
  return { stop: () => (clearInterval(timer), peakKb) };
}

/** `connections` loops requesting `url` back to back until stopped; every response time recorded. */
function steadyLoad(url, cookie, connections) {
  const times = [];
  let errors = 0;
  let running = true;
  const loop = async () => {
    while (running) {
      const start = performance.now();
      try {
        const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        else times.push(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  const loops = Array.from({ length: connections }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      times.sort((a, b) => a - b);
      const r = (p) => +percentile(times, p).toFixed(1);
      return { requests: times.length, errors, p50: r(50), p95: r(95), max: +times.at(-1).toFixed(1) };
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

buildIfNeeded();
const databaseUrl = prepareDatabase();
const env = { WEB_CONCURRENCY: '1', JOBS: 'off' };
const [importer, other] = await Promise.all([startServer(databaseUrl, env), startServer(databaseUrl, env)]);
const database = openDatabase({ url: databaseUrl });
const importState = async (id) =>
  (await database.client.execute({ sql: 'select status from people_imports where id = ?', args: [id] })).rows[0]?.status;

try {
  const text = hrFile();
  const admin = await signIn(importer.baseUrl, 'admin@demo.opspath.test', 'opspath-demo');
  const manager = await signIn(other.baseUrl, 'manager@demo.opspath.test', 'opspath-demo');
  // Warm both processes: every page the run loads, so the figures are of a process that has served pages.
  for (const [base, cookie, path] of [
    [importer.baseUrl, admin, '/app/admin/import/'],
    [importer.baseUrl, manager, OTHER_PAGE],
    [other.baseUrl, manager, OTHER_PAGE],
  ])
    for (let i = 0; i < 5; i++) {
      const res = await fetch(base + path, { headers: { cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
    }

  /** Uploads the file and applies it from its page, as the admin does; loads the other user's page while the apply runs. */
  async function importOnce(label, { measureOthers }) {
    const rssBeforeKb = statusKb(importer.pid, 'VmRSS');
    const form = new FormData();
    form.set('file', new Blob([text], { type: 'text/csv' }), `hr-${PEOPLE}.csv`);
    if (INVITE) form.set('invite', 'yes');
    const previewRss = rssSampler(importer.pid);
    let start = performance.now();
    const uploaded = await fetch(`${importer.baseUrl}/app/admin/import/`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { cookie: admin, origin: importer.baseUrl },
    });
    const previewMs = performance.now() - start;
    const previewPeakKb = previewRss.stop();
    const location = uploaded.headers.get('location') ?? '';
    const id = Number(location.match(/\/app\/admin\/import\/(\d+)/)?.[1]);
    if (uploaded.status !== 303 || !id) throw new Error(`${label}: preview answered HTTP ${uploaded.status}`);

    const baseline = measureOthers
      ? await (async () => {
          const otherLoad = steadyLoad(other.baseUrl + OTHER_PAGE, manager, OTHER_CONNECTIONS);
          const ownLoad = steadyLoad(importer.baseUrl + OTHER_PAGE, manager, 1);
          await sleep(BASELINE_MS);
          return { other: await otherLoad.stop(), importer: await ownLoad.stop(), loadAverage: loadAverage() };
        })()
      : null;

    const otherLoad = measureOthers ? steadyLoad(other.baseUrl + OTHER_PAGE, manager, OTHER_CONNECTIONS) : null;
    const ownLoad = measureOthers ? steadyLoad(importer.baseUrl + OTHER_PAGE, manager, 1) : null;
    const applyRss = rssSampler(importer.pid);
    start = performance.now();
    const cpuBefore = cpuSeconds(importer.pid);
    const applied = await fetch(`${importer.baseUrl}/app/admin/import/${id}`, {
      method: 'POST',
      body: new URLSearchParams({ intent: 'apply' }),
      redirect: 'manual',
      headers: { cookie: admin, origin: importer.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (applied.status !== 303) throw new Error(`${label}: apply answered HTTP ${applied.status}`);
    let nextPageAt = 0;
    let pageLoads = 0;
    let state = await importState(id);
    while (state === 'applying') {
      if (performance.now() >= nextPageAt) {
        nextPageAt = performance.now() + 2000;
        pageLoads++;
        // Not awaited, like a browser tab: the apply's end is read from the row, not from this page.
        void fetch(`${importer.baseUrl}/app/admin/import/${id}`, { headers: { cookie: admin } }).then((r) => r.arrayBuffer());
      }
      await sleep(100);
      state = await importState(id);
    }
    const applyMs = performance.now() - start;
    const applyCpuS = cpuSeconds(importer.pid) - cpuBefore;
    const during = measureOthers ? { other: await otherLoad.stop(), importer: await ownLoad.stop(), loadAverage: loadAverage() } : null;
    const applyPeakKb = applyRss.stop();
    if (state !== 'applied') throw new Error(`${label}: the import ended ${state}`);
    return {
      previewS: +(previewMs / 1000).toFixed(1),
      applyS: +(applyMs / 1000).toFixed(1),
      applyCpuSecondsOfImporter: +applyCpuS.toFixed(1),
      adminPageLoadsDuringApply: pageLoads,
      rssBeforeMb: mb(rssBeforeKb),
      peakRssSampledDuringPreviewMb: mb(previewPeakKb),
      peakRssSampledDuringApplyMb: mb(applyPeakKb),
      peakRssOfProcessSoFarMb: mb(statusKb(importer.pid, 'VmHWM')),
      othersBefore: baseline,
      othersDuringApply: during,
    };
  }

  const first = await importOnce('first import', { measureOthers: true });
  const count = async (table) => Number((await database.client.execute(`select count(*) as n from ${table}`)).rows[0].n);
  const written = { users: await count('users'), teams: await count('teams'), memberships: await count('team_memberships') };
  const again = await importOnce('same file again', { measureOthers: false });
  const peakMb = mb(statusKb(importer.pid, 'VmHWM'));
  const p95Ratio = +(first.othersDuringApply.other.p95 / first.othersBefore.other.p95).toFixed(2);
  const yes = (ok) => (ok ? 'yes' : 'NO');
  const result = {
    date: new Date().toISOString(),
    people: PEOPLE,
    invite: INVITE,
    fileMb: +(Buffer.byteLength(text) / 1024 / 1024).toFixed(1),
    loadAverageAtEnd: loadAverage(),
    first,
    written,
    sameFileAgain: {
      previewS: again.previewS,
      applyS: again.applyS,
      rssBeforeMb: again.rssBeforeMb,
      peakRssSampledDuringPreviewMb: again.peakRssSampledDuringPreviewMb,
      peakRssSampledDuringApplyMb: again.peakRssSampledDuringApplyMb,
    },
    peakRssOfImportingProcessMb: peakMb,
    otherUserP95DuringApplyOverBefore: p95Ratio,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`  ${yes(first.previewS <= 30)} preview ${first.previewS} s (target ≤ 30 s)`);
  console.log(`  ${yes(first.applyS <= 60)} apply ${first.applyS} s (target ≤ 60 s)`);
  console.log(`  ${yes(peakMb <= RSS_TARGET_MB)} peak RSS of the importing web process ${peakMb} MB (target ≤ ${RSS_TARGET_MB} MB)`);
  // "Unchanged within noise": within 1.5 times the p95 of the window just before, on a 2-core machine shared with other work.
  console.log(
    `  ${yes(p95Ratio <= 1.5)} other user's ${OTHER_PAGE} on the other web process: p95 ${first.othersBefore.other.p95} ms before, ${first.othersDuringApply.other.p95} ms during the apply (×${p95Ratio}; target: unchanged within noise, read as ≤ ×1.5)`,
  );
  console.log(
    `  (information) the same page from the importing process, one request at a time: p95 ${first.othersBefore.importer.p95} ms before, ${first.othersDuringApply.importer.p95} ms during`,
  );
} finally {
  database.close();
  await Promise.all([importer.stop(), other.stop()]);
  rmSync(dirname(localPath(databaseUrl)), { recursive: true, force: true });
}
