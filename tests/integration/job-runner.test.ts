// The job runner on a real migrated database, with jobs made up for the test
// (the real ones live in scheduledJobs()): the lease (two runners at once, one
// does the work; a lapsed lease is taken over), each period once, catch-up of
// a missed day once with lastCompleted, a failing job logged and retried later,
// the lease renewed while a long run lasts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { organisationToday } from '#domain/calendar.ts';
import { jobLeases, jobRuns, organisations } from '#server/db/schema.ts';
import { acquireLease, LEASE_MS, RETRY_FAILED_AFTER_MS, runDueJobs, SCHEDULER_LEASE } from '#server/jobs/runner.ts';
import { runOnce } from '#server/jobs/scheduler.ts';
import type { JobRunInput, ScheduledJob } from '#server/jobs/index.ts';
import { createTestDatabase, DAY, HOUR, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let orgIds: number[];
const DAY1 = new Date('2026-12-01T10:00:00Z');

type Call = { orgId: number } & JobRunInput;

/** A daily job due from 09:00 in the organisation's zone, recording every call. */
function dailyJob(calls: Call[], options: { fail?: () => boolean; slow?: Promise<void> } = {}): ScheduledJob {
  return {
    name: 'test-daily',
    description: 'A daily job for tests',
    duePeriod(now, timeZone) {
      const hour = Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(now));
      return hour >= 9 ? organisationToday(now, timeZone) : null;
    },
    async run(_db, org, input) {
      calls.push({ orgId: org.id, ...input });
      await options.slow;
      if (options.fail?.()) throw new Error('the test job failed');
      return `${org.name} done`;
    },
  };
}

beforeAll(async () => {
  t = await createTestDatabase('job-runner');
  const rows = await t.db
    .insert(organisations)
    .values([
      { name: 'Utc Org', settings: {}, createdAt: DAY1 },
      { name: 'Tokyo Org', settings: { timeZone: 'Asia/Tokyo' }, createdAt: DAY1 },
    ])
    .returning({ id: organisations.id });
  orgIds = rows.map((r) => r.id);
});
afterAll(() => t.cleanup());
beforeEach(async () => {
  await t.db.delete(jobRuns);
  await t.db.delete(jobLeases);
});

