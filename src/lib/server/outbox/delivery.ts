// The delivery worker: takes due messages out of the outbox and hands them to
// the mail server, outside any request (docs/decisions/022). Delivery is
// at-least-once: a worker killed after the server accepted a message but
// before it was marked sent leaves the claim to lapse, and the next worker
// sends it again, with the same Message-ID, so the copy is recognisable.
import { createTransport } from 'nodemailer';
import { and, eq, sql } from 'drizzle-orm';
import { MAX_DELIVERY_ATTEMPTS, nextAttemptDelayMs } from '#domain/messages.ts';
import type { Db } from '#server/db/client.ts';
import { outboxMessages, type OutboxMessage } from '#server/db/schema.ts';
import { env, type Env } from '#server/env.ts';
import { logMessage } from './log.ts';
import { messageIdFor } from './message-id.ts';

export { logMessage, messageIdFor };

/** What the worker needs of a mail transport: nodemailer's sendMail. */
export type MailTransport = {
  sendMail(mail: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    headers: Record<string, string>;
  }): Promise<unknown>;
  close?(): void;
};

/**
 * Bounds on a slow or silent mail server, so one cannot hold a message (or
 * the worker) for the nodemailer defaults of 2 and 10 minutes. The claim
 * lease below outlasts their sum, so a message is not claimed twice while a
 * live worker is still waiting for the server.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;
/** How long a claim lasts: a worker killed mid-send frees its messages after this. */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** last_error is for people reading the outbox; a server's whole reply is not needed. */
const ERROR_CHARS = 500;

/** The SMTP transport SMTP_URL names, or null when it is unset (messages then wait in the outbox for an admin to read). */
export function mailTransport(config: Pick<Env, 'SMTP_URL'> = env()): MailTransport | null {
  if (!config.SMTP_URL) return null;
  return createTransport({ url: config.SMTP_URL, ...SMTP_TIMEOUTS });
}

export type DeliveryOptions = {
  db: Db;
  /** null: no mail server configured; nothing is claimed and every message stays pending in the outbox. */
  transport: MailTransport | null;
  now?: Date;
  /** At most this many messages per call, so one tick stays short. */
  limit?: number;
  from?: string;
  publicUrl?: string;
  /** Where the one-line summaries go (default: the server log in development). */
  log?: ((line: string) => void) | null;
  /** For backoff jitter; tests pass a constant. */
  random?: () => number;
};

export type DeliveryReport = { claimed: number; sent: number; retrying: number; failed: number };

/** A message a worker may take: pending and due, or claimed by a worker whose lease ran out. */
const claimable = (at: number) =>
  sql`((${outboxMessages.state} = 'pending' and ${outboxMessages.nextAttemptAt} <= ${at}) or (${outboxMessages.state} = 'sending' and ${outboxMessages.claimedUntil} <= ${at}))`;

/**
 * Claims up to `limit` due messages in one statement (so two workers never
 * claim the same row), then sends each and records what happened.
 */
export async function deliverDue(options: DeliveryOptions): Promise<DeliveryReport> {
  const { db, transport, now = new Date(), limit = 20, random = Math.random } = options;
  const report: DeliveryReport = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  if (!transport) return report;
  const config = options.from && options.publicUrl ? null : env();
  const from = options.from ?? config!.MAIL_FROM;
  const publicUrl = options.publicUrl ?? config!.PUBLIC_URL;
  const at = now.getTime();
  const claimedUntil = new Date(at + CLAIM_LEASE_MS);

  const claimed: OutboxMessage[] = await db
    .update(outboxMessages)
    .set({ state: 'sending', claimedUntil })
    .where(
      and(
        claimable(at),
        sql`${outboxMessages.id} in (select ${outboxMessages.id} from ${outboxMessages} where ${claimable(at)} order by ${outboxMessages.nextAttemptAt}, ${outboxMessages.id} limit ${limit})`,
      ),
    )
    .returning();
  report.claimed = claimed.length;

  for (const message of claimed.sort((a, b) => a.id - b.id)) {
    try {
      await transport.sendMail({
        from,
        to: message.toAddress,
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
        messageId: messageIdFor(message.idempotencyKey, publicUrl),
        headers: message.headers,
      });
    } catch (error) {
      const attempts = message.attempts + 1;
      const delay = nextAttemptDelayMs(attempts, random());
      const state = delay === null || attempts >= MAX_DELIVERY_ATTEMPTS ? 'failed' : 'pending';
      // Only while the claim is still ours: past the lease another worker may have taken the message over.
      await db
        .update(outboxMessages)
        .set({
          state,
          attempts,
          claimedUntil: null,
          lastError: describeError(error),
          nextAttemptAt: new Date(at + (delay ?? 0)),
        })
        .where(and(eq(outboxMessages.id, message.id), eq(outboxMessages.state, 'sending'), eq(outboxMessages.claimedUntil, claimedUntil)));
      report[state === 'failed' ? 'failed' : 'retrying'] += 1;
      logMessage({ id: message.id, kind: message.kind, state, attempts }, options.log);
      continue;
    }
    // Sent is what the mail server said, whoever holds the claim now.
    await db
      .update(outboxMessages)
      .set({ state: 'sent', sentAt: now, claimedUntil: null, attempts: message.attempts + 1 })
      .where(eq(outboxMessages.id, message.id));
    report.sent += 1;
    logMessage({ id: message.id, kind: message.kind, state: 'sent', attempts: message.attempts + 1 }, options.log);
  }
  return report;
}

/** The mail server's answer, without the message: nodemailer's errors carry the SMTP reply in `response`. */
function describeError(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown } | null;
  const parts = [
    typeof e?.code === 'string' ? e.code : null,
    typeof e?.responseCode === 'number' ? String(e.responseCode) : null,
    typeof e?.response === 'string' ? e.response : typeof e?.message === 'string' ? e.message : String(error),
  ].filter((p): p is string => p !== null && p !== '');
  return parts.join(' ').replace(/\s+/g, ' ').slice(0, ERROR_CHARS);
}
