// Email correction, confirmed by the new address (decision 040): asking for a
// change stores nothing on the person; it issues a single-use 'email-change'
// link holding the pending address, sends it to that address and a notice to
// the old one, all in one transaction through the outbox. Only following the
// link applies the change, once, if the address is still free.
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { deadLinkMessage, emailChangeMessage, emailChangeNotice, LINK_PATHS, linkLifetimeMs } from '#domain/account-messages.ts';
import { canAdministerOrganisation } from '#domain/access.ts';
import { organisationTimeZone } from '#domain/calendar.ts';
import { passwordSignInAllowed } from '#domain/company-sign-in.ts';
import { emailAddress, parseId, type FormValues } from '#domain/fields.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { UserProfile } from '#server/auth/session.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { accountTokens, organisations, users } from '#server/db/schema.ts';
import { env } from '#server/env.ts';
import { enqueueMessage, publicLink } from '#server/outbox/index.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext, RequestMeta } from '#server/request/context.ts';
import { getPerson } from '#server/people/queries.ts';
import { findLink, hashLinkToken, newLinkToken, revokeLiveLinks, useLink } from './tokens.ts';

const emailChangeForm = z.object({ newEmail: emailAddress });

/** What the confirm page and a refused change say when the address belongs to someone else. */
export const EMAIL_TAKEN = 'That address already belongs to another OpsPath account. Choose another one, or ask an admin.';

/** Whether anyone else already has this address (users.email is stored lower-case, so equality is case-insensitive). */
async function emailTaken(db: Executor, email: string, exceptUserId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), ne(users.id, exceptUserId)))
    .limit(1);
  return row !== undefined;
}

export type EmailChangeRequested = { newEmail: string; expiresAt: Date };

/**
 * Asks for a person's email to change: `rawPersonId` 'self' for the signed-in
 * person (account page), else an id an admin of the same organisation corrects.
 * With company sign-in required for the person, the provider owns the address:
 * the person cannot change it themselves; an admin can, once the provider has.
 */
export async function requestEmailChange(
  db: Db,
  ctx: ActionContext,
  rawPersonId: string | undefined | 'self',
  form: FormValues,
): Promise<Outcome<EmailChangeRequested>> {
  const self = rawPersonId === 'self';
  const id = self ? ctx.actor.id : parseId(rawPersonId);
  return db.transaction(async (tx): Promise<Outcome<EmailChangeRequested>> => {
    const person = id === null ? undefined : await getPerson(tx, id);
    if (!person || person.orgId !== ctx.actor.orgId) return notFound();
    if (!self && person.id !== ctx.actor.id && !canAdministerOrganisation(ctx.actor)) return forbidden();
    if (!person.active) return invalid({}, 'Reactivate the account first: a deactivated person cannot confirm a new address.', 409);
    const [org] = await tx.select().from(organisations).where(eq(organisations.id, person.orgId)).limit(1);
    const companySignIn = env().companySignIn;
    if (companySignIn && person.id === ctx.actor.id && !passwordSignInAllowed(org?.settings ?? {}, person.role, true)) {
      return invalid(
        {},
        `Your organisation signs in with ${companySignIn.name}, which owns your email address. Once it has your new address there, ask an admin to correct it here.`,
        409,
      );
    }
    const parsed = parseInput(emailChangeForm, form);
    if (!parsed.ok) return parsed;
    const newEmail = parsed.value.newEmail;
    if (newEmail === person.email) return invalid({ newEmail: 'That is already the address of this account.' });
    if (await emailTaken(tx, newEmail, person.id)) return invalid({ newEmail: EMAIL_TAKEN }, EMAIL_TAKEN, 409);

    await revokeLiveLinks(tx, person.id, ctx.now, 'email-change');
    const token = newLinkToken();
    const expiresAt = new Date(ctx.now.getTime() + linkLifetimeMs('email-change'));
    const [link] = await tx
      .insert(accountTokens)
      .values({
        userId: person.id,
        purpose: 'email-change',
        tokenHash: hashLinkToken(token),
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        expiresAt,
        newEmail,
      })
      .returning({ id: accountTokens.id });
    const requestedByAdmin = person.id !== ctx.actor.id;
    const organisationName = org?.name ?? 'your organisation';
    const confirmation = emailChangeMessage({
      recipientName: person.displayName,
      organisationName,
      url: publicLink(`${LINK_PATHS['email-change']}${token}`),
      expiresAt,
      timeZone: organisationTimeZone(org?.settings.timeZone),
      oldEmail: person.email,
      newEmail,
      requestedByAdmin,
    });
    await enqueueMessage(
      tx,
      {
        orgId: person.orgId,
        kind: 'email-change',
        recipient: { id: person.id, email: newEmail },
        ...confirmation,
        idempotencyKey: `email-change:${link!.id}`,
      },
      ctx.now,
    );
    const notice = emailChangeNotice({ recipientName: person.displayName, organisationName, newEmail, requestedByAdmin });
    await enqueueMessage(
      tx,
      {
        orgId: person.orgId,
        kind: 'email-change-notice',
        recipient: { id: person.id, email: person.email },
        ...notice,
        idempotencyKey: `email-change-notice:${link!.id}`,
      },
      ctx.now,
    );
    await writeActorAudit(
      tx,
      ctx,
      'account.email_change_requested',
      { type: 'user', id: person.id },
      { before: { email: person.email }, after: { newEmail, expiresAt: expiresAt.toISOString() } },
    );
    return ok({ newEmail, expiresAt });
  });
}

