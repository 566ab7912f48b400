// `npm run bench`: measures OpsPath on this machine and prints one table.
// Results go to tests/bench/results/latest.json. A benchmark, never a test:
// it reports figures against targets and does not fail on them.
//   npm run bench                 all sections
//   npm run bench -- load js      only the named sections (load, js, lighthouse)
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import autocannon from 'autocannon';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { root, startPortal, freePort, pageJavaScript } from './lib.mjs';

const only = process.argv.slice(2);
const want = (s) => only.length === 0 || only.includes(s);
const rows = [];
const results = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`, sections: {} };
const row = (section, what, value, target = '', ok = '') => rows.push({ section, what, value, target, ok });

function cannon(url, { connections = 50, duration = 10, headers = {}, method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, headers, method, body }, (err, r) => (err ? reject(err) : resolve(r)));
  });
}
// autocannon reports p97.5, not p95: we report p97.5 as an upper bound on p95.
const summary = (r) => ({ rps: Math.round(r.requests.average), p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts, requests: r.requests.total });

/** Serves fixed bytes from memory with the same headers the portal sends: the physical limit here. */
async function bareNode(body, contentType) {
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(r)) };
}

async function loadPair(name, portalUrl, headers = {}) {
  const first = await fetch(portalUrl, { headers });
  const bytes = Buffer.from(await first.arrayBuffer());
  const bare = await bareNode(bytes, first.headers.get('content-type') ?? 'text/html');
  await cannon(portalUrl, { duration: 2, headers }); // warm-up
  const p = summary(await cannon(portalUrl, { headers }));
  const b = summary(await cannon(bare.url));
  await bare.close();
  return { name, bytes: bytes.length, portal: p, bareNode: b, ratio: +(p.rps / b.rps).toFixed(2) };
}

async function lighthouseRun(url, formFactor = 'mobile') {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'], formFactor, screenEmulation: formFactor === 'mobile' ? undefined : { disabled: true } });
    const c = r.lhr.categories;
    const a = r.lhr.audits;
    return { performance: Math.round(c.performance.score * 100), accessibility: Math.round(c.accessibility.score * 100), lcpMs: Math.round(a['largest-contentful-paint'].numericValue), tbtMs: Math.round(a['total-blocking-time'].numericValue), cls: +a['cumulative-layout-shift'].numericValue.toFixed(3) };
  } finally {
    await chrome.kill();
  }
}

const portal = await startPortal();
const guide = '/roles/operations-support-specialist/';
try {
  if (want('load')) {
    const g = await loadPair('prerendered guide', portal.baseUrl + guide);
    results.sections.load = [g];
    row('load (50 conns, 10 s)', `guide: portal ${g.portal.rps} req/s vs bare Node ${g.bareNode.rps} req/s`, `ratio ${g.ratio}; p50/p97.5/p99 ${g.portal.p50}/${g.portal.p97_5}/${g.portal.p99} ms; errors ${g.portal.errors}`, 'ratio ≥ 0.5, 0 errors', g.ratio >= 0.5 && g.portal.errors === 0 ? 'yes' : 'NO');
  }
  if (want('js')) {
    const pages = { 'home': '/', 'guide': guide, 'compare': '/compare/operations-assistant/operations-manager/' };
    results.sections.js = {};
    for (const [name, path] of Object.entries(pages)) {
      const js = await pageJavaScript(portal.baseUrl, path);
      results.sections.js[name] = js;
      row('JavaScript (gzip)', `${name} ${path}`, `${js.totalGzip} B in ${js.files} file(s), ${js.scripts} script tag(s)`, '0 B', js.totalGzip === 0 ? 'yes' : 'NO');
    }
  }
  if (want('lighthouse')) {
    results.sections.lighthouse = {};
    for (const [name, path] of Object.entries({ home: '/', guide })) {
      const lh = await lighthouseRun(portal.baseUrl + path);
      results.sections.lighthouse[name] = lh;
      row('Lighthouse (mobile)', `${name} ${path}`, `perf ${lh.performance}, a11y ${lh.accessibility} (LCP ${lh.lcpMs} ms, TBT ${lh.tbtMs} ms, CLS ${lh.cls})`, 'perf ≥ 98, a11y 100', lh.performance >= 98 && lh.accessibility === 100 ? 'yes' : 'NO');
    }
  }
} finally {
  await portal.stop();
}

mkdirSync(join(root, 'tests/bench/results'), { recursive: true });
writeFileSync(join(root, 'tests/bench/results/latest.json'), JSON.stringify(results, null, 2));
const w = (k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length));
const cols = ['section', 'what', 'value', 'target', 'ok'];
const line = (r) => cols.map((c) => String(r[c]).padEnd(w(c))).join(' | ');
console.log(`\nOpsPath bench · ${results.date} · ${results.machine}\n`);
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
console.log(cols.map((c) => '-'.repeat(w(c))).join('-|-'));
for (const r of rows) console.log(line(r));
console.log('\nJSON: tests/bench/results/latest.json');
