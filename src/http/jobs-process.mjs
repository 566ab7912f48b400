// @ts-check
// The scheduler child of the web server (`JOBS=on`, the default): runs
// src/cli/jobs.ts with an IPC channel, so it ends when the server ends, even
// by kill -9, and starts it again if it dies on its own.
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../cli/jobs.ts', import.meta.url));
const RESTART_AFTER_MS = 5000;

export function startJobsProcess() {
  let stopping = false;
  const start = () => {
    // The web process's heap limit (WEB_HEAP_MB) is not the jobs' to keep: they get Node's default.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--max-old-space-size'));
    const child = fork(SCRIPT, [], { stdio: 'inherit', execArgv });
    // The jobs are background work: at the lowest priority the kernel gives the
    // web process the CPU first, so a reminder run does not move page latency.
    lowerPriority(child.pid);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`jobs process ended (${signal ?? code}); starting it again in ${RESTART_AFTER_MS / 1000} s`);
      setTimeout(start, RESTART_AFTER_MS).unref();
    });
  };
  // The server's own SIGTERM/SIGINT handlers close it; the child sees the channel close and stops after its tick.
  process.once('SIGTERM', () => (stopping = true));
  process.once('SIGINT', () => (stopping = true));
  start();
}

/**
 * Lowest scheduling priority for a background process; where that is refused, it runs at the normal one.
 * @param {number | undefined} pid
 */
export function lowerPriority(pid) {
  try {
    if (pid) setPriority(pid, 19);
  } catch {
    // Not permitted here (some containers): correctness does not depend on it.
  }
}
