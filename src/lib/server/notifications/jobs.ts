// The three scheduled notification jobs (src/lib/server/jobs). Each loads one
// organisation's rows, asks #domain/notifications.ts who gets what, and
// enqueues one message per recipient with an idempotency key naming the
// recipient and the period, so a rerun of a period, or two runners racing,
// write nothing twice. Writes go in short transactions of a few dozen
// messages, so pages waiting for the write lock never wait long.
import { isoWeekMonday, type IsoDate } from '#domain/calendar.ts';
import type { EmailContent } from '#domain/email.ts';
import type { NotificationKind } from '#domain/messages.ts';
import {
  catchUpDays,
  dailyPeriod,
  digestEmail,
  expiryWindows,
  digestSubject,
  isEmptySummary,
  MAX_CATCH_UP_DAYS,
  planRampDigests,
  planReminderMessages,
  planTeamSummaries,
  reminderEmail,
  reminderSubject,
  remindersEntering,
  summaryEmail,
  summarySubject,
  weeklyPeriod,
} from '#domain/notifications.ts';
import type { Catalogs } from '#catalog/catalogs.ts';
import { settingsFrom } from '#server/certifications/queries.ts';
import type { Db } from '#server/db/client.ts';
import type { JobOrganisation, ScheduledJob } from '#server/jobs/index.ts';
import { enqueueMessage, publicLink } from '#server/outbox/index.ts';
import { notificationCatalogs } from './content.ts';
import {
  activePeople,
  activePlans,
  certificationsExpiringIn,
  heldCertifications,
  lastToldPeriods,
  managersByMember,
  type Recipient,
} from './queries.ts';
import { unsubscribeHeaders, unsubscribeLink } from './unsubscribe.ts';

export const SETTINGS_PATH = '/app/account/notifications';

export type Outgoing = { recipientId: number; subject: string; content: EmailContent; key: string };

/** The links every notification carries: where to act, one-click unsubscribe, the settings page. */
export function messageLinks(recipientId: number, kind: NotificationKind, actionPath: string) {
  return { action: publicLink(actionPath), unsubscribe: unsubscribeLink(recipientId, kind), settings: publicLink(SETTINGS_PATH) };
}

const BATCH = 50;

/**
 * Lets the event loop run between the job's steps. The local database answers
 * through promises that settle without ever returning to the event loop, so a
 * job that only awaited queries would hold a web process's requests (and its
 * signals) until it finished: seconds at 50,000 people.
 */
export const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Enqueues each message in its own short batch transaction; returns how many were new. */
export async function enqueueAll(
  db: Db,
  org: Pick<JobOrganisation, 'id'>,
  kind: NotificationKind,
  people: ReadonlyMap<number, Recipient>,
  outgoing: readonly Outgoing[],
  now: Date,
): Promise<number> {
  let queued = 0;
  for (let i = 0; i < outgoing.length; i += BATCH) {
    await breathe();
    queued += await db.transaction(async (tx) => {
      let n = 0;
      for (const m of outgoing.slice(i, i + BATCH)) {
        const recipient = people.get(m.recipientId);
        if (!recipient) continue;
        const result = await enqueueMessage(
          tx,
          {
            orgId: org.id,
            kind,
            recipient,
            subject: m.subject,
            content: m.content,
            idempotencyKey: m.key,
            headers: unsubscribeHeaders(m.content.unsubscribeUrl!),
          },
          now,
        );
        if (result.queued) n += 1;
      }
      return n;
    });
  }
  return queued;
}

const summary = (queued: number, planned: number) =>
  `${queued} message${queued === 1 ? '' : 's'}${planned > queued ? ` (${planned - queued} already sent or turned off)` : ''}`;

