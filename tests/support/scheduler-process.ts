// A scheduler process for tests/e2e/outbox-faults.test.ts: the real
// startScheduler with a test job whose period changes every second, so four
// of these at once go through several periods. Each run prints one line
// (RAN <org> <period> <pid>); each tick prints whether it held the lease.
import { openDatabase } from '#server/db/client.ts';
import { startScheduler } from '#server/jobs/scheduler.ts';
import type { ScheduledJob } from '#server/jobs/index.ts';

const database = openDatabase({ url: process.env.DATABASE_URL! });
const job: ScheduledJob = {
  name: 'test-every-second',
  description: 'A job for the scheduler fault test',
  duePeriod: (now) => String(Math.floor(now.getTime() / 1000)),
  async run(_db, org, { period }) {
    console.log(`RAN ${org.id} ${period} ${process.pid}`);
    // Long enough for the other processes to try the same period meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 150));
    return 'ok';
  },
};
const scheduler = startScheduler({
  db: database.db,
  transport: null,
  jobs: [job],
  intervalMs: 50,
  onTick: (report) => console.log(`TICK ${report.leased ? 'leased' : 'waited'}`),
  onError: (error) => console.log(`ERROR ${error instanceof Error ? error.message : String(error)}`),
});
process.once('SIGTERM', () => {
  void scheduler.stop().then(() => {
    database.close();
    process.exit(0);
  });
});
setInterval(() => {}, 1 << 30);
