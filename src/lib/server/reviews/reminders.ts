// The scheduled job that reminds people of their open review steps before a
// cycle's due date (ADR 039). Who is told what is #domain/review-reminders.ts;
// this loads one organisation's open reviews of the cycles due soon and
// enqueues through the same batches, links and unsubscribe headers as the
// other notification jobs. Every key names the cycle, the recipient and the
// reminder day, so a rerun or two runners racing write nothing twice.
import { and, between, eq, inArray, notInArray } from 'drizzle-orm';
import { localDate, organisationTimeZone } from '#domain/calendar.ts';
import { catchUpDays, dailyPeriod } from '#domain/notifications.ts';
import { dueWindow, planReviewReminders, reviewReminderEmail, reviewReminderSubject, type OpenReview } from '#domain/review-reminders.ts';
import { parseReviewState } from '#domain/reviews.ts';
import type { Db } from '#server/db/client.ts';
import { reviewCycles, reviews } from '#server/db/schema.ts';
import type { JobOrganisation, JobRunInput, ScheduledJob } from '#server/jobs/index.ts';
import { activePeople, managersByMember } from '#server/notifications/queries.ts';
import { breathe, enqueueAll, messageLinks, type Outgoing } from '#server/notifications/jobs.ts';

const summary = (queued: number, planned: number) =>
  `${queued} message${queued === 1 ? '' : 's'}${planned > queued ? ` (${planned - queued} already sent or turned off)` : ''}`;

export async function runReviewReminders(db: Db, org: JobOrganisation, input: JobRunInput): Promise<string> {
  const days = catchUpDays(input.period, input.lastCompleted);
  const window = dueWindow(days);
  if (!window) return summary(0, 0);
  const cycles = await db
    .select()
    .from(reviewCycles)
    .where(and(eq(reviewCycles.orgId, org.id), between(reviewCycles.dueOn, window.from, window.to)));
  if (cycles.length === 0) return summary(0, 0);
  const rows = await db
    .select()
    .from(reviews)
    .where(
      and(
        inArray(
          reviews.cycleId,
          cycles.map((c) => c.id),
        ),
        notInArray(reviews.step, ['complete', 'cancelled']),
      ),
    );
  await breathe();
  const people = await activePeople(db, org.id);
  const managersOf = await managersByMember(db, org.id, people);
  const zone = organisationTimeZone(org.timeZone);
  const byId = new Map(cycles.map((c) => [c.id, c]));
  const open: OpenReview[] = [];
  for (const r of rows) {
    const subject = people.get(r.subjectUserId);
    const cycle = byId.get(r.cycleId)!;
    if (!subject) continue;
    open.push({
      reviewId: r.id,
      cycleId: cycle.id,
      cycleName: cycle.name,
      dueOn: cycle.dueOn,
      openedOn: localDate(cycle.createdAt, zone),
      subjectId: subject.id,
      subjectName: subject.name,
      // The reviewer named when the cycle opened; if they left, whoever manages the person now.
      managerIds: people.has(r.reviewerUserId) ? [r.reviewerUserId] : (managersOf.get(subject.id) ?? []),
      state: parseReviewState(r.state),
    });
  }
  const outgoing: Outgoing[] = planReviewReminders(open, days).map((message) => {
    const path = message.items.length === 1 ? `/app/reviews/${message.items[0]!.reviewId}/` : `/app/reviews/cycles/${message.cycleId}/`;
    return {
      recipientId: message.recipientId,
      subject: reviewReminderSubject(message),
      content: reviewReminderEmail(message, messageLinks(message.recipientId, 'review-reminder', path)),
      key: `review-reminder:${message.cycleId}:${message.recipientId}:${message.reminderOn}`,
    };
  });
  return summary(await enqueueAll(db, org, 'review-reminder', people, outgoing, input.now), outgoing.length);
}

export const reviewReminderJob: ScheduledJob = {
  name: 'review-reminders',
  description:
    'Skills review steps still open 7 days and 1 day before a cycle is due, to the person and their reviewer (daily, 08:00 local time).',
  duePeriod: dailyPeriod,
  run: (db, org, input) => runReviewReminders(db, org, input),
};
