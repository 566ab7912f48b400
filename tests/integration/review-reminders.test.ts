// "A week before a review cycle is due, whoever owes a step gets one email",
// end to end: a cycle opened through the feature, a person who already
// submitted, one who did not, one who turned the reminders off, the scheduler
// (runDueJobs) running the review reminder job, the delivery worker sending to
// a real SMTP server. Reruns the same day and the next send nothing new.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '#domain/access.ts';
import { organisations, reviews, teamMemberships, teams, users } from '#server/db/schema.ts';
import { runDueJobs } from '#server/jobs/runner.ts';
import { deliverDue, mailTransport, type MailTransport } from '#server/outbox/delivery.ts';
import { readUnsubscribeToken } from '#server/notifications/unsubscribe.ts';
import { actOnReview, openCycle } from '#server/reviews/index.ts';
import { reviewReminderJob } from '#server/reviews/reminders.ts';
import { env } from '#server/env.ts';
import { testContext } from '../support/context.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let t: TestDatabase;
let smtp: TestSmtp;
let transport: MailTransport;
const ids: Record<string, number> = {};
let orgId = 0;
const PUBLIC_URL = env().PUBLIC_URL;
const ZONE = 'Europe/Bucharest';
// 20 November 2026 in Bucharest: the cycle opens, due 10 December.
const OPENED = new Date('2026-11-20T10:00:00Z');
let cycleId = 0;
const reviewOf: Record<string, number> = {};

const actor = (key: string, role: Actor['role']): Actor => ({ id: ids[key]!, orgId, role, active: true });

beforeAll(async () => {
  t = await createTestDatabase('review-reminders');
  smtp = await startSmtp();
  transport = mailTransport({ SMTP_URL: smtp.url })!;
  const [org] = await t.db
    .insert(organisations)
    .values({ name: 'Acme', settings: { timeZone: ZONE } })
    .returning();
  orgId = org!.id;
  for (const [key, role, settings] of [
    ['ana', 'member', {}],
    ['ben', 'member', {}],
    ['quiet', 'member', { 'review-reminder': false }],
    ['boss', 'manager', {}],
    ['bystander', 'member', {}],
  ] as const) {
    const [u] = await t.db
      .insert(users)
      .values({ orgId: org!.id, email: `${key}@acme.test`, displayName: key, passwordHash: 'x', role, notificationSettings: settings })
      .returning();
    ids[key] = u!.id;
  }
  const [depot] = await t.db.insert(teams).values({ orgId: org!.id, name: 'Depot', managerUserId: ids.boss }).returning();
  const [office] = await t.db.insert(teams).values({ orgId: org!.id, name: 'Office', managerUserId: null }).returning();
  await t.db.insert(teamMemberships).values([
    { teamId: depot!.id, userId: ids.ana! },
    { teamId: depot!.id, userId: ids.ben! },
    { teamId: depot!.id, userId: ids.quiet! },
    { teamId: office!.id, userId: ids.bystander! },
  ]);
  const opened = await openCycle(t.db, testContext(actor('boss', 'manager'), OPENED, null, ZONE), [], {
    name: 'Winter 2026',
    dueOn: '2026-12-10',
    teamIds: [depot!.id],
  });
  if (!opened.ok) throw new Error(JSON.stringify(opened));
  cycleId = opened.value.cycleId;
  const rows = await t.db.select().from(reviews);
  for (const r of rows) reviewOf[Object.keys(ids).find((k) => ids[k] === r.subjectUserId)!] = r.id;
  // Ana has done her part (no skills targeted by an empty ladder, so submitting needs no levels).
  const submitted = await actOnReview(t.db, testContext(actor('ana', 'member'), OPENED, null, ZONE), reviewOf.ana!, { type: 'submitSelf' });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted));
});
afterAll(async () => {
  transport?.close?.();
  await smtp?.stop();
  t?.cleanup();
});

const deliver = (now: Date) =>
  deliverDue({ db: t.db, transport, now, from: 'OpsPath <no-reply@localhost>', publicUrl: PUBLIC_URL, log: () => {}, random: () => 0 });
const pass = async (now: Date) => {
  await runDueJobs({ db: t.db, holder: 'test', now, jobs: [reviewReminderJob] });
  return deliver(now);
};
const reminders = () => smtp.received.filter((m) => m.subject?.includes('due on') || m.subject?.includes('need you by'));

describe('review reminders through the scheduler and a real SMTP server', () => {
  it('sends nothing before the week before the due date', async () => {
    // The requests sent when the cycle opened go first; they are not reminders.
    await deliver(OPENED);
    await smtp.waitFor(3);
    await pass(new Date('2026-11-30T07:00:00Z'));
    expect(reminders()).toEqual([]);
  });

  it('7 days before: the person who has not submitted and the manager get one message each, with the links', async () => {
    const before = smtp.received.length;
    await pass(new Date('2026-12-03T06:30:00Z'));
    const mails = await smtp.waitFor(before + 2);
    const sent = reminders();
    expect(sent.map((m) => m.to.join()).sort()).toEqual(['ben@acme.test', 'boss@acme.test']);
    const ben = sent.find((m) => m.to.includes('ben@acme.test'))!;
    expect(ben.subject).toBe('Your skills review “Winter 2026” is due on 10 December 2026');
    expect(ben.text).toContain('Your review: your self-assessment');
    expect(ben.text).toContain(`Open my review: ${PUBLIC_URL}/app/reviews/${reviewOf.ben}/`);
    const boss = sent.find((m) => m.to.includes('boss@acme.test'))!;
    // Three reviews wait for the manager's assessment: ana's, ben's and quiet's (quiet turned off only their own reminders).
    expect(boss.subject).toBe('3 skills reviews in “Winter 2026” need you by 10 December 2026');
    for (const name of ['ana', 'ben', 'quiet']) expect(boss.text).toContain(`${name}: your manager assessment`);
    expect(boss.text).toContain(`${PUBLIC_URL}/app/reviews/cycles/${cycleId}/`);
    for (const mail of sent) {
      const list = (mail.raw.headerLines.find((l) => l.key === 'list-unsubscribe')?.line ?? '').replace(/\r\n[ \t]+/g, ' ');
      const url = /<([^>]+)>/.exec(list)?.[1] ?? '';
      expect(readUnsubscribeToken(url.split('/').pop()!)?.kind).toBe('review-reminder');
      expect(mail.text).toContain(`${PUBLIC_URL}/app/account/notifications`);
    }
    expect(mails.some((m) => m.to.includes('quiet@acme.test') && m.subject?.includes('due on'))).toBe(false);
  });

  it('sends nothing more on a rerun the same day or the next day', async () => {
    const before = smtp.received.length;
    await pass(new Date('2026-12-03T12:00:00Z'));
    // The job's period ran already: force a second run of the same day, as a crashed runner's retry would.
    await reviewReminderJob.run(
      t.db,
      { id: orgId, name: 'Acme', timeZone: ZONE, settings: { timeZone: ZONE } },
      {
        period: '2026-12-03',
        lastCompleted: null,
        now: new Date('2026-12-03T12:00:00Z'),
      },
    );
    await pass(new Date('2026-12-04T06:30:00Z'));
    await deliver(new Date('2026-12-04T06:31:00Z'));
    expect(smtp.received).toHaveLength(before);
    expect(smtp.received.some((m) => m.to.includes('bystander@acme.test'))).toBe(false);
  });
});
