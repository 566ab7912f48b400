// The delivery worker against a real SMTP server (smtp-server, read back with
// mailparser) and a real migrated database: what arrives (text, HTML,
// headers, a Message-ID derived from the idempotency key), a refused
// recipient retried with backoff until failed, a server down then back (sent
// once it returns, no copy twice), competing workers, a lapsed claim, no mail
// server at all, and log lines that carry no content or token.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { MAX_DELIVERY_ATTEMPTS } from '#domain/messages.ts';
import { outboxMessages, organisations, users } from '#server/db/schema.ts';
import { enqueueMessage, publicLink } from '#server/outbox/index.ts';
import { CLAIM_LEASE_MS, deliverDue, mailTransport, messageIdFor, type MailTransport } from '#server/outbox/delivery.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const PUBLIC_URL = 'https://opspath.example.com';
const FROM = 'OpsPath <no-reply@opspath.example.com>';
const START = new Date('2026-12-01T08:00:00Z');
const TOKEN = 'tok_9f8e7d6c5b4a39281706';

let t: TestDatabase;
let smtp: TestSmtp;
let transport: MailTransport;
let orgId: number;
let people: Array<{ id: number; email: string }>;
let keySeq = 0;
const logLines: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase('outbox-delivery');
  const [org] = await t.db.insert(organisations).values({ name: 'Mail Org', settings: {}, createdAt: START }).returning();
  orgId = org!.id;
  people = await t.db
    .insert(users)
    .values(
      ['ana@mail.test', 'ben@mail.test', 'cleo@mail.test'].map((email) => ({
        orgId,
        email,
        displayName: email.split('@')[0]!,
        passwordHash: 'x',
        role: 'member' as const,
      })),
    )
    .returning({ id: users.id, email: users.email });
});
afterAll(() => t.cleanup());

beforeEach(async () => {
  smtp = await startSmtp();
  transport = mailTransport({ SMTP_URL: smtp.url })!;
  await t.db.delete(outboxMessages);
  logLines.length = 0;
});
afterEach(async () => {
  transport.close?.();
  await smtp.stop();
});

async function queue(person = people[0]!, now = START) {
  const key = `password-reset:${++keySeq}`;
  const result = await enqueueMessage(
    t.db,
    {
      orgId,
      kind: 'password-reset',
      recipient: person,
      subject: 'Reset your OpsPath password',
      content: {
        heading: 'Reset your password',
        paragraphs: ['Someone asked to reset the password of this account.'],
        action: { label: 'Choose a new password', url: publicLink(`/reset/${TOKEN}`, PUBLIC_URL) },
      },
      idempotencyKey: key,
      headers: { 'X-Entity-Ref-ID': `ref-${keySeq}` },
    },
    now,
  );
  if (!result.queued) throw new Error('not queued');
  return { id: result.id, key };
}

const deliver = (now: Date, extra: Partial<Parameters<typeof deliverDue>[0]> = {}) =>
  deliverDue({ db: t.db, transport, now, from: FROM, publicUrl: PUBLIC_URL, log: (l) => logLines.push(l), random: () => 0, ...extra });

const row = async (id: number) => (await t.db.select().from(outboxMessages).where(eq(outboxMessages.id, id)))[0]!;

