// Reminders before a skills review cycle's due date (issue 17, ADR 039).
// Pure: the job in src/lib/server/reviews/reminders.ts loads the open reviews
// of the cycles due soon, asks these functions who owes which step and what
// the message says, and enqueues one message per recipient and cycle.
import { addDays, daysBetween, formatDayInWords, type IsoDate } from './calendar.ts';
import type { EmailContent } from './email.ts';
import { MESSAGE_KIND_LABELS } from './messages.ts';
import type { MessageLinks } from './notifications.ts';
import { stepOf, type ReviewState } from './reviews.ts';

/**
 * Days before the due date a reminder goes: a week leaves time to book the
 * conversation and write the assessment, the day before catches what is still open.
 */
export const REVIEW_REMINDER_DAYS = [7, 1] as const;

export type ReviewTask = 'self-assessment' | 'manager-assessment' | 'agreement' | 'sign-off';

export const REVIEW_TASK_LABELS: Record<ReviewTask, string> = {
  'self-assessment': 'self-assessment',
  'manager-assessment': 'manager assessment',
  agreement: 'agreed levels and summary',
  'sign-off': 'sign-off',
};

/** What each side still owes now: nothing once the review is complete or cancelled. */
export function pendingTasks(state: ReviewState): { person: ReviewTask[]; manager: ReviewTask[] } {
  const step = stepOf(state);
  const person: ReviewTask[] = [];
  const manager: ReviewTask[] = [];
  if (step === 'assessing') {
    if (!state.selfSubmitted) person.push('self-assessment');
    if (!state.managerSubmitted) manager.push('manager-assessment');
  } else if (step === 'agreeing') manager.push('agreement');
  else if (step === 'signing') {
    if (!state.personSignedOff) person.push('sign-off');
    if (!state.managerSignedOff) manager.push('sign-off');
  }
  return { person, manager };
}

export type OpenReview = {
  reviewId: number;
  cycleId: number;
  cycleName: string;
  dueOn: IsoDate;
  /** The organisation's day the cycle was opened: no reminder on that day, the request has just gone. */
  openedOn: IsoDate;
  subjectId: number;
  subjectName: string;
  /** Who is reminded of the manager's steps: the review's reviewer, or the person's managers when the reviewer left. */
  managerIds: readonly number[];
  state: ReviewState;
};

export type ReviewReminderItem = { reviewId: number; subjectName: string; own: boolean; tasks: ReviewTask[] };

export type ReviewReminderMessage = {
  recipientId: number;
  cycleId: number;
  cycleName: string;
  dueOn: IsoDate;
  /** The day this reminder is for (a lead time before dueOn): part of its idempotency key. */
  reminderOn: IsoDate;
  items: ReviewReminderItem[];
};

/**
 * The latest reminder day of a due date that falls on one of `days` (the run's
 * day and any missed ones it catches up), or null: a catch-up over both lead
 * times sends the nearer one only.
 */
export function reminderDayIn(
  dueOn: IsoDate,
  days: readonly IsoDate[],
  leadDays: readonly number[] = REVIEW_REMINDER_DAYS,
): IsoDate | null {
  const hits = leadDays.map((lead) => addDays(dueOn, -lead)).filter((d) => days.includes(d));
  return hits.length === 0 ? null : hits.reduce((a, b) => (b > a ? b : a));
}

/** Due dates that can have a reminder in `days`: the range the job asks the database for. */
export function dueWindow(
  days: readonly IsoDate[],
  leadDays: readonly number[] = REVIEW_REMINDER_DAYS,
): { from: IsoDate; to: IsoDate } | null {
  if (days.length === 0 || leadDays.length === 0) return null;
  return { from: addDays(days[0]!, Math.min(...leadDays)), to: addDays(days[days.length - 1]!, Math.max(...leadDays)) };
}

/**
 * One message per recipient and cycle: the person for their own steps, the
 * manager for the steps of every review of theirs in the cycle. Nobody is told
 * about a review whose step is not theirs, nor on the day the cycle opened.
 */
