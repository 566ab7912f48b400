// "A certification entering its 30-day window produces one email to its
// holder and one to their manager, once", end to end: the scheduler
// (runDueJobs) writes the reminders, the delivery worker sends them to a real
// SMTP server (smtp-server, read back with mailparser), and what arrives has
// a text and an HTML part, the action link, the visible unsubscribe and
// settings links, and the RFC 8058 headers. A second day's pass sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificationRecords, organisations, teamMemberships, teams, users } from '#server/db/schema.ts';
import { runDueJobs } from '#server/jobs/runner.ts';
import { deliverDue, mailTransport, type MailTransport } from '#server/outbox/delivery.ts';
import { readUnsubscribeToken } from '#server/notifications/unsubscribe.ts';
import { env } from '#server/env.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let t: TestDatabase;
let smtp: TestSmtp;
let transport: MailTransport;
const ids: Record<string, number> = {};
// Links come from PUBLIC_URL, whatever this process's environment sets it to.
const PUBLIC_URL = env().PUBLIC_URL;

beforeAll(async () => {
  t = await createTestDatabase('notification-delivery');
  smtp = await startSmtp();
  transport = mailTransport({ SMTP_URL: smtp.url })!;
  const [org] = await t.db
    .insert(organisations)
    .values({ name: 'Acme', settings: { timeZone: 'Europe/Bucharest', certificationReminderDays: [30] } })
    .returning();
  for (const [key, role] of [
    ['holder', 'member'],
    ['boss', 'manager'],
    ['bystander', 'member'],
  ] as const) {
    const [u] = await t.db
      .insert(users)
      .values({ orgId: org!.id, email: `${key}@acme.test`, displayName: key, passwordHash: 'x', role })
      .returning();
    ids[key] = u!.id;
  }
  const [team] = await t.db.insert(teams).values({ orgId: org!.id, name: 'Depot', managerUserId: ids.boss }).returning();
  await t.db.insert(teamMemberships).values([
    { teamId: team!.id, userId: ids.holder! },
    { teamId: team!.id, userId: ids.bystander! },
  ]);
  await t.db.insert(certificationRecords).values({
    orgId: org!.id,
    userId: ids.holder!,
    certificationId: 'pmi-pmp',
    status: 'earned',
    earnedOn: '2024-01-10',
    expiresOn: '2027-01-10',
    expirySource: 'entered',
    createdBy: ids.holder!,
  });
});
afterAll(async () => {
  transport?.close?.();
  await smtp?.stop();
  t?.cleanup();
});

const pass = async (now: Date) => {
  await runDueJobs({ db: t.db, holder: 'test', now });
  return deliverDue({
    db: t.db,
    transport,
    now,
    from: 'OpsPath <no-reply@localhost>',
    publicUrl: PUBLIC_URL,
    log: () => {},
    random: () => 0,
  });
};

describe('a reminder through the scheduler and a real SMTP server', () => {
  it('reaches the holder and their manager once each, with both parts, the links and the one-click headers', async () => {
    // 11 December 2026 at 08:30 in Bucharest: 30 days before the expiry.
    await pass(new Date('2026-12-11T06:30:00Z'));
    const mails = await smtp.waitFor(2);
    expect(mails.map((m) => m.to.join()).sort()).toEqual(['boss@acme.test', 'holder@acme.test']);
    for (const mail of mails) {
      expect(mail.subject).toMatch(/ expires on 10 January 2027$/);
      expect(mail.text).toContain('expires on 10 January 2027 (in 30 days)');
      expect(mail.html).toContain('10 January 2027');
      // The raw header lines, as a mail provider reads them unfolded (mailparser turns List-* into one object).
      const raw = (key: string) => (mail.raw.headerLines.find((l) => l.key === key)?.line ?? '').replace(/\r\n[ \t]+/g, ' ');
      const list = raw('list-unsubscribe');
      const url = /<([^>]+)>/.exec(list)?.[1] ?? '';
      expect(url.startsWith(`${PUBLIC_URL}/unsubscribe/`)).toBe(true);
      expect(list).toBe(`List-Unsubscribe: <${url}>`);
      expect(raw('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(readUnsubscribeToken(url.split('/').pop()!)?.kind).toBe('certification-reminder');
      expect(mail.text).toContain(url);
      expect(mail.text).toContain(`${PUBLIC_URL}/app/account/notifications`);
      expect(mail.html).toContain(`href="${url}"`);
    }
    expect(mails.find((m) => m.to.includes('holder@acme.test'))!.text).toContain(
      `Open my certifications: ${PUBLIC_URL}/app/certifications/me`,
    );
  });

  it('sends nothing more on later passes the same day or the next', async () => {
    await pass(new Date('2026-12-11T12:00:00Z'));
    await pass(new Date('2026-12-12T06:30:00Z'));
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.some((m) => m.to.includes('bystander@acme.test'))).toBe(false);
  });
});
