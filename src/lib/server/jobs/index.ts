// Scheduled jobs: work that happens because time passed, not because someone
// clicked (reminders, digests). Each job does one period's work for one
// organisation; the runner (runner.ts) decides which periods are due, takes
// the lease so one process at a time runs them, and logs each in job_runs,
// whose unique (job, organisation, period) makes every period run once.
import type { Db } from '#server/db/client.ts';
import type { OrganisationSettings } from '#server/db/schema.ts';
import { notificationJobs } from '#server/notifications/jobs.ts';
import { reviewReminderJob } from '#server/reviews/reminders.ts';
import { trendJobs } from '#server/trends/jobs.ts';

export type JobOrganisation = { id: number; name: string; timeZone: string; settings: OrganisationSettings };

export type JobRunInput = {
  /** The period this run covers, as duePeriod returned it. */
  period: string;
  /** The last period that finished ok, for catching up after downtime (null: never ran). */
  lastCompleted: string | null;
  now: Date;
};

export type ScheduledJob = {
  /** Stable id, stored in job_runs and job_leases: 'certification-reminders'. */
  name: string;
  /** What it does, for the admins' job log. */
  description: string;
  /** The period due at `now` in the organisation's calendar ('2026-12-02', '2026-W49'), or null when none is yet (before the local send hour). */
  duePeriod(now: Date, timeZone: string): string | null;
  /**
   * Does one period's work. Must be safe to repeat: every message it writes
   * has an idempotency key, so a run cut short and run again sends nothing twice.
   * Returns a short summary for the log ("14 messages").
   */
  run(db: Db, org: JobOrganisation, input: JobRunInput): Promise<string>;
};

/** Every scheduled job, in the order they run. */
// A function, not a constant: notifications/jobs.ts imports the outbox, which
// lists these jobs in its job log, so whichever module loads first would
// otherwise read notificationJobs before it is initialised (a TDZ error seen
// when a script imports notifications/jobs.ts directly).
export const scheduledJobs = (): ScheduledJob[] => [...notificationJobs, reviewReminderJob, ...trendJobs];
