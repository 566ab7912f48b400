// @ts-check
// Production server entry. Checks the configuration first (one line per bad
// variable, before anything listens), then serves in this process, or, with
// WEB_CONCURRENCY above 1, starts that many worker processes on one port.
import cluster from 'node:cluster';
import { ConfigError, parseServerEnv } from '#server/env.ts';

/** @typedef {import('#server/env.ts').Env} Env */

/** @type {Env} */
let config;
try {
  config = parseServerEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Scheduled jobs and mail delivery run beside the web server, in a process of
// their own: a slow mail server or a long job never shares the event loop (or
// the database client) that answers requests (docs/decisions/022).
if (cluster.isPrimary && config.JOBS === 'on') {
  const { startJobsProcess } = await import('./jobs-process.mjs');
  startJobsProcess();
}

if (cluster.isPrimary && config.WEB_CONCURRENCY > 1) {
  const { supervise } = await import('./supervisor.mjs');
  supervise(config, new URL('./server.mjs', import.meta.url));
} else {
  const { serve } = await import('./http-server.mjs');
  await serve(config);
}