describe('job runner', () => {
  it('runs each period once per organisation, however many ticks follow', async () => {
    const calls: Call[] = [];
    const jobs = [dailyJob(calls)];
    const first = await runDueJobs({ db: t.db, holder: 'a', jobs, now: DAY1 });
    expect(first.leased).toBe(true);
    expect(first.runs.map((r) => [r.orgId, r.period, r.outcome])).toEqual([
      [orgIds[0], '2026-12-01', 'ok'],
      [orgIds[1], '2026-12-01', 'ok'],
    ]);
    for (let i = 1; i <= 5; i++)
      await runDueJobs({ db: t.db, holder: i % 2 ? 'b' : 'a', jobs, now: new Date(DAY1.getTime() + i * LEASE_MS * 2) });
    expect(calls).toHaveLength(2);
    const log = await t.db.select().from(jobRuns);
    expect(log.map((r) => [r.orgId, r.period, r.outcome, r.detail])).toEqual([
      [orgIds[0], '2026-12-01', 'ok', 'Utc Org done'],
      [orgIds[1], '2026-12-01', 'ok', 'Tokyo Org done'],
    ]);
  });

  it('asks for the period in the organisation time zone', async () => {
    const calls: Call[] = [];
    // 05:00 UTC is 14:00 in Tokyo: only Tokyo is past its 09:00.
    await runDueJobs({ db: t.db, holder: 'a', jobs: [dailyJob(calls)], now: new Date('2026-12-02T05:00:00Z') });
    expect(calls.map((c) => [c.orgId, c.period])).toEqual([[orgIds[1], '2026-12-02']]);
  });

  it('lets one of two concurrent runners hold the lease and do the work', async () => {
    const calls: Call[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const jobs = [dailyJob(calls, { slow })];
    const a = runDueJobs({ db: t.db, holder: 'a', jobs, now: DAY1 });
    const b = runDueJobs({ db: t.db, holder: 'b', jobs, now: DAY1 });
    await expect.poll(() => calls.length).toBe(1);
    release();
    const reports = await Promise.all([a, b]);
    expect(reports.map((r) => r.leased).sort()).toEqual([false, true]);
    expect(calls.map((c) => c.orgId)).toEqual(orgIds);
    // While the winner's lease lasts the other is refused; once it lapses the other takes over.
    const winner = reports[0]!.leased ? 'a' : 'b';
    const loser = winner === 'a' ? 'b' : 'a';
    expect(await acquireLease(t.db, SCHEDULER_LEASE, loser, new Date(DAY1.getTime() + 1000))).toBe(false);
    expect(await acquireLease(t.db, SCHEDULER_LEASE, winner, new Date(DAY1.getTime() + 1000))).toBe(true);
    expect(await acquireLease(t.db, SCHEDULER_LEASE, loser, new Date(DAY1.getTime() + 1000 + LEASE_MS))).toBe(true);
  });

  it('renews the lease while a long run lasts, so no other runner takes over meanwhile', async () => {
    const calls: Call[] = [];
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const leaseMs = 1000;
    // The real clock: renewals happen on it, whatever `now` a tick was given.
    const running = runDueJobs({ db: t.db, holder: 'a', jobs: [dailyJob(calls, { slow })], leaseMs, renewEveryMs: 20 });
    await expect.poll(() => calls.length).toBe(1);
    const [first] = await t.db.select().from(jobLeases);
    const expiry = async () => (await t.db.select().from(jobLeases))[0]!.expiresAt.getTime();
    await expect.poll(expiry).toBeGreaterThan(first!.expiresAt.getTime() + 1);
    // Past the first expiry but inside the renewed one: still refused.
    expect(await acquireLease(t.db, SCHEDULER_LEASE, 'b', new Date(first!.expiresAt.getTime() + 1), leaseMs)).toBe(false);
    release();
    expect((await running).leased).toBe(true);
  });

  it('catches up a missed day once, telling the job the last period done', async () => {
    const calls: Call[] = [];
    const jobs = [dailyJob(calls)];
    await runDueJobs({ db: t.db, holder: 'a', jobs, now: DAY1 });
    // Down from day 1 evening to day 3 noon: day 2 never ran.
    const day3 = new Date(DAY1.getTime() + 2 * DAY + 2 * HOUR);
    await runDueJobs({ db: t.db, holder: 'a', jobs, now: day3 });
    await runDueJobs({ db: t.db, holder: 'b', jobs, now: new Date(day3.getTime() + 3 * HOUR) });
    const utc = calls.filter((c) => c.orgId === orgIds[0]);
    expect(utc.map((c) => [c.period, c.lastCompleted])).toEqual([
      ['2026-12-01', null],
      ['2026-12-03', '2026-12-01'],
    ]);
  });

  it('logs a failed run with its error and tries the period again only after a while', async () => {
    const calls: Call[] = [];
    let failing = true;
    const jobs = [dailyJob(calls, { fail: () => failing })];
    const first = await runDueJobs({ db: t.db, holder: 'a', jobs, now: DAY1 });
    expect(first.runs.map((r) => [r.outcome, r.detail])).toEqual([
      ['failed', 'the test job failed'],
      ['failed', 'the test job failed'],
    ]);
    await runDueJobs({ db: t.db, holder: 'a', jobs, now: new Date(DAY1.getTime() + RETRY_FAILED_AFTER_MS / 2) });
    expect(calls).toHaveLength(2);
    failing = false;
    const later = await runDueJobs({ db: t.db, holder: 'a', jobs, now: new Date(DAY1.getTime() + RETRY_FAILED_AFTER_MS + 60_000) });
    expect(later.runs.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(calls.at(-1)!.lastCompleted).toBeNull();
    expect((await t.db.select().from(jobRuns)).map((r) => r.outcome)).toEqual(['ok', 'ok']);
  });

  it('runOnce runs the due jobs and gives the lease back for the next runner', async () => {
    const calls: Call[] = [];
    const report = await runOnce({ db: t.db, transport: null, now: DAY1, holder: 'cron', jobs: [dailyJob(calls)] });
    expect(report.runs.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(report.delivery).toEqual({ sent: 0, failed: 0, retrying: 0 });
    expect(await t.db.select().from(jobLeases)).toEqual([]);
  });
});