describe('delivery to a real SMTP server', () => {
  it('delivers text, HTML, extra headers and a Message-ID from the idempotency key, and marks the message sent', async () => {
    const { id, key } = await queue();
    const report = await deliver(START);
    expect(report).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['ana@mail.test']);
    expect(mail!.from).toBe('no-reply@opspath.example.com');
    expect(mail!.subject).toBe('Reset your OpsPath password');
    expect(mail!.text).toContain(`Choose a new password: ${PUBLIC_URL}/reset/${TOKEN}`);
    expect(mail!.html).toContain(`href="${PUBLIC_URL}/reset/${TOKEN}"`);
    expect(mail!.headers.get('x-entity-ref-id')).toBe(`ref-${keySeq}`);
    expect(mail!.messageId).toBe(messageIdFor(key, PUBLIC_URL));
    expect(mail!.messageId).toMatch(/^<[0-9a-f]{32}@opspath\.example\.com>$/);
    expect(mail!.messageId).not.toContain('password-reset');
    const stored = await row(id);
    expect(stored).toMatchObject({ state: 'sent', attempts: 1, claimedUntil: null, lastError: null, sentAt: START });
    // A second pass finds nothing to do.
    expect(await deliver(new Date(START.getTime() + 60_000))).toEqual({ claimed: 0, sent: 0, retrying: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a refused recipient with growing delays, then marks it failed after the last attempt', async () => {
    smtp.refuse.add('ben@mail.test');
    const refused = await queue(people[1]!);
    const fine = await queue(people[2]!);
    let now = START;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      // Not due yet: nothing is claimed a moment before the retry time.
      if (attempt > 1) expect((await deliver(new Date(now.getTime() - 1))).claimed).toBe(0);
      const report = await deliver(now);
      expect(report.claimed).toBe(attempt === 1 ? 2 : 1);
      const stored = await row(refused.id);
      expect(stored.attempts).toBe(attempt);
      expect(stored.lastError).toMatch(/550/);
      expect(stored.lastError).not.toContain(TOKEN);
      if (attempt < MAX_DELIVERY_ATTEMPTS) {
        expect(stored.state).toBe('pending');
        waits.push(stored.nextAttemptAt.getTime() - now.getTime());
        now = stored.nextAttemptAt;
      } else expect(stored.state).toBe('failed');
    }
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    // Failed is final: no later pass takes it again.
    expect((await deliver(new Date(now.getTime() + 7 * 24 * 3_600_000))).claimed).toBe(0);
    expect(smtp.received.map((m) => m.to)).toEqual([['cleo@mail.test']]);
    expect((await row(fine.id)).state).toBe('sent');
  });

  it('keeps messages while the server is down and sends each once when it is back', async () => {
    await smtp.down();
    const queued = [await queue(people[0]!), await queue(people[1]!), await queue(people[2]!)];
    const first = await deliver(START);
    expect(first).toMatchObject({ claimed: 3, sent: 0, retrying: 3 });
    for (const q of queued) expect((await row(q.id)).lastError).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
    await smtp.up();
    // Before the backoff runs out nothing is retried, even with the server back.
    expect((await deliver(new Date(START.getTime() + 1000))).claimed).toBe(0);
    const later = new Date(START.getTime() + 10 * 60_000);
    expect(await deliver(later)).toMatchObject({ claimed: 3, sent: 3 });
    expect(await deliver(new Date(later.getTime() + 3_600_000))).toMatchObject({ claimed: 0 });
    await smtp.waitFor(3);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['ana@mail.test', 'ben@mail.test', 'cleo@mail.test']);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(3);
    for (const q of queued) expect(await row(q.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('lets two workers share the queue without sending any message twice', async () => {
    for (let i = 0; i < 12; i++) await queue(people[i % 3]!);
    const other = mailTransport({ SMTP_URL: smtp.url })!;
    const reports = await Promise.all([
      deliver(START, { limit: 5 }),
      deliver(START, { limit: 5, transport: other }),
      deliver(START, { limit: 5 }),
    ]);
    other.close?.();
    expect(reports.reduce((n, r) => n + r.claimed, 0)).toBe(12);
    await smtp.waitFor(12);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(12);
  });

  it('takes over a claim whose worker died once the lease runs out, with the same Message-ID', async () => {
    const { id, key } = await queue();
    // A worker claims the message and dies before sending anything.
    const dead: MailTransport = { sendMail: () => new Promise(() => {}) };
    void deliver(START, { transport: dead });
    await expect.poll(async () => (await row(id)).state).toBe('sending');
    expect((await deliver(new Date(START.getTime() + CLAIM_LEASE_MS - 1))).claimed).toBe(0);
    expect(await deliver(new Date(START.getTime() + CLAIM_LEASE_MS))).toMatchObject({ claimed: 1, sent: 1 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.messageId).toBe(messageIdFor(key, PUBLIC_URL));
  });

  it('with no mail server configured sends nothing and leaves every message pending for the admin outbox', async () => {
    const { id } = await queue();
    expect(mailTransport({ SMTP_URL: undefined })).toBeNull();
    expect(await deliver(START, { transport: null })).toEqual({ claimed: 0, sent: 0, retrying: 0, failed: 0 });
    expect(await row(id)).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('logs one line per delivery with id, kind and state, and never an address, a link, a token or the body', async () => {
    smtp.refuse.add('ben@mail.test');
    await queue(people[0]!);
    await queue(people[1]!);
    await deliver(START);
    expect(logLines).toHaveLength(2);
    for (const line of logLines) {
      expect(line).toMatch(/^outbox: message \d+ password-reset (sent|pending|failed) attempts=\d+$/);
      for (const secret of [TOKEN, '@mail.test', PUBLIC_URL, 'Reset your', 'password of this account']) expect(line).not.toContain(secret);
    }
  });
});
