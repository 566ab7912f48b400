// The job list and the outbox import each other through the notification
// jobs; a script that loads notifications/jobs.ts first once died with "Cannot
// access 'notificationJobs' before initialization" (the 50k reminder bench).
// A fresh Node process per entry point, since a test file's own imports would
// already have settled the order.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ENTRY_POINTS = [
  './src/lib/server/notifications/jobs.ts',
  './src/lib/server/reviews/reminders.ts',
  './src/lib/server/trends/jobs.ts',
  './src/lib/server/outbox/index.ts',
  './src/lib/server/jobs/runner.ts',
];

describe('the scheduled job list', () => {
  it.each(ENTRY_POINTS)('lists every job whichever module a process loads first (%s)', (entry) => {
    const script = `await import(${JSON.stringify(entry)}); const m = await import('./src/lib/server/jobs/index.ts'); console.log(m.scheduledJobs().map((j) => j.name).join(','));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'test' },
    });
    expect(out.trim().split(',')).toEqual(['certification-reminders', 'ramp-digest', 'team-summary', 'review-reminders', 'team-snapshots']);
  });
});