export function planReviewReminders(reviews: readonly OpenReview[], days: readonly IsoDate[]): ReviewReminderMessage[] {
  const messages = new Map<string, ReviewReminderMessage>();
  const add = (recipientId: number, review: OpenReview, reminderOn: IsoDate, item: ReviewReminderItem) => {
    const key = `${review.cycleId}:${recipientId}`;
    let m = messages.get(key);
    if (!m)
      messages.set(
        key,
        (m = { recipientId, cycleId: review.cycleId, cycleName: review.cycleName, dueOn: review.dueOn, reminderOn, items: [] }),
      );
    m.items.push(item);
  };
  for (const review of reviews) {
    const reminderOn = reminderDayIn(review.dueOn, days);
    if (reminderOn === null || reminderOn <= review.openedOn) continue;
    const { person, manager } = pendingTasks(review.state);
    if (person.length > 0)
      add(review.subjectId, review, reminderOn, { reviewId: review.reviewId, subjectName: review.subjectName, own: true, tasks: person });
    if (manager.length > 0)
      for (const m of new Set(review.managerIds))
        if (m !== review.subjectId)
          add(m, review, reminderOn, { reviewId: review.reviewId, subjectName: review.subjectName, own: false, tasks: manager });
  }
  const order = (a: ReviewReminderItem, b: ReviewReminderItem) =>
    Number(b.own) - Number(a.own) || a.subjectName.localeCompare(b.subjectName) || a.reviewId - b.reviewId;
  return [...messages.values()]
    .map((m) => ({ ...m, items: m.items.sort(order) }))
    .sort((a, b) => a.cycleId - b.cycleId || a.recipientId - b.recipientId);
}

const whenDue = (today: IsoDate, dueOn: IsoDate) => {
  const n = daysBetween(today, dueOn);
  return n <= 0 ? 'today' : n === 1 ? 'tomorrow' : `in ${n} days`;
};

/** "Your skills review “Winter 2026” is due on 10 December 2026", "3 skills reviews in “Winter 2026” need you by 10 December 2026". */
export function reviewReminderSubject(message: Pick<ReviewReminderMessage, 'items' | 'cycleName' | 'dueOn'>): string {
  const day = formatDayInWords(message.dueOn);
  if (message.items.length === 1 && message.items[0]!.own) return `Your skills review “${message.cycleName}” is due on ${day}`;
  if (message.items.length === 1) return `${message.items[0]!.subjectName}’s skills review “${message.cycleName}” is due on ${day}`;
  return `${message.items.length} skills reviews in “${message.cycleName}” need you by ${day}`;
}

export function reviewReminderEmail(message: ReviewReminderMessage, links: MessageLinks): EmailContent {
  const tasks = (item: ReviewReminderItem) => item.tasks.map((t) => REVIEW_TASK_LABELS[t]).join(' and ');
  const line = (item: ReviewReminderItem) => (item.own ? `Your review: your ${tasks(item)}` : `${item.subjectName}: your ${tasks(item)}`);
  const onlyOwn = message.items.every((i) => i.own);
  return {
    heading: reviewReminderSubject(message),
    paragraphs: [
      `The cycle is due ${whenDue(message.reminderOn, message.dueOn)} (${formatDayInWords(message.dueOn)}). These steps are waiting for you; the review moves on once they are done.`,
    ],
    items: message.items.map(line),
    action: { label: onlyOwn ? 'Open my review' : message.items.length === 1 ? 'Open the review' : 'Open the cycle', url: links.action },
    footer: [
      onlyOwn ? 'You get this because a step of your skills review is yours.' : 'You get this because you review these people.',
      `You get “${MESSAGE_KIND_LABELS['review-reminder']}” messages. Choose what you receive: ${links.settings}`,
    ],
    unsubscribeUrl: links.unsubscribe,
  };
}
