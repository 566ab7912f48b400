// The one way OpsPath sends a message: write it to the outbox in the
// transaction of the change that causes it (docs/decisions/022). Nothing here
// talks to a mail server; the delivery worker does, later, outside any request.
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { canAdministerOrganisation, type Actor } from '#domain/access.ts';
import { composeEmail, type EmailContent } from '#domain/email.ts';
import { MESSAGE_KINDS, OUTBOX_STATES, receives, type MessageKind, type NotificationSettings } from '#domain/messages.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { insertRowsFromJson } from '#server/db/json-rows.ts';
import { jobRuns, outboxMessages, users, type JobRun, type OutboxMessage } from '#server/db/schema.ts';
import { env } from '#server/env.ts';
import { scheduledJobs } from '#server/jobs/index.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { messageIdFor } from './message-id.ts';
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

/** Rows per outbox INSERT, bound as one JSON parameter (json-rows.ts: the driver keeps memory per bound value). */
const ENQUEUE_SLICE = 1_000;

/**
 * enqueueMessage for many messages at once (an import inviting thousands of
 * people): the same rules, a multi-row INSERT per slice instead of one per message.
 */
export async function enqueueMessages(tx: Executor, messages: NewMessage[], now = new Date()): Promise<Enqueued[]> {
  const results: Enqueued[] = messages.map(() => ({ queued: false, reason: 'opted-out' }));
  const wanted = messages.flatMap((message, index) => (receives(message.recipient.notificationSettings, message.kind) ? [index] : []));
  for (let i = 0; i < wanted.length; i += ENQUEUE_SLICE) {
    const slice = wanted.slice(i, i + ENQUEUE_SLICE);
    const rows = await insertRowsFromJson<typeof outboxMessages, { id: number; idempotency_key: string }>(
      tx,
      outboxMessages,
      slice.map((index) => {
        const message = messages[index]!;
        const { text, html } = composeEmail(message.content);
        return {
          orgId: message.orgId,
          kind: message.kind,
          recipientUserId: message.recipient.id,
          toAddress: message.recipient.email,
          subject: message.subject,
          textBody: text,
          htmlBody: html,
          headers: message.headers ?? {},
          idempotencyKey: message.idempotencyKey,
          state: 'pending' as const,
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        };
      }),
      { ignoreConflicts: true, returning: ['id', 'idempotency_key'] },
    );
    // RETURNING order is not promised by SQLite, so rows are matched by their unique key.
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r.id]));
    for (const index of slice) {
      const id = byKey.get(messages[index]!.idempotencyKey);
      results[index] = id === undefined ? { queued: false, reason: 'duplicate' } : { queued: true, id };
      if (id !== undefined) logMessage({ id, kind: messages[index]!.kind, state: 'queued' });
    }
  }
  return results;
}

// --- The admin outbox: every message of the organisation, readable whether or not mail is configured ---

/** Rows per page of the admin outbox. */
export const OUTBOX_PAGE_SIZE = 50;

const listQuery = z.object({
  state: z.enum(OUTBOX_STATES, { error: 'Choose a state from the list.' }).optional(),
  kind: z.enum(MESSAGE_KINDS, { error: 'Choose a kind from the list.' }).optional(),
  /** Keyset paging: messages older than this id (ids only grow). */
  before: z.coerce
    .number({ error: 'That page does not exist.' })
    .int({ error: 'That page does not exist.' })
    .positive({ error: 'That page does not exist.' })
    .optional(),
});
export type OutboxFilters = z.infer<typeof listQuery>;

export type OutboxRow = Pick<
  OutboxMessage,
  'id' | 'kind' | 'toAddress' | 'subject' | 'state' | 'attempts' | 'lastError' | 'createdAt' | 'sentAt' | 'nextAttemptAt'
>;
export type JobLogEntry = { name: string; description: string; lastRun: JobRun | null };
export type OutboxView = {
  filters: OutboxFilters;
  messages: OutboxRow[];
  /** The `before` of the next page, or null on the last one. */
  nextBefore: number | null;
  jobs: JobLogEntry[];
  /** Whether a mail server is configured: without one, messages stay pending here. */
  delivering: boolean;
};

