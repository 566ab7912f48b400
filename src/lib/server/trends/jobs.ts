// The daily trends job (src/lib/server/jobs): every team's snapshot for the
// organisation's today, the month-end back-fill points a team lacks, and the
// days the job missed since a team's latest daily row (decision 038).
import { organisationToday } from '#domain/calendar.ts';
import type { Db } from '#server/db/client.ts';
import type { JobOrganisation, ScheduledJob } from '#server/jobs/index.ts';
import { notificationCatalogs } from '#server/notifications/content.ts';
import { computeSnapshots } from './queries.ts';

export const TREND_JOB = 'team-snapshots';

export async function runTrendSnapshots(db: Db, org: Pick<JobOrganisation, 'id'>, day: string, now: Date): Promise<string> {
  const content = await notificationCatalogs();
  const s = await computeSnapshots(db, org.id, day, content, now);
  return `${s.daily} team ${s.daily === 1 ? 'row' : 'rows'} for ${day}, ${s.backfilled} back-filled (${s.caughtUp} of them missed days)`;
}

export const trendJobs: ScheduledJob[] = [
  {
    name: TREND_JOB,
    description: 'Daily snapshot of every team: skill coverage, people below target, required certifications and ramp plans.',
    // Due from the start of the organisation's day: the snapshot is cheap and writes no messages.
    duePeriod: (now, timeZone) => organisationToday(now, timeZone),
    run: (db, org, input) => runTrendSnapshots(db, org, input.period, input.now),
  },
];
