// @ts-check
// One web process per core. A single Node process runs page rendering on one
// core, so at 50 connections requests queue behind each other; the cluster
// primary accepts connections and hands them to WEB_CONCURRENCY workers in
// turn. Workers share nothing but the database (sessions, throttles and data
// all live there), which is also what lets the web tier run on several hosts.
//
// The primary serves nothing itself. It replaces a worker that dies, and on
// SIGTERM/SIGINT passes the signal on and exits once every worker has finished
// its requests (each drains as src/http/http-server.mjs describes).
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

/** @typedef {import('#server/env.ts').Env} Env */
/** @typedef {import('node:cluster').Worker} Worker */

/** More replacements than this within a minute is a crash loop: stop instead of spinning. */
const MAX_REPLACEMENTS_PER_MINUTE = 10;

/**
 * @param {Env} config
 * @param {URL} entry the file each worker runs (src/http/server.mjs)
 * @returns {void}
 */
export function supervise(config, entry) {
  const { WEB_CONCURRENCY: count, PORT: port, HOST: host, SHUTDOWN_GRACE_MS: graceMs } = config;
  // Workers run the entry file, not process.argv[1] (that may be `npm start`'s build-and-migrate script).
  cluster.setupPrimary({ exec: fileURLToPath(entry) });
  let stopping = false;
  let listening = 0;
  let announced = false;
  let exitCode = 0;
  /** @type {number[]} */
  const replacedAt = [];

  /** @type {Set<number>} worker ids that have listened */
  const ready = new Set();
  /** @param {number | null} [replacing] the pid of the worker this one replaces */
  const fork = (replacing = null) => {
    const worker = cluster.fork();
    worker.once('listening', () => {
      ready.add(worker.id);
      if (replacing) console.log(`worker ${worker.process.pid} listening in place of ${replacing}`);
      if (++listening === count && !announced) {
        announced = true;
        console.log(`OpsPath listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port} (${count} worker processes)`);
      }
    });
    worker.once('exit', (code, signal) => {
      const wasReady = ready.has(worker.id);
      if (wasReady) listening--;
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      // One that never listened is broken (bad build, port taken), not unlucky.
      const now = Date.now();
      while (replacedAt.length && /** @type {number} */ (replacedAt[0]) < now - 60_000) replacedAt.shift();
      if (!wasReady || replacedAt.length >= MAX_REPLACEMENTS_PER_MINUTE) {
        console.error(`worker ${worker.process.pid} ${wasReady ? 'exited' : 'failed to start'} (${how}); stopping`);
        exitCode = 1;
        return stop('worker failure');
      }
      replacedAt.push(now);
      console.error(`worker ${worker.process.pid} exited (${how}); starting a replacement`);
      fork(worker.process.pid);
    });
  };

  /** @param {string} reason */
  function stop(reason) {
    if (stopping) return;
    stopping = true;
    // cluster.workers is a Dict; a worker that has gone is deleted from it, never left undefined.
    const workers = /** @type {Worker[]} */ (Object.values(cluster.workers ?? {}));
    if (reason !== 'worker failure') console.log(`${reason}: stopping ${workers.length} worker(s)`);
    const force = setTimeout(() => {
      console.error('shutdown grace period over; killing workers still running');
      for (const w of /** @type {Worker[]} */ (Object.values(cluster.workers ?? {}))) w.process.kill('SIGKILL');
      process.exit(1);
    }, graceMs + 2_000);
    force.unref();
    const done = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    };
    cluster.on('exit', (worker, code) => {
      // A worker still starting has nothing in flight: the signal's default action ending it is fine.
      if (code !== 0 && ready.has(worker.id) && reason !== 'worker failure') exitCode = 1;
      done();
    });
    for (const w of workers) w.process.kill('SIGTERM');
    done();
  }

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < count; i++) fork();
}