/** The admin outbox: filtered by state and kind, newest first, a page at a time, and the job log. */
export async function outboxPage(db: Executor, actor: Actor, query: Record<string, string | undefined>): Promise<Outcome<OutboxView>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const parsed = parseInput(listQuery, query);
  if (!parsed.ok) return parsed;
  const filters = parsed.value;
  const rows = await db
    .select({
      id: outboxMessages.id,
      kind: outboxMessages.kind,
      toAddress: outboxMessages.toAddress,
      subject: outboxMessages.subject,
      state: outboxMessages.state,
      attempts: outboxMessages.attempts,
      lastError: outboxMessages.lastError,
      createdAt: outboxMessages.createdAt,
      sentAt: outboxMessages.sentAt,
      nextAttemptAt: outboxMessages.nextAttemptAt,
    })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.orgId, actor.orgId),
        filters.state ? eq(outboxMessages.state, filters.state) : undefined,
        filters.kind ? eq(outboxMessages.kind, filters.kind) : undefined,
        filters.before ? lt(outboxMessages.id, filters.before) : undefined,
      ),
    )
    .orderBy(desc(outboxMessages.id))
    .limit(OUTBOX_PAGE_SIZE + 1);
  const messages = rows.slice(0, OUTBOX_PAGE_SIZE);
  return ok({
    filters,
    messages,
    nextBefore: rows.length > OUTBOX_PAGE_SIZE ? messages.at(-1)!.id : null,
    jobs: await jobLog(db, actor.orgId),
    delivering: env().SMTP_URL !== undefined,
  });
}

/** Each scheduled job (and any job that ran before and is gone) with its latest run for this organisation. */
async function jobLog(db: Executor, orgId: number): Promise<JobLogEntry[]> {
  const latest = await db
    .select()
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.orgId, orgId),
        sql`${jobRuns.id} = (select max(r.id) from ${jobRuns} r where r.job = ${jobRuns.job} and r.org_id = ${jobRuns.orgId})`,
      ),
    );
  const byJob = new Map(latest.map((r) => [r.job, r]));
  const known = scheduledJobs().map((j) => ({ name: j.name, description: j.description, lastRun: byJob.get(j.name) ?? null }));
  const gone = latest
    .filter((r) => !scheduledJobs().some((j) => j.name === r.job))
    .map((r) => ({ name: r.job, description: 'No longer scheduled.', lastRun: r }));
  return [...known, ...gone];
}

export type OutboxMessageView = OutboxMessage & { recipientName: string | null; messageId: string };

/** One message of the actor's organisation, as stored (404 for any other). */
export async function outboxMessage(db: Executor, actor: Actor, rawId: unknown): Promise<Outcome<OutboxMessageView>> {
  if (!canAdministerOrganisation(actor)) return forbidden();
  const id = parseId(rawId);
  if (id === null) return notFound();
  const [row] = await db
    .select({ message: outboxMessages, recipientName: users.displayName })
    .from(outboxMessages)
    .leftJoin(users, eq(users.id, outboxMessages.recipientUserId))
    .where(and(eq(outboxMessages.id, id), eq(outboxMessages.orgId, actor.orgId)))
    .limit(1);
  if (!row) return notFound();
  return ok({ ...row.message, recipientName: row.recipientName, messageId: messageIdFor(row.message.idempotencyKey) });
}

/**
 * Queues a message again, now, with a fresh count of attempts: a failed one
 * once the cause is fixed, or a sent one someone did not get. It keeps its
 * Message-ID, so a client that has it already sees the same message.
 */
export async function resendMessage(db: Db, ctx: ActionContext, rawId: unknown): Promise<Outcome<{ id: number }>> {
  if (!canAdministerOrganisation(ctx.actor)) return forbidden();
  const id = parseId(rawId);
  if (id === null) return notFound();
  return db.transaction(async (tx) => {
    const [message] = await tx
      .select({
        id: outboxMessages.id,
        state: outboxMessages.state,
        attempts: outboxMessages.attempts,
        claimedUntil: outboxMessages.claimedUntil,
      })
      .from(outboxMessages)
      .where(and(eq(outboxMessages.id, id), eq(outboxMessages.orgId, ctx.actor.orgId)))
      .limit(1);
    if (!message) return notFound();
    if (message.state === 'sending' && message.claimedUntil && message.claimedUntil > ctx.now)
      return invalid({ form: 'It is being sent right now.' }, 'This message is being sent right now: look again in a minute.', 409);
    await tx
      .update(outboxMessages)
      .set({ state: 'pending', attempts: 0, nextAttemptAt: ctx.now, claimedUntil: null, lastError: null })
      .where(eq(outboxMessages.id, id));
    await writeActorAudit(
      tx,
      ctx,
      'outbox.message_resent',
      { type: 'outbox_message', id },
      { before: { state: message.state, attempts: message.attempts }, after: { state: 'pending' } },
    );
    return ok({ id });
  });
}

function parseId(raw: unknown): number | null {
  const n = typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
