// `npm run jobs -- --once`, the cron path, as a real process on a real
// database: with no SMTP_URL it says where messages wait and sends nothing;
// with one it delivers what is due to a real SMTP server and exits 0.
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { outboxMessages, organisations, users } from '#server/db/schema.ts';
import { enqueueMessage } from '#server/outbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

let t: TestDatabase;
let smtp: TestSmtp;
let messageId: number;

/** Runs src/cli/jobs.ts without blocking this process (the SMTP server here must answer it). */
function jobsOnce(env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['src/cli/jobs.ts', '--once'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: t.url, PUBLIC_URL: 'https://opspath.example.com', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  t = await createTestDatabase('jobs-cli');
  const [org] = await t.db.insert(organisations).values({ name: 'Cron Org', settings: {} }).returning();
  const [person] = await t.db
    .insert(users)
    .values({ orgId: org!.id, email: 'cron@mail.test', displayName: 'Cron', passwordHash: 'x', role: 'member' })
    .returning();
  const queued = await enqueueMessage(t.db, {
    orgId: org!.id,
    kind: 'ramp-plan-started',
    recipient: person!,
    subject: 'Your ramp plan starts on 7 Dec 2026',
    content: { heading: 'Your ramp plan starts on 7 Dec 2026', paragraphs: ['Your manager started a 90-day plan for you.'] },
    idempotencyKey: 'jobs-cli:plan-started',
  });
  if (!queued.queued) throw new Error('not queued');
  messageId = queued.id;
});
afterAll(() => t.cleanup());
beforeEach(async () => {
  smtp = await startSmtp();
});
afterEach(() => smtp.stop());

const state = async () => (await t.db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId)))[0]!.state;

describe('npm run jobs -- --once', () => {
  it('without SMTP_URL sends nothing and says the messages wait in the outbox', async () => {
    const result = await jobsOnce({});
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('messages stay in the outbox');
    expect(result.out).toContain('delivered 0');
    expect(await state()).toBe('pending');
  });

  it('with SMTP_URL delivers what is due and exits', async () => {
    const result = await jobsOnce({ SMTP_URL: smtp.url });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('delivered 1, retrying 0, failed 0');
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('Your ramp plan starts on 7 Dec 2026');
    expect(mail!.from).toBe('no-reply@opspath.example.com');
    expect(await state()).toBe('sent');
  });
});
