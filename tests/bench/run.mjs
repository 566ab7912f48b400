// `npm run bench`: measures OpsPath on this machine and prints one table.
// Results go to tests/bench/results/latest.json. A benchmark, never a test:
// it reports figures against targets and does not fail on them (it prints
// NO), but it exits non-zero when something crashes.
//   npm run bench                        all sections
//   npm run bench -- load js             only the named sections:
//     load        50 connections, side by side with bare Node serving the same bytes
//     features    feature pages for a 50-person team at 20 connections, the 500 x 60 org view, ramp toggles
//     js          JavaScript bytes (gzip) per page type
//     lighthouse  Lighthouse mobile (performance, accessibility)
//     inp         interaction to next paint on the admin's 500 x 60 matrix, from a Chromium trace (inp.mjs)
//     scale       a generated 50,000-person organisation: per-team pages and org-wide aggregates
//   BENCH_SCALE_DB=/tmp/scale.db npm run bench -- scale   keeps the generated organisation there and reuses it
//   CHROME_PATH=…                                           Chromium for Lighthouse and inp (default /usr/bin/chromium)
//   BENCH_INP_TRACE=/tmp/inp-trace.json npm run bench -- inp  keeps the inp section's trace for DevTools
//   BENCH_LIGHTHOUSE=matrix npm run bench -- lighthouse     only the Lighthouse pages whose name holds that text
// Takes about 5 minutes on the 2-core machine (the scale section half of it).
//
// Latencies are exact percentiles of every response time (autocannon's own
// summary has p97.5, not p95; we record each response and compute p95).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { openDatabase } from '#server/db/client.ts';
import { loadMatrixFor } from '#server/skills/index.ts';
import {
  bareNode,
  benchWorkers,
  buildIfNeeded,
  cannon,
  pageJavaScript,
  prepareDatabase,
  root,
  signIn,
  startServer,
  timeIt,
  timeRequests,
} from './lib.mjs';
import { addBenchFixtures } from './fixtures.mjs';
import { describeLoad, loadOk, runScale, toggleRequests } from './scale.mjs';
import { runInp } from './inp.mjs';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/chromium.mjs';

const SECTIONS = ['load', 'features', 'js', 'lighthouse', 'inp', 'scale'];
const only = process.argv.slice(2);
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) {
  console.error(`Unknown section(s): ${unknown.join(', ')}. Sections: ${SECTIONS.join(', ')}.`);
  process.exit(2);
}
const want = (s) => only.length === 0 || only.includes(s);
const rows = [];
const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
  webProcesses: benchWorkers,
  loadAverageAtStart: os.loadavg().map((n) => +n.toFixed(2)),
  note: 'Latencies in ms are exact percentiles over every response (not autocannon p97.5). KB = 1024 bytes.',
  sections: {},
  rows,
};
const row = (section, what, value, target = '', ok = '') => {
  rows.push({ section, what, value, target, ok });
  console.log(`  ${ok || '  '} ${section} · ${what}: ${value}`);
};
const yes = (b) => (b ? 'yes' : 'NO');
const KB = 1024;
const kb = (n) => `${(n / KB).toFixed(1)} KB`;

/**
 * Portal and bare Node serving what the portal answered, same connections and
 * duration: the same bytes in the same encoding (autocannon asks for none, so
 * identity) with the same headers (security headers, ETag, Cache-Control...).
 */
async function loadPair(name, portalUrl, { headers = {}, connections = 50 } = {}) {
  const first = await fetch(portalUrl, { headers: { ...headers, 'accept-encoding': 'identity' } });
  if (first.status !== 200) throw new Error(`${portalUrl}: HTTP ${first.status}`);
  if (first.headers.get('content-encoding')) throw new Error(`${portalUrl}: answered ${first.headers.get('content-encoding')} to identity`);
  const bytes = Buffer.from(await first.arrayBuffer());
  const bare = await bareNode(bytes, first.headers.get('content-type') ?? 'text/html', first.headers);
  try {
    await cannon(portalUrl, { duration: 2, headers, connections }); // warm-up
    const p = await cannon(portalUrl, { headers, connections });
    const b = await cannon(bare.url, { connections });
    const single = await timeRequests(portalUrl, { headers, runs: 10, warmup: 1 });
    return { name, bytes: bytes.length, portal: p, bareNode: b, ratio: +(p.rps / b.rps).toFixed(3), oneAtATime: single };
  } finally {
    await bare.close();
  }
}
const pairValue = (g) =>
  `portal ${g.portal.rps} req/s vs bare Node ${g.bareNode.rps} req/s (ratio ${g.ratio}); p50/p95/p99 ${g.portal.p50}/${g.portal.p95}/${g.portal.p99} ms; errors ${g.portal.errors}${g.portal.timeouts ? ` (${g.portal.timeouts} timeouts)` : ''}; ${kb(g.bytes)}; one request at a time p50 ${g.oneAtATime.p50} ms`;

