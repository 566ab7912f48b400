// The scheduler loop: a tick every few seconds (due jobs under the lease,
// then delivery), in whichever process runs it: `npm run jobs`, or the child
// process the web server starts unless JOBS=off (docs/decisions/022).
import type { Db } from '#server/db/client.ts';
import type { MailTransport } from '#server/outbox/delivery.ts';
import type { ScheduledJob } from './index.ts';
import { deliverDue } from '#server/outbox/delivery.ts';
import { SCHEDULER_LEASE, newHolderId, releaseLease, runDueJobs, tick, type TickReport } from './runner.ts';

export const TICK_MS = 5000;

export type SchedulerOptions = {
  db: Db;
  transport: MailTransport | null;
  intervalMs?: number;
  holder?: string;
  /** Default: scheduledJobs(). */
  jobs?: readonly ScheduledJob[];
  /** A tick that threw (database unreachable): reported, and the loop carries on. */
  onError?: (error: unknown) => void;
  onTick?: (report: TickReport) => void;
};

export type Scheduler = { holder: string; stop: () => Promise<void> };

/**
 * Ticks until stopped. A tick never overlaps the next (the timer is set after
 * one ends), and stop() waits for the current one, then gives up the lease.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { db, transport, intervalMs = TICK_MS } = options;
  const holder = options.holder ?? newHolderId();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const loop = () => {
    current = tick({ db, transport, holder, jobs: options.jobs })
      .then((report) => options.onTick?.(report))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(loop, intervalMs);
          timer.unref();
        }
      });
  };
  loop();

  return {
    holder,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      await releaseLease(db, SCHEDULER_LEASE, holder).catch(() => {});
    },
  };
}

/**
 * Every due job once, then delivery until nothing due is left: for cron or
 * a systemd timer (`npm run jobs -- --once`).
 */
export async function runOnce(options: {
  db: Db;
  transport: MailTransport | null;
  now?: Date;
  holder?: string;
  jobs?: readonly ScheduledJob[];
}) {
  const holder = options.holder ?? newHolderId();
  const jobs = await runDueJobs({ db: options.db, holder, now: options.now, jobs: options.jobs });
  await releaseLease(options.db, SCHEDULER_LEASE, holder);
  let sent = 0;
  let failed = 0;
  let retrying = 0;
  // Bounded: a message that fails goes back to pending with a later time, so it is not claimed again in this run.
  for (let round = 0; round < 1000; round++) {
    const report = await deliverDue({ db: options.db, transport: options.transport, now: options.now, limit: 50 });
    sent += report.sent;
    failed += report.failed;
    retrying += report.retrying;
    if (report.claimed === 0) break;
  }
  return { ...jobs, delivery: { sent, failed, retrying } };
}
