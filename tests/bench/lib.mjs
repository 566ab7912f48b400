// Shared helpers for `npm run bench`: start the production server on a free
// port with a fresh database, measure gzip bytes of the JavaScript a page loads.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

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
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

/** Builds if needed, prepares a fresh database (demo organisation) and starts the server. */
export async function startPortal({ databaseUrl, env = {} } = {}) {
  const b = spawnSync(process.execPath, ['src/cli/build-if-needed.mjs'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  const dir = mkdtempSync(join(tmpdir(), 'opspath-bench-'));
  const url = databaseUrl ?? `file:${join(dir, 'bench.db')}`;
  const port = await freePort();
  const fullEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: url, NODE_ENV: 'test', ...env };
  const prep = spawnSync(process.execPath, ['src/cli/db-prepare.ts'], { cwd: root, env: fullEnv, stdio: 'inherit' });
  if (prep.status !== 0) throw new Error('db-prepare failed');
  const child = spawn(process.execPath, ['src/server/server.mjs'], { cwd: root, env: fullEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(baseUrl + '/');
  return {
    baseUrl,
    databaseUrl: url,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * JavaScript a page loads up front (script src, modulepreload) and what its
 * islands would load when hydrated (astro-island component and renderer URLs),
 * in gzip bytes, each file counted once.
 */
export async function pageJavaScript(baseUrl, path, headers = {}) {
  const html = await (await fetch(baseUrl + path, { headers })).text();
  const eager = new Set();
  const islands = new Set();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+)"/g)) eager.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) eager.add(m[1]);
  for (const m of html.matchAll(/(?:component-url|renderer-url)="([^"]+)"/g)) islands.add(m[1]);
  const inlineScripts = [...html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('');
  const sizeOf = async (src) => gzipSync(Buffer.from(await (await fetch(new URL(src, baseUrl))).arrayBuffer())).length;
  // Islands import further chunks; follow static imports one level at a time.
  const seen = new Map();
  async function closure(src) {
    if (seen.has(src)) return;
    const body = await (await fetch(new URL(src, baseUrl))).text();
    seen.set(src, gzipSync(Buffer.from(body)).length);
    for (const m of body.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g)) await closure(new URL(m[1], new URL(src, baseUrl)).pathname);
  }
  for (const s of [...eager, ...islands]) await closure(s);
  let eagerBytes = gzipSync(Buffer.from(inlineScripts)).length * (inlineScripts ? 1 : 0);
  for (const s of eager) eagerBytes += seen.get(s) ?? (await sizeOf(s));
  const total = [...seen.values()].reduce((a, b) => a + b, 0) + (inlineScripts ? gzipSync(Buffer.from(inlineScripts)).length : 0);
  return { scripts: html.match(/<script/g)?.length ?? 0, eagerGzip: eagerBytes, totalGzip: total, files: seen.size };
}
