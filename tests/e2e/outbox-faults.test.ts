// The outbox and the scheduler under faults, with real processes on a real
// database file and a real SMTP server in this process:
// - a delivery worker killed with SIGKILL 20 times in the middle of a send
//   (alternately before the server received the message, and after it
//   received it but before it answered 250): every message arrives, and the
//   only ones that arrive twice are those whose worker died after the server
//   had them (the at-least-once window of docs/decisions/022), with one
//   Message-ID for both copies;
// - four scheduler processes at once: each period of each organisation runs
//   once (job_runs and the jobs' own output agree).
// - the web server with JOBS=on starts the scheduler beside it, which
//   delivers a queued message, logs it without its address, link or token,
//   and ends when the server is killed with SIGKILL.
// Workers run tests/support/outbox-worker.ts and scheduler-process.ts, thin
// wrappers around the real deliverDue and startScheduler.
import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { jobRuns, organisations, outboxMessages, users } from '#server/db/schema.ts';
import { CLAIM_LEASE_MS, messageIdFor } from '#server/outbox/delivery.ts';
import { enqueueMessage } from '#server/outbox/index.ts';
import { open, root, scratchDatabase, startServer } from '../support/processes.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';

const PUBLIC_URL = 'https://opspath.example.com';
const MESSAGES = 50;
const KILLS = 20;

const scratch = scratchDatabase('outbox-faults');
let database: Database;
let smtp: TestSmtp;
const children = new Set<ChildProcess>();

type Worker = { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; out: () => string };

function spawnScript(script: string, env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: scratch.url, PUBLIC_URL, JOBS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, out: () => out };
}

/** Where the current worker is to be killed: at the second RCPT TO, or when the server has the second message. */
let plan: { worker: Worker; at: 'rcpt' | 'accept'; seen: number; killed: boolean } | null = null;
/** Message-IDs the server had when their worker died. */
const diedAfterAccept = new Set<string>();

async function killHere(at: 'rcpt' | 'accept', messageId?: string) {
  if (!plan || plan.at !== at || plan.killed || ++plan.seen < 2) return;
  plan.killed = true;
  if (messageId) diedAfterAccept.add(messageId);
  plan.worker.child.kill('SIGKILL');
  await plan.worker.exited;
}

beforeAll(async () => {
  scratch.prepare();
  database = open(scratch.url);
  smtp = await startSmtp({
    hooks: { beforeRcpt: () => killHere('rcpt'), beforeAccept: (mail) => killHere('accept', mail.messageId) },
  });
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await smtp?.stop();
  await scratch.dispose(() => database?.close());
});