export type EmailChangeView =
  | { state: 'usable'; person: Pick<UserProfile, 'displayName' | 'email'>; newEmail: string; expiresAt: Date }
  | { state: 'unknown' }
  | { state: 'used' | 'revoked' | 'expired'; message: string };

/** What the confirm page shows for the token in its cookie (the token is the visitor's only credential). */
export async function viewEmailChange(db: Executor, token: string | undefined, now: Date): Promise<EmailChangeView> {
  const found = token ? await findLink(db, 'email-change', token, now) : undefined;
  if (!found || !found.link.newEmail) return { state: 'unknown' };
  const person = await getPerson(db, found.link.userId);
  const state = person?.active ? found.state : 'revoked';
  if (state !== 'usable' || !person) {
    const dead = state === 'usable' ? 'revoked' : state;
    return { state: dead, message: deadLinkMessage('email-change', dead) };
  }
  return {
    state: 'usable',
    person: { displayName: person.displayName, email: person.email },
    newEmail: found.link.newEmail,
    expiresAt: found.link.expiresAt,
  };
}

export type EmailChanged = { person: UserProfile; before: string; after: string };

/**
 * Applies a confirmed change: marks the link used (one conditional UPDATE, so
 * a second click or tab finds it used), refuses an address someone else took
 * meanwhile, sets the address and audits it, in one transaction. Sessions stay:
 * the same person signs in, only with another address.
 */
export async function confirmEmailChange(db: Db, token: string | undefined, meta: RequestMeta): Promise<Outcome<EmailChanged>> {
  const found = token ? await findLink(db, 'email-change', token, meta.now) : undefined;
  if (!found || !found.link.newEmail) return notFound();
  const newEmail = found.link.newEmail;
  return db.transaction(async (tx): Promise<Outcome<EmailChanged>> => {
    const person = await getPerson(tx, found.link.userId);
    if (!person?.active) return invalid({}, deadLinkMessage('email-change', 'revoked'), 409);
    if (await emailTaken(tx, newEmail, person.id)) return invalid({}, EMAIL_TAKEN, 409);
    if (!(await useLink(tx, found.link.id, meta.now))) {
      const again = await findLink(tx, 'email-change', token!, meta.now);
      const state = again && again.state !== 'usable' ? again.state : 'used';
      return invalid({}, deadLinkMessage('email-change', state), 409);
    }
    const [updated] = await tx.update(users).set({ email: newEmail, updatedAt: meta.now }).where(eq(users.id, person.id)).returning();
    await writeActorAudit(
      tx,
      { actor: person, ip: meta.ip, now: meta.now },
      'account.email_changed',
      { type: 'user', id: person.id },
      { before: { email: person.email }, after: { email: newEmail } },
    );
    const { passwordHash: _omit, ...profile } = updated!;
    return ok({ person: profile, before: person.email, after: newEmail });
  });
}
