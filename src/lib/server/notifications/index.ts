// Notifications, the public face: a person's own choices (the settings page),
// and the one-click unsubscribe that works without a session. The scheduled
// jobs are in jobs.ts (listed in #server/jobs), the ramp hooks in events.ts.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { canChooseOwnNotifications, type Actor } from '#domain/access.ts';
import {
  ACCOUNT_MESSAGE_KINDS,
  MESSAGE_KIND_LABELS,
  NOTIFICATION_KINDS,
  receives,
  type NotificationKind,
  type NotificationSettings,
} from '#domain/messages.ts';
import type { FormValues } from '#domain/fields.ts';
import { writeActorAudit, writeAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { users } from '#server/db/schema.ts';
import { forbidden, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { readUnsubscribeToken } from './unsubscribe.ts';

export { useNotificationCatalogs } from './content.ts';

export type NotificationChoice = { kind: NotificationKind; label: string; on: boolean };
export type NotificationChoices = { choices: NotificationChoice[]; alwaysOn: { kind: string; label: string }[] };

const choicesFrom = (settings: NotificationSettings | null): NotificationChoices => ({
  choices: NOTIFICATION_KINDS.map((kind) => ({ kind, label: MESSAGE_KIND_LABELS[kind], on: receives(settings, kind) })),
  alwaysOn: ACCOUNT_MESSAGE_KINDS.map((kind) => ({ kind, label: MESSAGE_KIND_LABELS[kind] })),
});

/** The actor's own choices, every kind listed (a kind never chosen is on). */
export async function ownNotificationChoices(db: Executor, actor: Actor): Promise<Outcome<NotificationChoices>> {
  if (!canChooseOwnNotifications(actor)) return forbidden();
  const [row] = await db.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, actor.id)).limit(1);
  return row ? ok(choicesFrom(row.settings)) : notFound();
}

/** A ticked box posts 'on'; an unticked one posts nothing. Anything else is not this form. */
const settingsSchema = z.object(
  Object.fromEntries(
    NOTIFICATION_KINDS.map((kind) => [kind, z.literal('on', { error: 'Tick the box or leave it empty.' }).optional()]),
  ) as Record<NotificationKind, z.ZodOptional<z.ZodLiteral<'on'>>>,
);

/** Saves the actor's choices from the settings form: every kind, on when ticked. */
export async function saveOwnNotificationChoices(db: Db, ctx: ActionContext, form: FormValues): Promise<Outcome<NotificationChoices>> {
  if (!canChooseOwnNotifications(ctx.actor)) return forbidden();
  const parsed = parseInput(settingsSchema, form);
  if (!parsed.ok) return parsed;
  const next = Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, parsed.value[kind] === 'on'])) as NotificationSettings;
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, ctx.actor.id)).limit(1);
    if (!row) return notFound();
    const before = NOTIFICATION_KINDS.filter((k) => !receives(row.settings, k));
    const after = NOTIFICATION_KINDS.filter((k) => !next[k]);
    if (before.join() !== after.join()) {
      await tx.update(users).set({ notificationSettings: next, updatedAt: ctx.now }).where(eq(users.id, ctx.actor.id));
      await writeActorAudit(
        tx,
        ctx,
        'notification.settings_changed',
        { type: 'user', id: ctx.actor.id },
        { before: { off: before }, after: { off: after } },
      );
    }
    return ok(choicesFrom(next));
  });
}

export type UnsubscribeTarget = { userId: number; kind: NotificationKind; label: string; alreadyOff: boolean };

/** What a token names, for the confirmation page: 404 for a forged token or a person no longer active. */
export async function unsubscribeTarget(db: Executor, token: string): Promise<Outcome<UnsubscribeTarget>> {
  const named = readUnsubscribeToken(token);
  if (!named) return notFound();
  const [row] = await db
    .select({ active: users.active, settings: users.notificationSettings })
    .from(users)
    .where(eq(users.id, named.userId))
    .limit(1);
  if (!row?.active) return notFound();
  return ok({ ...named, label: MESSAGE_KIND_LABELS[named.kind], alreadyOff: !receives(row.settings, named.kind) });
}

/**
 * Turns one kind off for the person the token names. The token is the whole
 * authorization (RFC 8058: the mail provider posts it, with no session).
 * Twice is not an error and writes one audit row.
 */
export async function unsubscribe(db: Db, token: string, meta: { ip: string | null; now: Date }): Promise<Outcome<UnsubscribeTarget>> {
  const named = readUnsubscribeToken(token);
  if (!named) return notFound();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ orgId: users.orgId, active: users.active, settings: users.notificationSettings })
      .from(users)
      .where(eq(users.id, named.userId))
      .limit(1);
    if (!row?.active) return notFound();
    const target = { ...named, label: MESSAGE_KIND_LABELS[named.kind], alreadyOff: true };
    if (!receives(row.settings, named.kind)) return ok(target);
    await tx
      .update(users)
      .set({ notificationSettings: { ...row.settings, [named.kind]: false }, updatedAt: meta.now })
      .where(eq(users.id, named.userId));
    await writeAudit(tx, {
      orgId: row.orgId,
      actorUserId: named.userId,
      action: 'notification.unsubscribed',
      target: { type: 'user', id: named.userId },
      after: { kind: named.kind },
      ip: meta.ip,
      at: meta.now,
    });
    return ok({ ...target, alreadyOff: false });
  });
}