describe('the outbox under faults', () => {
  it('delivers every message despite 20 kill -9s mid-send, a copy only where the worker died after the server had it', async () => {
    const people = await database.db.select({ id: users.id, email: users.email, orgId: users.orgId }).from(users).limit(10);
    const keys: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const person = people[i % people.length]!;
      const key = `fault-test:${i}`;
      keys.push(key);
      await enqueueMessage(database.db, {
        orgId: person.orgId,
        kind: 'team-summary',
        recipient: person,
        subject: `Summary ${i}`,
        content: { heading: `Summary ${i}`, paragraphs: ['Nothing is due.'] },
        idempotencyKey: key,
      });
    }

    for (let i = 0; i < KILLS; i++) {
      // Each worker's clock is past the claims of every worker killed before it.
      const worker = spawnScript('tests/support/outbox-worker.ts', {
        SMTP_URL: smtp.url,
        CLOCK_OFFSET_MS: String(i * (CLAIM_LEASE_MS + 1000)),
      });
      plan = { worker, at: i % 2 === 0 ? 'accept' : 'rcpt', seen: 0, killed: false };
      const exit = await worker.exited;
      expect(exit.signal, `worker ${i}: ${worker.out()}`).toBe('SIGKILL');
    }
    plan = null;
    const last = spawnScript('tests/support/outbox-worker.ts', {
      SMTP_URL: smtp.url,
      CLOCK_OFFSET_MS: String((KILLS + 1) * (CLAIM_LEASE_MS + 1000)),
    });
    expect((await last.exited).code, last.out()).toBe(0);

    const stored = await database.db.select({ state: outboxMessages.state, key: outboxMessages.idempotencyKey }).from(outboxMessages);
    expect(stored.filter((m) => m.state !== 'sent')).toEqual([]);
    expect(diedAfterAccept.size).toBe(KILLS / 2);

    const copies = new Map<string, number>();
    for (const mail of smtp.received) copies.set(mail.messageId!, (copies.get(mail.messageId!) ?? 0) + 1);
    for (const key of keys) {
      const id = messageIdFor(key, PUBLIC_URL);
      expect(copies.get(id), key).toBe(diedAfterAccept.has(id) ? 2 : 1);
    }
    expect(smtp.received).toHaveLength(MESSAGES + diedAfterAccept.size);
  }, 240_000);

  it('runs each period once per organisation with four scheduler processes at once', async () => {
    await database.db.insert(organisations).values([
      { name: 'Fault Org Two', settings: { timeZone: 'Asia/Tokyo' } },
      { name: 'Fault Org Three', settings: { timeZone: 'America/New_York' } },
    ]);
    const orgCount = (await database.db.select().from(organisations)).length;
    const schedulers = Array.from({ length: 4 }, () => spawnScript('tests/support/scheduler-process.ts', {}));
    const ticks = (w: Worker) => w.out().match(/^TICK /gm)?.length ?? 0;
    const periods = () => new Set(schedulers.flatMap((w) => [...w.out().matchAll(/^RAN \d+ (\d+) /gm)].map((m) => m[1]))).size;
    // Every process ticks many times, through at least three periods.
    await expect.poll(() => schedulers.every((w) => ticks(w) >= 10) && periods() >= 3, { timeout: 60_000, interval: 200 }).toBe(true);
    for (const w of schedulers) w.child.kill('SIGTERM');
    const exits = await Promise.all(schedulers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0, 0]);

    const output = schedulers.map((w) => w.out()).join('\n');
    expect(output).not.toMatch(/^ERROR /m);
    const ran = [...output.matchAll(/^RAN (\d+) (\d+) \d+$/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(new Set(ran).size).toBe(ran.length);
    const rows = await database.db.select().from(jobRuns).where(eq(jobRuns.job, 'test-every-second'));
    expect(rows.map((r) => `${r.orgId}:${r.period}`).sort()).toEqual([...ran].sort());
    expect(rows.every((r) => r.outcome === 'ok')).toBe(true);
    // Each period that ran, ran for every organisation.
    const byPeriod = new Map<string, number>();
    for (const r of rows) byPeriod.set(r.period, (byPeriod.get(r.period) ?? 0) + 1);
    expect([...byPeriod.values()].every((n) => n === orgCount)).toBe(true);
  }, 120_000);

  it('runs the scheduler beside a JOBS=on web server, logs no content, and stops with the server', async () => {
    const server = await startServer(scratch.url, { env: { JOBS: 'on', SMTP_URL: smtp.url, PUBLIC_URL, NODE_ENV: 'development' } });
    const token = 'reset-token-3f9a7c1e5b2d4068';
    const [person] = await database.db.select().from(users).where(eq(users.email, 'newhire@demo.opspath.test'));
    const before = smtp.received.length;
    const queued = await enqueueMessage(database.db, {
      orgId: person!.orgId,
      kind: 'password-reset',
      recipient: person!,
      subject: 'Reset your OpsPath password',
      content: {
        heading: 'Reset your password',
        paragraphs: ['Choose a new password with the link below.'],
        action: { label: 'Choose a new password', url: `${PUBLIC_URL}/reset/${token}` },
      },
      idempotencyKey: `fault-test:server:${token}`,
    });
    if (!queued.queued) throw new Error('not queued');
    const [mail] = (await smtp.waitFor(before + 1, 30_000)).slice(before);
    expect(mail!.text).toContain(token);
    await expect.poll(() => server.stdout(), { timeout: 10_000 }).toContain(`outbox: message ${queued.id} password-reset sent`);

    const pid = Number(/jobs: scheduler started \(pid (\d+)\)/.exec(server.stdout())?.[1]);
    expect(pid).toBeGreaterThan(0);
    // Background work yields the CPU to the web process (issue 15: pages do not slow while jobs run).
    expect(getPriority(pid)).toBe(19);
    await server.kill9();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 30_000, interval: 100 }).toBe(false);

    const lines = `${server.stdout()}\n${server.stderr()}`.split('\n');
    for (const secret of [token, person!.email, '/reset/', 'Reset your', 'Choose a new password'])
      expect(
        lines.filter((l) => l.includes(secret)),
        secret,
      ).toEqual([]);
  }, 120_000);
});
