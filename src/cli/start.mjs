// @ts-check
// `npm start`: build if needed, prepare the database (migrate; demo data outside
// production) as one step before the server listens, then serve.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
buildIfNeeded();
if (existsSync(new URL('./db-prepare.ts', import.meta.url))) {
  const r = spawnSync(process.execPath, ['src/cli/db-prepare.ts'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import('../http/server.mjs');
