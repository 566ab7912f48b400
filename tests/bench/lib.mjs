// Shared helpers for `npm run bench`: prepare a database and start the
// production server on a free port, sign in, load-test with exact
// percentiles, time in-process calls, and measure the gzip bytes of the
// JavaScript a page loads.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** Servers this process started; stopped on exit too, so a crash leaves no server behind. */
const children = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

export function buildIfNeeded() {
  const b = spawnSync(process.execPath, ['src/cli/build-if-needed.mjs'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
}

/** Web processes the bench's portal runs: one per core, as the README advises for a busy server, unless WEB_CONCURRENCY says otherwise. */
export const benchWorkers = Number(process.env.WEB_CONCURRENCY || availableParallelism());
const benchEnv = (url, extra = {}) => ({
  ...process.env,
  DATABASE_URL: url,
  NODE_ENV: 'test',
  WEB_CONCURRENCY: String(benchWorkers),
  ...extra,
});

/** Runs the start command's database step (migrate, catalog sync; the demo organisation on an empty database). */
export function prepareDatabase(databaseUrl) {
  const url = databaseUrl ?? `file:${join(mkdtempSync(join(tmpdir(), 'opspath-bench-')), 'bench.db')}`;
  const prep = spawnSync(process.execPath, ['src/cli/db-prepare.ts'], {
    cwd: root,
    env: benchEnv(url),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (prep.status !== 0) throw new Error('db-prepare failed');
  return url;
}

/** Starts the production server (dist/, built beforehand) on a free port against a prepared database. */
export async function startServer(databaseUrl, env = {}) {
  const port = await freePort();
  const child = track(
    // As `npm run serve` starts it (package.json): the heap limit is part of how production runs.
    spawn(process.execPath, [`--max-old-space-size=${process.env.WEB_HEAP_MB || 384}`, 'src/http/server.mjs'], {
      cwd: root,
      env: benchEnv(databaseUrl, { PORT: String(port), HOST: '127.0.0.1', ...env }),
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  let exited = false;
  child.once('exit', () => (exited = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(baseUrl + '/');
  return {
    baseUrl,
    databaseUrl,
    pid: child.pid,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Builds if needed, prepares a fresh database (demo organisation) and starts the server. */
export async function startPortal({ databaseUrl, env = {} } = {}) {
  buildIfNeeded();
  return startServer(prepareDatabase(databaseUrl), env);
}

/** Signs in over HTTP as a browser would (form post, same Origin) and returns the session cookie. */
export async function signIn(baseUrl, email, password) {
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => /^(?:__Host-)?opspath_session=./.test(c));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in as ${email} failed: HTTP ${res.status}`);
  return cookie;
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n) => (n === null ? null : Math.round(n * 10) / 10);

/**
 * autocannon with every response time recorded, so p95 is exact (autocannon's
 * own summary has p97.5 but no p95). Errors count connection errors,
 * timeouts and non-2xx answers; times are those of the answered requests.
 */
export async function cannon(url, { connections = 50, duration = 10, headers = {}, method = 'GET', body, requests, timeout = 10 } = {}) {
  // Imported here: tests/browser imports pageJavaScript from this file.
  const { default: autocannon } = await import('autocannon');
  return new Promise((resolve, reject) => {
    const times = [];
    const errorKinds = {};
    const instance = autocannon({ url, connections, duration, headers, method, body, requests, timeout }, (err, r) => {
      if (err) return reject(err);
      times.sort((a, b) => a - b);
      resolve({
        rps: Math.round(r.requests.average),
        requests: r.requests.total,
        p50: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        p99: round(percentile(times, 99)),
        max: round(times.at(-1) ?? null),
        // autocannon's errors already include its timeouts.
        errors: r.errors + r.non2xx,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
        errorKinds,
        connections,
        durationS: duration,
      });
    });
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
    instance.on('reqError', (error) => {
      const kind = error?.code ?? error?.message ?? String(error);
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    });
  });
}

/** Headers Node's http module writes itself on every answer; the bare server gets them from Node too. */
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * Serves fixed bytes from memory with Node's bare `http` module: the physical
 * limit of one Node process on this machine. It runs in its own process, like
 * the portal: in the bench's process it would share a core with autocannon.
 * `headers` (a Headers object or a record) are answered with every response,
 * so a comparison sends the same bytes and the same headers as the portal.
 */
export async function bareNode(body, contentType, headers = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'opspath-bare-'));
  const file = join(dir, 'body');
  writeFileSync(file, body);
  const answered = {};
  const entries = typeof headers.entries === 'function' ? [...headers.entries()] : Object.entries(headers);
  for (const [k, v] of entries) if (!HOP_HEADERS.has(k.toLowerCase()) && k.toLowerCase() !== 'set-cookie') answered[k] = v;
  answered['content-type'] ??= contentType;
  const port = await freePort();
  const script = `
    const body = require('node:fs').readFileSync(process.env.BARE_BODY);
    const headers = { ...JSON.parse(process.env.BARE_HEADERS), 'Content-Length': body.length };
    require('node:http').createServer((req, res) => {
      res.writeHead(200, headers);
      res.end(body);
    }).listen(Number(process.env.BARE_PORT), '127.0.0.1', () => process.send('ready'));`;
  const child = track(
    spawn(process.execPath, ['-e', script], {
      env: { ...process.env, BARE_BODY: file, BARE_HEADERS: JSON.stringify(answered), BARE_PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bare Node server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Times an async function: `warmup` unmeasured calls, then `runs` measured ones. */
export async function timeIt(fn, { runs = 20, warmup = 2 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(times.at(-1)), runs, result };
}

/** Sequential requests, one at a time: the server time of a page, without queueing. */
export async function timeRequests(url, { headers = {}, runs = 10, warmup = 1 } = {}) {
  let status = 0;
  let bytes = 0;
  const r = await timeIt(
    async () => {
      const res = await fetch(url, { headers, redirect: 'manual' });
      const body = Buffer.from(await res.arrayBuffer());
      status = res.status;
      bytes = body.length;
    },
    { runs, warmup },
  );
  return { p50: r.p50, p95: r.p95, max: r.max, runs, status, bytes };
}

/**
 * JavaScript a page loads up front (script src, modulepreload) and what its
 * islands would load when hydrated (astro-island component and renderer URLs),
 * in gzip bytes, each file counted once. `islands` lists each island's
 * component, its client directive and the gzip bytes only it adds.
 */
export async function pageJavaScript(baseUrl, path, headers = {}) {
  const res = await fetch(baseUrl + path, { headers });
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  const html = await res.text();
  const eager = new Set();
  const islandTags = [...html.matchAll(/<astro-island\b[^>]*>/g)].map((m) => m[0]);
  const islandSources = new Set();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+)"/g)) eager.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) eager.add(m[1]);
  for (const m of html.matchAll(/(?:component-url|renderer-url)="([^"]+)"/g)) islandSources.add(m[1]);
  const inlineScripts = [...html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('');
  const inlineGzip = inlineScripts ? gzipSync(Buffer.from(inlineScripts)).length : 0;
  // Islands import further chunks; follow static imports one level at a time.
  const seen = new Map();
  const deps = new Map();
  async function closure(src) {
    if (seen.has(src)) return;
    const body = await (await fetch(new URL(src, baseUrl), { headers })).text();
    seen.set(src, gzipSync(Buffer.from(body)).length);
    const children = [];
    for (const m of body.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g)) children.push(new URL(m[1], new URL(src, baseUrl)).pathname);
    deps.set(src, children);
    for (const c of children) await closure(c);
  }
  const reach = (starts) => {
    const out = new Set();
    const walk = (s) => {
      if (out.has(s)) return;
      out.add(s);
      for (const c of deps.get(s) ?? []) walk(c);
    };
    for (const s of starts) walk(s);
    return out;
  };
  for (const s of [...eager, ...islandSources]) await closure(s);
  const sum = (set) => [...set].reduce((a, s) => a + (seen.get(s) ?? 0), 0);
  const eagerSet = reach(eager);
  const eagerBytes = sum(eagerSet) + inlineGzip;
  const total = sum(new Set(seen.keys())) + inlineGzip;
  const attr = (tag, name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? null;
  const islands = islandTags.map((tag) => {
    const component = attr(tag, 'component-url');
    const own = component ? [...reach([component])].filter((s) => !eagerSet.has(s)) : [];
    const others = new Set(
      islandTags.filter((t) => t !== tag).flatMap((t) => [...reach([attr(t, 'component-url'), attr(t, 'renderer-url')].filter(Boolean))]),
    );
    return {
      component: component?.split('/').pop() ?? null,
      client: attr(tag, 'client'),
      gzip: own.reduce((a, s) => a + (seen.get(s) ?? 0), 0),
      onlyThisIsland: own.filter((s) => !others.has(s)).reduce((a, s) => a + (seen.get(s) ?? 0), 0),
    };
  });
  return { scripts: html.match(/<script/g)?.length ?? 0, eagerGzip: eagerBytes, totalGzip: total, files: seen.size, islands };
}