/** Lighthouse asks to be run again after some trace failures (NO_NAVSTART, NO_FCP): up to three attempts. */
async function lighthouseRun(url, headers) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lighthouseOnce(url, headers);
    } catch (error) {
      if (attempt >= 3 || !/run Lighthouse again|NO_NAVSTART|NO_FCP/i.test(String(error?.message))) throw error;
      console.log(`  (Lighthouse: ${String(error.message).slice(0, 80)}; attempt ${attempt + 1})`);
    }
  }
}

async function lighthouseOnce(url, headers) {
  // chrome-launcher emits an unhandled 'error' (killing the process) for a missing binary.
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROME_PATH)`);
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_FLAGS });
  try {
    const r = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
      formFactor: 'mobile',
      ...(headers ? { extraHeaders: headers } : {}),
    });
    if (r.lhr.runtimeError) throw new Error(`${url}: ${r.lhr.runtimeError.code} ${r.lhr.runtimeError.message}`);
    const c = r.lhr.categories;
    const a = r.lhr.audits;
    const failing = Object.values(a)
      .filter((x) => x.scoreDisplayMode === 'binary' && x.score === 0 && c.accessibility.auditRefs.some((ref) => ref.id === x.id))
      .map((x) => x.id);
    return {
      performance: Math.round(c.performance.score * 100),
      accessibility: Math.round(c.accessibility.score * 100),
      lcpMs: Math.round(a['largest-contentful-paint'].numericValue),
      tbtMs: Math.round(a['total-blocking-time'].numericValue),
      cls: +a['cumulative-layout-shift'].numericValue.toFixed(3),
      failingAccessibilityAudits: failing,
      // Where the main thread's time went (parse, style and layout, script…): what to fix when TBT is high.
      mainThread: (a['mainthread-work-breakdown']?.details?.items ?? [])
        .slice(0, 4)
        .map((i) => `${i.groupLabel ?? i.group} ${Math.round(i.duration)} ms`),
      finalUrl: r.lhr.finalDisplayedUrl,
    };
  } finally {
    await chrome.kill();
  }
}

const guide = '/roles/operations-support-specialist/';
let exitCode = 0;
const started = Date.now();
const cleanups = [];
// Temp databases go even when the process dies of an uncaught error (rmSync works in an exit handler).
process.once('exit', () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
/** Runs one section; a crash is reported (and makes the exit code 1) without losing the other sections. */
async function section(name, body) {
  if (!want(name)) return;
  try {
    await body();
  } catch (error) {
    console.error(`\nbench section "${name}" crashed:`, error);
    (results.crashes ??= {})[name] = String(error?.stack ?? error);
    row(name, 'CRASHED', String(error?.message ?? error).slice(0, 160), '', 'CRASH');
    exitCode = 1;
  }
}
try {
  if (SECTIONS.filter((s) => s !== 'scale').some(want)) {
    buildIfNeeded();
    const dir = mkdtempSync(join(os.tmpdir(), 'opspath-bench-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = prepareDatabase(`file:${join(dir, 'bench.db')}`);
    const fx = await addBenchFixtures(url);
    results.fixtures = { team: fx.counts, org500: fx.org500 };
    const portal = await startServer(url);
    const base = portal.baseUrl;
    try {
      // One sign-in per persona (sign-in is throttled per IP and account); cookies are reused.
      const cookies = {
        manager: await signIn(base, fx.manager, fx.password),
        newHire: await signIn(base, fx.newHire, fx.password),
        orgAdmin: await signIn(base, fx.org500.admin, fx.password),
      };
      const as = (who) => ({ cookie: cookies[who] });

      await section('load', async () => {
        const L = 'load (50 conns, 10 s)';
        const out = (results.sections.load = []);
        // Like with like: one web process against one bare Node process serving the same bytes and headers.
        // The team page too: its target is per process (issue 16), so it is measured on one web process.
        const single = await startServer(url, { WEB_CONCURRENCY: '1' });
        let g;
        let team;
        try {
          g = await loadPair('prerendered guide, one web process', single.baseUrl + guide);
          team = await loadPair("manager's team page /app/team/ (50 people), one web process", single.baseUrl + '/app/team/', {
            headers: as('manager'), // the same database: the session works on this process too
          });
        } finally {
          await single.stop();
        }
        out.push(g);
        row(
          L,
          `prerendered guide ${guide}, one web process vs one bare Node process (same bytes and headers)`,
          pairValue(g),
          'ratio ≥ 0.9, 0 errors',
          yes(g.ratio >= 0.9 && g.portal.errors === 0),
        );
        out.push(team);
        row(
          L,
          "manager's team page /app/team/ (50 people, session cookie), one web process",
          pairValue(team),
          '≥ 1,000 req/s per process, p95 ≤ 150 ms, 0 errors',
          yes(team.portal.rps >= 1000 && team.portal.p95 <= 150 && team.portal.errors === 0),
        );
        const gAll = await loadPair(`prerendered guide, ${benchWorkers} web processes`, base + guide);
        out.push(gAll);
        row(
          L,
          `prerendered guide ${guide}, ${benchWorkers} web processes (as deployed)`,
          pairValue(gAll),
          '0 errors',
          yes(gAll.portal.errors === 0),
        );
        const csv = await loadPair("manager's skills CSV /app/skills/export.csv", base + '/app/skills/export.csv', {
          headers: as('manager'),
        });
        out.push(csv);
        row(
          L,
          "manager's skills CSV /app/skills/export.csv (session cookie; repeats served from the per-version file cache)",
          pairValue(csv),
          'p95 ≤ 100 ms, 0 errors',
          yes(csv.portal.p95 <= 100 && csv.portal.errors === 0),
        );
        // The same export when the data has just changed: the organisation's data version is moved before each request, so every one rebuilds the file.
        const database = openDatabase({ url });
        try {
          const cold = await timeIt(
            async () => {
              await database.client.execute('update org_data_versions set version = version + 1');
              const res = await fetch(base + '/app/skills/export.csv', { headers: as('manager') });
              if (res.status !== 200) throw new Error(`export: HTTP ${res.status}`);
              await res.arrayBuffer();
            },
            { runs: 20, warmup: 2 },
          );
          delete cold.result;
          out.push({ name: 'skills CSV after a change (file rebuilt), one request at a time', ...cold });
          row(
            L,
            "manager's skills CSV right after a change (rebuilt every time), one request at a time",
            `p50 ${cold.p50} ms, p95 ${cold.p95} ms`,
            'no target (context for the cached figure)',
            '',
          );
        } finally {
          database.close();
        }
      });

      await section('features', async () => {
        const F = 'features (20 conns, 10 s)';
        const out = (results.sections.features = {});
        for (const [name, path] of [
          ['skills matrix /app/skills/', '/app/skills/'],
          ['certification compliance /app/certifications/', '/app/certifications/'],
        ]) {
          const single = await timeRequests(base + path, { headers: as('manager'), runs: 10, warmup: 2 });
          await cannon(base + path, { connections: 20, duration: 2, headers: as('manager') });
          const r = await cannon(base + path, { connections: 20, headers: as('manager') });
          out[name] = { ...r, oneAtATime: single };
          row(
            F,
            `50-person team, manager: ${name}`,
            `p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.rps} req/s, errors ${r.errors}; one request at a time p50 ${single.p50} ms (${kb(single.bytes)})`,
            'p95 ≤ 150 ms, 0 errors (assumed: team-page budget)',
            yes(r.p95 <= 150 && r.errors === 0),
          );
        }
        const tasks = fx.tasks.map((t) => ({ ...t }));
        const headers = { ...as('manager'), origin: base, 'content-type': 'application/json' };
        await cannon(base + '/', { connections: 20, duration: 2, headers, method: 'POST', requests: toggleRequests(tasks) });
        const toggle = await cannon(base + '/', { connections: 20, headers, method: 'POST', requests: toggleRequests(tasks) });
        const reqs = toggleRequests(tasks);
        const single = await timeIt(
          async () => {
            const { path, body } = reqs[0].setupRequest({});
            const res = await fetch(base + path, { method: 'POST', headers, body });
            if (res.status !== 200) throw new Error(`toggle: HTTP ${res.status}`);
            await res.arrayBuffer();
          },
          { runs: 10, warmup: 0 },
        );
        delete single.result;
        out['ramp toggle'] = { ...toggle, oneAtATime: single };
        row(
          F,
          `ramp toggle POST /app/ramp/tasks/<id>/done, manager, {"done": true, then false} over ${tasks.length} tasks`,
          `${describeLoad(toggle)}; one request at a time p50 ${single.p50} ms`,
          'p95 ≤ 100 ms, 0 errors (assumed: JSON budget)',
          loadOk(toggle, 100),
        );

        // The admin's whole-organisation matrix, 500 people x 60 skills: data access in this process, and the page one request at a time.
        const O = 'features: 500 × 60 org';
        const database = openDatabase({ url });
        try {
          const [admin] = await database.client
            .execute({ sql: 'select id, org_id from users where email = ?', args: [fx.org500.admin] })
            .then((r) => r.rows);
          const actor = { id: Number(admin.id), orgId: Number(admin.org_id), role: 'admin', active: true };
          const data = await timeIt(() => loadMatrixFor(database.db, actor, null), { runs: 10, warmup: 1 });
          const cells = data.result.ok ? data.result.value.data.cells.size : 0;
          delete data.result;
          out['org 500x60 data'] = { ...data, cells, ratings: fx.org500.ratings };
          row(
            O,
            `admin: loadMatrixFor over ${fx.org500.people} people × ${fx.org500.skills} skills (${fx.org500.ratings} ratings)`,
            `p50 ${data.p50} ms, p95 ${data.p95} ms (${cells} cells)`,
            'no target (part of the page below)',
            '',
          );
        } finally {
          database.close();
        }
        const page = await timeRequests(base + '/app/skills/', { headers: as('orgAdmin'), runs: 10, warmup: 1 });
        out['org 500x60 page'] = page;
        row(
          O,
          "admin's /app/skills/ (whole organisation), server time one request at a time",
          `p50 ${page.p50} ms, p95 ${page.p95} ms; ${kb(page.bytes)} HTML (HTTP ${page.status})`,
          'p95 ≤ 1000 ms (assumed)',
          yes(page.status === 200 && page.p95 <= 1000),
        );
      });

      await section('js', async () => {
        const J = 'JavaScript (gzip)';
        const out = (results.sections.js = {});
        const pages = [
          { type: 'guide', name: 'home', path: '/', budget: 0 },
          { type: 'guide', name: 'guide', path: guide, budget: 0 },
          { type: 'guide', name: 'comparison', path: '/compare/operations-assistant/operations-manager/', budget: 0 },
          { type: 'app', name: 'skills matrix (manager)', path: '/app/skills/', who: 'manager', budget: 90 * KB },
          { type: 'app', name: 'ramp checklist (new hire)', path: '/app/ramp/', who: 'newHire', budget: 90 * KB },
          { type: 'app', name: 'own certifications (new hire)', path: '/app/certifications/me/', who: 'newHire', budget: 90 * KB },
          // The compliance island and its timeline (no chart library since ADR 037's certification section).
          { type: 'app', name: 'certification compliance (manager)', path: '/app/certifications/', who: 'manager', budget: 90 * KB },
          { type: 'chart', name: 'salary explorer', path: '/salaries/', budget: 190 * KB, chart: 'PayRangeChart' },
        ];
        for (const pg of pages) {
          const js = await pageJavaScript(base, pg.path, pg.who ? as(pg.who) : {});
          out[pg.name] = { ...js, budget: pg.budget };
          const within = js.totalGzip <= pg.budget;
          if (pg.type === 'chart') {
            const chart = js.islands.filter((i) => i.component?.startsWith(pg.chart));
            const lazy = chart.length > 0 && chart.every((i) => i.client === 'visible' && i.gzip > 0);
            row(
              J,
              `${pg.type}: ${pg.name} ${pg.path}`,
              `${kb(js.totalGzip)} in ${js.files} file(s), eager ${kb(js.eagerGzip)}; chart ${[...new Set(chart.map((i) => `${i.component} client:${i.client} +${kb(i.gzip)}`))].join(', ') || 'island not found'} (${chart.length} island(s))`,
              `≤ 190 KB, chart client:visible`,
              yes(within && lazy),
            );
          } else {
            row(
              J,
              `${pg.type}: ${pg.name} ${pg.path}`,
              `${pg.budget === 0 ? `${js.totalGzip} B` : kb(js.totalGzip)} in ${js.files} file(s), ${js.scripts} script tag(s); islands ${js.islands.map((i) => `${i.component} client:${i.client}`).join(', ') || 'none'}`,
              pg.budget === 0 ? '0 B' : '≤ 90 KB incl. React',
              yes(within),
            );
          }
        }
      });

      await section('lighthouse', async () => {
        const H = 'Lighthouse (mobile)';
        const out = (results.sections.lighthouse = {});
        const lighthousePages = [
          { name: 'home', path: '/', perf: 98 },
          { name: 'guide', path: guide, perf: 98 },
          { name: 'salary explorer', path: '/salaries/', perf: 95 },
          // The four tools of issue 18, each with its island.
          { name: "manager's skills matrix (50 people)", path: '/app/skills/', who: 'manager', perf: 95 },
          { name: "new hire's ramp checklist", path: '/app/ramp/', who: 'newHire', perf: 95 },
          { name: "new hire's own certifications", path: '/app/certifications/me/', who: 'newHire', perf: 95 },
          { name: "manager's certification compliance", path: '/app/certifications/', who: 'manager', perf: 95 },
        ];
        const pick = process.env.BENCH_LIGHTHOUSE;
        for (const pg of pick ? lighthousePages.filter((p) => p.name.includes(pick)) : lighthousePages) {
          const lh = await lighthouseRun(base + pg.path, pg.who ? { Cookie: cookies[pg.who] } : undefined);
          out[pg.name] = lh;
          const signedIn = !pg.who || lh.finalUrl.includes(pg.path);
          row(
            H,
            `${pg.name} ${pg.path}`,
            `perf ${lh.performance}, a11y ${lh.accessibility} (LCP ${lh.lcpMs} ms, TBT ${lh.tbtMs} ms, CLS ${lh.cls}; main thread: ${lh.mainThread.join(', ')})${lh.failingAccessibilityAudits.length ? `; failing: ${lh.failingAccessibilityAudits.join(', ')}` : ''}${signedIn ? '' : ' — redirected, not signed in!'}`,
            pg.perf === null ? 'a11y 100 (perf: no target)' : `perf ≥ ${pg.perf}, a11y 100`,
            yes(signedIn && lh.accessibility === 100 && (pg.perf === null || lh.performance >= pg.perf)),
          );
        }
      });

      await section('inp', () => runInp({ base, cookie: cookies.orgAdmin, row, results }));
    } finally {
      await portal.stop();
    }
  }
} catch (error) {
  // Setting up the demo server failed (build, database, fixtures, sign-in): its sections did not run.
  console.error('\nbench crashed:', error);
  results.crash = String(error?.stack ?? error);
  row('setup', 'CRASHED', String(error?.message ?? error).slice(0, 160), '', 'CRASH');
  exitCode = 1;
}
await section('scale', () => runScale({ row, results }));

for (const cleanup of cleanups.splice(0)) cleanup();
results.totalSeconds = Math.round((Date.now() - started) / 1000);
results.loadAverageAtEnd = os.loadavg().map((n) => +n.toFixed(2));
mkdirSync(join(root, 'tests/bench/results'), { recursive: true });
writeFileSync(join(root, 'tests/bench/results/latest.json'), JSON.stringify(results, null, 2));
const w = (k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length));
const cols = ['section', 'what', 'value', 'target', 'ok'];
const line = (r) => cols.map((c) => String(r[c]).padEnd(w(c))).join(' | ');
console.log(
  `\nOpsPath bench · ${results.date} · ${results.machine} · load average ${results.loadAverageAtStart.join(' ')} at start, ${results.loadAverageAtEnd.join(' ')} at end · ${results.totalSeconds} s\n`,
);
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
console.log(cols.map((c) => '-'.repeat(w(c))).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(`\n${rows.filter((r) => r.ok.startsWith('NO')).length} target(s) missed (NO). JSON: tests/bench/results/latest.json`);
if (exitCode) console.log('The bench CRASHED (see above): the table is incomplete.');
process.exit(exitCode);
