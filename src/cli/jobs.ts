// npm run jobs            the scheduler loop: due jobs every few seconds, then delivery
// npm run jobs -- --once  every due job once, deliver what is due, exit (cron, systemd timer)
// The web server also runs this loop, as a child process, unless JOBS=off.
// Safe to run on several hosts at once: the lease in job_leases lets one do
// the scheduled work, and each message is claimed by one worker.
import { parseArgs } from 'node:util';
import { runWithDatabase } from '#server/cli.ts';
import { runOnce, startScheduler } from '#server/jobs/scheduler.ts';
import { mailTransport } from '#server/outbox/delivery.ts';

const { values } = parseArgs({ options: { once: { type: 'boolean', default: false } }, strict: true });

await runWithDatabase('jobs', async (database, config) => {
  const transport = mailTransport(config);
  if (!transport) console.log('jobs: no SMTP_URL, so messages stay in the outbox (admins read them at /app/admin/outbox/).');
  if (values.once) {
    const report = await runOnce({ db: database.db, transport });
    for (const run of report.runs) console.log(`jobs: ${run.job} org ${run.orgId} ${run.period}: ${run.outcome} (${run.detail})`);
    console.log(
      `jobs: ${report.runs.length} job run(s); delivered ${report.delivery.sent}, retrying ${report.delivery.retrying}, failed ${report.delivery.failed}.`,
    );
    if (report.runs.some((r) => r.outcome === 'failed')) process.exitCode = 1;
    transport?.close?.();
    return;
  }
  const scheduler = startScheduler({
    db: database.db,
    transport,
    onTick: (report) => {
      for (const run of report.runs) console.log(`jobs: ${run.job} org ${run.orgId} ${run.period}: ${run.outcome} (${run.detail})`);
    },
    onError: (error) => console.error('jobs: tick failed:', error instanceof Error ? error.message : error),
  });
  let keepAlive: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Started by the web server: its end (even kill -9) closes the IPC channel, and this process follows.
    process.once('disconnect', stop);
    // Keeps the process alive: the scheduler's own timers are unref'd.
    keepAlive = setInterval(() => {}, 1 << 30);
  });
  clearInterval(keepAlive);
  await scheduler.stop();
  transport?.close?.();
});
