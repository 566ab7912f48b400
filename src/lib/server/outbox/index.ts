// The one way OpsPath sends a message: write it to the outbox in the
// transaction of the change that causes it (docs/decisions/022). Nothing here
// talks to a mail server; the delivery worker does, later, outside any request.
import { composeEmail, type EmailContent } from '#domain/email.ts';
import { receives, type MessageKind, type NotificationSettings } from '#domain/messages.ts';
import type { Executor } from '#server/db/client.ts';
import { outboxMessages } from '#server/db/schema.ts';
import { env } from '#server/env.ts';
import { logMessage } from './log.ts';

export type NewMessage = {
  orgId: number;
  kind: MessageKind;
  recipient: { id: number; email: string; notificationSettings?: NotificationSettings | null };
  subject: string;
  content: EmailContent;
  /**
   * Unique per message that must go at most once, built from what it is about:
   * 'password-reset:<tokenId>', 'certification-reminder:<userId>:<date>'. A
   * second enqueue with the same key is a no-op, which is what makes a rerun
   * job or a retried action safe.
   */
  idempotencyKey: string;
  /** Extra headers (List-Unsubscribe, ...). */
  headers?: Record<string, string>;
};

export type Enqueued = { queued: true; id: number } | { queued: false; reason: 'duplicate' | 'opted-out' };

/** An absolute link into OpsPath, on PUBLIC_URL whatever host a request came in under. */
export const publicLink = (path: string, publicUrl = env().PUBLIC_URL) => new URL(path, publicUrl).href;

/**
 * Writes one message to the outbox, in the caller's transaction. Skips a
 * notification its recipient turned off, and a key already written.
 */
export async function enqueueMessage(tx: Executor, message: NewMessage, now = new Date()): Promise<Enqueued> {
  if (!receives(message.recipient.notificationSettings, message.kind)) return { queued: false, reason: 'opted-out' };
  const { text, html } = composeEmail(message.content);
  const rows = await tx
    .insert(outboxMessages)
    .values({
      orgId: message.orgId,
      kind: message.kind,
      recipientUserId: message.recipient.id,
      toAddress: message.recipient.email,
      subject: message.subject,
      textBody: text,
      htmlBody: html,
      headers: message.headers ?? {},
      idempotencyKey: message.idempotencyKey,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outboxMessages.idempotencyKey })
    .returning({ id: outboxMessages.id });
  const row = rows[0];
  if (!row) return { queued: false, reason: 'duplicate' };
  logMessage({ id: row.id, kind: message.kind, state: 'queued' });
  return { queued: true, id: row.id };
}