export async function runCertificationReminders(
  db: Db,
  org: JobOrganisation,
  input: { period: string; lastCompleted: string | null; now: Date },
  catalogs?: Catalogs,
): Promise<string> {
  const content = (catalogs ?? (await notificationCatalogs())).certifications;
  const days = catchUpDays(input.period, input.lastCompleted);
  if (days.length === 0) return summary(0, 0);
  const { leadDays } = settingsFrom(org.settings);
  const people = await activePeople(db, org.id);
  await breathe();
  const managersOf = await managersByMember(db, org.id, people);
  await breathe();
  const held = await certificationsExpiringIn(db, org.id, expiryWindows(leadDays, days), people, content);
  const items = remindersEntering(held, leadDays, days);
  if (items.length === 0) return summary(0, 0);
  // Periods told since just before the window: a run that stopped half-way and is caught up later does not tell anyone twice.
  const told =
    days.length > 1
      ? await lastToldPeriods(db, org.id, 'certification-reminder', new Date(input.now.getTime() - (MAX_CATCH_UP_DAYS + 2) * 86_400_000))
      : new Map();
  const outgoing: Outgoing[] = planReminderMessages(items, managersOf, told).map((message) => {
    const links = messageLinks(
      message.recipientId,
      'certification-reminder',
      message.own.length > 0 ? '/app/certifications/me' : '/app/certifications/',
    );
    return {
      recipientId: message.recipientId,
      subject: reminderSubject(message),
      content: reminderEmail(message, input.period, links),
      key: `certification-reminder:${message.recipientId}:${input.period}`,
    };
  });
  return summary(await enqueueAll(db, org, 'certification-reminder', people, outgoing, input.now), outgoing.length);
}

export async function runRampDigest(db: Db, org: JobOrganisation, input: { period: string; now: Date }, today: IsoDate): Promise<string> {
  const people = await activePeople(db, org.id);
  await breathe();
  const managersOf = await managersByMember(db, org.id, people);
  await breathe();
  const plans = await activePlans(db, org.id, people, managersOf);
  await breathe();
  const outgoing: Outgoing[] = planRampDigests(plans, today).map((message) => {
    const own = message.items.every((i) => i.mine) ? message.items[0]?.planId : undefined;
    const links = messageLinks(message.recipientId, 'ramp-digest', own ? `/app/ramp/${own}/` : '/app/ramp/');
    return {
      recipientId: message.recipientId,
      subject: digestSubject(message.items, today),
      content: digestEmail(message, today, links),
      key: `ramp-digest:${message.recipientId}:${input.period}`,
    };
  });
  return summary(await enqueueAll(db, org, 'ramp-digest', people, outgoing, input.now), outgoing.length);
}

export async function runTeamSummary(
  db: Db,
  org: JobOrganisation,
  input: { period: string; now: Date },
  today: IsoDate,
  catalogs?: Catalogs,
): Promise<string> {
  const content = (catalogs ?? (await notificationCatalogs())).certifications;
  const { leadDays } = settingsFrom(org.settings);
  const people = await activePeople(db, org.id);
  await breathe();
  const managersOf = await managersByMember(db, org.id, people);
  await breathe();
  const held = await heldCertifications(db, org.id, people, content);
  await breathe();
  const plans = await activePlans(db, org.id, people, managersOf);
  await breathe();
  const outgoing: Outgoing[] = planTeamSummaries(held, plans, managersOf, today, leadDays)
    .filter((s) => !isEmptySummary(s.summary))
    .map(({ recipientId, summary: s }) => ({
      recipientId,
      subject: summarySubject(s),
      content: summaryEmail(s, today, messageLinks(recipientId, 'team-summary', '/app/certifications/')),
      key: `team-summary:${recipientId}:${input.period}`,
    }));
  return summary(await enqueueAll(db, org, 'team-summary', people, outgoing, input.now), outgoing.length);
}

/**
 * A weekly job dates its lists from its week's Monday, whenever it runs: a
 * week caught up on Wednesday, or run twice, decides exactly as it would
 * have on Monday, so a rerun finds every message already written.
 */
const weekToday = (period: string): IsoDate => isoWeekMonday(period);

export const notificationJobs: ScheduledJob[] = [
  {
    name: 'certification-reminders',
    description: 'Certification reminders at the organisation’s lead times, to holders and their managers (daily, 08:00 local time).',
    duePeriod: dailyPeriod,
    run: (db, org, input) => runCertificationReminders(db, org, input),
  },
  {
    name: 'ramp-digest',
    description: 'Ramp tasks due in the next 7 days and overdue, to new hires, buddies and managers (Mondays, 08:00 local time).',
    duePeriod: weeklyPeriod,
    run: (db, org, input) => runRampDigest(db, org, input, weekToday(input.period)),
  },
  {
    name: 'team-summary',
    description: 'Each manager’s team: expiring and expired certifications, ramp plans at risk (Mondays, 08:00 local time).',
    duePeriod: weeklyPeriod,
    run: (db, org, input) => runTeamSummary(db, org, input, weekToday(input.period)),
  },
];
