// @ts-check
// Builds the site when dist/ is missing or older than any source it is built from.
import { existsSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const stamp = join(root, 'dist', '.built-at');
const SOURCES = ['src', 'content', 'public', 'astro.config.mjs', 'package-lock.json', 'tsconfig.json'];

/**
 * The newest modification time (ms) of a file or anything under a folder; 0 when it does not exist.
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

/**
 * @param {{ force?: boolean }} [options] `force`: build even when dist/ is up to date.
 * @returns {boolean} whether it built
 */
export function buildIfNeeded({ force = false } = {}) {
  const builtAt = existsSync(stamp) && existsSync(join(root, 'dist/server/entry.mjs')) ? statSync(stamp).mtimeMs : 0;
  const sourcesAt = Math.max(...SOURCES.map((s) => newest(join(root, s))));
  if (!force && builtAt >= sourcesAt) return false;
  console.log('Building OpsPath (astro build)…');
  // Never inherit NODE_ENV: vitest sets it to 'test', and a build with
  // NODE_ENV=test bundles React's development build (jsx-dev-runtime, a
  // 118 KB gzip client instead of ~65 KB) into dist/, which `npm start` and
  // the bench would then serve. Unset, astro builds in production mode.
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
  delete env.NODE_ENV;
  const r = spawnSync('npx', ['astro', 'build'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(stamp, new Date().toISOString());
  return true;
}

// Run as a script (npm run build), not imported: compared as paths, so a folder name that URL-encodes still matches.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1]))
  buildIfNeeded({ force: process.argv.includes('--force') });
