// Runs whatever scheduledJobs() holds, once per organisation and period,
// however many processes and hosts run the scheduler (docs/decisions/022).
// Two guards, each enough for correctness on its own terms: the lease row
// (one runner at a time does scheduled work, so they do not race each other
// through the same period), and the unique (job, organisation, period) of
// job_runs (a period that finished ok is never run again, even by a runner
// whose lease lapsed mid-run).
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { organisationTimeZone } from '#domain/calendar.ts';
import type { Db } from '#server/db/client.ts';
import { jobLeases, jobRuns, organisations } from '#server/db/schema.ts';
import { deliverDue, type DeliveryReport, type MailTransport } from '#server/outbox/delivery.ts';
import { scheduledJobs, type JobOrganisation, type ScheduledJob } from './index.ts';

/** The one lease every scheduled job shares. */
export const SCHEDULER_LEASE = 'scheduled-jobs';
/** A holder that stops renewing (killed, frozen) loses the lease after this. */
export const LEASE_MS = 60_000;
/** A failed period is tried again after this, not on every tick. */
export const RETRY_FAILED_AFTER_MS = 10 * 60_000;
const DETAIL_CHARS = 500;

/** Who holds a lease: a host, a process and a random part, so two processes never share one. */
export const newHolderId = () => `${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Takes the lease, or renews it when this holder has it already. One
 * statement: the conflict update only applies when the lease has run out or
 * is ours, so of two runners asking at once exactly one gets it.
 */
export async function acquireLease(db: Db, name: string, holder: string, now: Date, leaseMs = LEASE_MS): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + leaseMs);
  const rows = await db
    .insert(jobLeases)
    .values({ name, holder, expiresAt })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { holder, expiresAt },
      setWhere: sql`${jobLeases.expiresAt} <= ${now.getTime()} or ${jobLeases.holder} = ${holder}`,
    })
    .returning({ holder: jobLeases.holder });
  return rows[0]?.holder === holder;
}

/** Gives the lease up at once (clean shutdown), so the next runner need not wait for it to run out. */
export async function releaseLease(db: Db, name: string, holder: string) {
  await db.delete(jobLeases).where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
}

export type JobRunReport = { job: string; orgId: number; period: string; outcome: 'ok' | 'failed'; detail: string };
export type TickReport = { leased: boolean; runs: JobRunReport[]; delivery: DeliveryReport | null };

export type RunOptions = {
  db: Db;
  now?: Date;
  holder: string;
  jobs?: readonly ScheduledJob[];
  leaseMs?: number;
  /** Renews the lease this often while jobs run (default a third of the lease). */
  renewEveryMs?: number;
};

/**
 * One pass over every organisation and job: the due period of each, run
 * unless it already finished ok (or failed a moment ago). Without the lease,
 * does nothing and says so.
 */
export async function runDueJobs(options: RunOptions): Promise<Omit<TickReport, 'delivery'>> {
  const { db, holder, jobs = scheduledJobs(), leaseMs = LEASE_MS } = options;
  const now = options.now ?? new Date();
  if (jobs.length === 0) return { leased: false, runs: [] };
  if (!(await acquireLease(db, SCHEDULER_LEASE, holder, now, leaseMs))) return { leased: false, runs: [] };

  // Renewed on the real clock: a long run keeps the lease however the injected `now` is set.
  let lost = false;
  const renewal = setInterval(
    () => {
      acquireLease(db, SCHEDULER_LEASE, holder, new Date(Math.max(Date.now(), now.getTime())), leaseMs)
        .then((held) => (lost ||= !held))
        .catch(() => {});
    },
    options.renewEveryMs ?? Math.max(1000, Math.floor(leaseMs / 3)),
  );
  renewal.unref();
  const runs: JobRunReport[] = [];
  try {
    const orgs = await db.select({ id: organisations.id, name: organisations.name, settings: organisations.settings }).from(organisations);
    for (const row of orgs) {
      const org: JobOrganisation = { ...row, timeZone: organisationTimeZone(row.settings.timeZone) };
      for (const job of jobs) {
        if (lost) return { leased: false, runs };
        const report = await runPeriod(db, job, org, now);
        if (report) runs.push(report);
      }
    }
  } finally {
    clearInterval(renewal);
  }
  return { leased: true, runs };
}

async function runPeriod(db: Db, job: ScheduledJob, org: JobOrganisation, now: Date): Promise<JobRunReport | null> {
  const period = job.duePeriod(now, org.timeZone);
  if (period === null) return null;
  // Claims the period: a new row, or a failed or interrupted one taken over. A period done ok is left alone.
  const claimed = await db
    .insert(jobRuns)
    .values({ job: job.name, orgId: org.id, period, startedAt: now, outcome: 'running' })
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.orgId, jobRuns.period],
      set: { startedAt: now, finishedAt: null, outcome: 'running', detail: null },
      setWhere: sql`${jobRuns.outcome} = 'running' or (${jobRuns.outcome} = 'failed' and ${jobRuns.finishedAt} <= ${now.getTime() - RETRY_FAILED_AFTER_MS})`,
    })
    .returning({ id: jobRuns.id });
  const run = claimed[0];
  if (!run) return null;

  const [last] = await db
    .select({ period: jobRuns.period })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job.name), eq(jobRuns.orgId, org.id), eq(jobRuns.outcome, 'ok')))
    .orderBy(desc(jobRuns.period))
    .limit(1);

  const startedMs = Date.now();
  let outcome: 'ok' | 'failed';
  let detail: string;
  try {
    detail = (await job.run(db, org, { period, lastCompleted: last?.period ?? null, now })).slice(0, DETAIL_CHARS);
    outcome = 'ok';
  } catch (error) {
    outcome = 'failed';
    detail = (error instanceof Error ? error.message : String(error)).slice(0, DETAIL_CHARS);
  }
  await db
    .update(jobRuns)
    .set({ outcome, detail, finishedAt: new Date(now.getTime() + (Date.now() - startedMs)) })
    .where(eq(jobRuns.id, run.id));
  return { job: job.name, orgId: org.id, period, outcome, detail };
}

/** One scheduler tick: the due jobs (under the lease), then delivery (safe in every process at once: claims are per message). */
export async function tick(options: RunOptions & { transport: MailTransport | null; deliveryLimit?: number }): Promise<TickReport> {
  const jobs = await runDueJobs(options);
  const delivery = await deliverDue({ db: options.db, transport: options.transport, now: options.now, limit: options.deliveryLimit });
  return { ...jobs, delivery };
}
