// Account links, the public face: "forgot password", reset and invitation
// links, and what admins do with them (resend, revoke, start a reset). A link
// and its message are written in one transaction (the outbox, decision 022),
// so a rolled-back change sends nothing and a committed one cannot lose its
// message. Decision 023 says why links, not handed-out passwords.
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import {
  deadLinkMessage,
  invitationMessage,
  invitationStatus,
  LINK_PATHS,
  linkLifetimeMs,
  passwordResetMessage,
  type InvitationStatus,
  type LinkState,
} from '#domain/account-messages.ts';
import { canAdministerOrganisation, type Actor } from '#domain/access.ts';
import { organisationTimeZone } from '#domain/calendar.ts';
import { emailAddress, parseId, type FormValues } from '#domain/fields.ts';
import type { AccountTokenPurpose } from '#domain/messages.ts';
import { auditedBy, auditRow, writeActorAudit, writeAudit, type AuditAction } from '#server/audit/index.ts';
import { hashPassword, passwordSchema } from '#server/auth/password.ts';
import { createDatabaseResetThrottle, type ResetThrottle } from '#server/auth/rate-limit.ts';
import { createSession, invalidateUserSessions, type SessionOptions, type UserProfile } from '#server/auth/session.ts';
import { revokeFeedTokensOf } from '#server/certifications/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { inJson, insertRowsFromJson } from '#server/db/json-rows.ts';
import { accountTokens, auditLog, organisations, users, type Session } from '#server/db/schema.ts';
import { env } from '#server/env.ts';
import { enqueueMessage, enqueueMessages, publicLink } from '#server/outbox/index.ts';
import { fieldErrors, forbidden, invalid, notFound, ok, throttled, type Outcome } from '#server/outcome.ts';
import type { ActionContext, RequestMeta } from '#server/request/context.ts';
import { findUserByEmail, getPerson, withoutHash } from '#server/people/queries.ts';
import { findLink, hashLinkToken, issueLink, latestInvitation, newLinkToken, revokeLiveLinks, useLink } from './tokens.ts';

export { hashLinkToken } from './tokens.ts';

/** Voids every unused link of a person (on deactivation): a reactivated person gets a new one if they need it. */
export const revokeAccountLinksOf = (tx: Executor, userId: number, now: Date) => revokeLiveLinks(tx, userId, now);

/** Whether messages leave the outbox for a mail server; without one, admins read them at /app/admin/outbox/. */
export const mailIsDelivered = () => env().SMTP_URL !== undefined;

/** Who acted, from where and when: an admin, or the person themselves through a link. */
type AuditContext = Parameters<typeof writeActorAudit>[1];

type Recipient = Pick<UserProfile, 'id' | 'orgId' | 'email' | 'displayName'>;

async function organisationOf(db: Executor, orgId: number) {
  const [org] = await db.select().from(organisations).where(eq(organisations.id, orgId)).limit(1);
  return { name: org?.name ?? 'your organisation', timeZone: organisationTimeZone(org?.settings.timeZone) };
}

/** The full link in a message: PUBLIC_URL, the landing path, the token (which the landing page moves into a cookie). */
const linkUrl = (purpose: AccountTokenPurpose, token: string) => publicLink(`${LINK_PATHS[purpose]}${token}`);

/** Issues a reset link for the person and enqueues its message, in the caller's transaction. */
async function issueReset(tx: Executor, person: Recipient, createdBy: number | null, now: Date) {
  const link = await issueLink(tx, { userId: person.id, purpose: 'password-reset', createdBy, now });
  const org = await organisationOf(tx, person.orgId);
  const message = passwordResetMessage({
    recipientName: person.displayName,
    organisationName: org.name,
    url: linkUrl('password-reset', link.token),
    expiresAt: link.expiresAt,
    timeZone: org.timeZone,
    requestedByAdmin: createdBy !== null,
  });
  await enqueueMessage(
    tx,
    { orgId: person.orgId, kind: 'password-reset', recipient: person, ...message, idempotencyKey: `password-reset:${link.id}` },
    now,
  );
  return link;
}

/**
 * Invites a person who was just added (one by one or in bulk): a single-use
 * link valid for 7 days, its message in the outbox, an audit row; an earlier
 * invitation of theirs stops working. Call it inside the transaction that
 * creates the person, so an invitation exists exactly when the person does.
 */
export async function invitePerson(tx: Executor, ctx: ActionContext, person: Recipient, options: { resent?: boolean } = {}) {
  const link = await issueLink(tx, { userId: person.id, purpose: 'invitation', createdBy: ctx.actor.id, now: ctx.now });
  const org = await organisationOf(tx, person.orgId);
  const [inviter] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, ctx.actor.id)).limit(1);
  const message = invitationMessage({
    recipientName: person.displayName,
    inviterName: inviter?.name ?? 'An admin',
    organisationName: org.name,
    url: linkUrl('invitation', link.token),
    expiresAt: link.expiresAt,
    timeZone: org.timeZone,
  });
  await enqueueMessage(
    tx,
    { orgId: person.orgId, kind: 'invitation', recipient: person, ...message, idempotencyKey: `invitation:${link.id}` },
    ctx.now,
  );
  await writeActorAudit(
    tx,
    ctx,
    'account.invitation_sent',
    { type: 'user', id: person.id },
    { after: { expiresAt: link.expiresAt.toISOString(), resent: options.resent ?? false } },
  );
  return { id: link.id, expiresAt: link.expiresAt };
}

/** People per slice of a batched invitation; each slice's rows travel as one JSON parameter per table (json-rows.ts). */
const INVITE_SLICE = 1_000;

/**
 * invitePerson for many people in one go (the people import): the same
 * links, messages and audit rows, written as multi-row INSERTs a slice at a
 * time instead of several statements per person. In the caller's transaction.
 */
export async function invitePeople(tx: Executor, ctx: ActionContext, people: Recipient[]): Promise<{ id: number; expiresAt: Date }[]> {
  const invited: { id: number; expiresAt: Date }[] = [];
  if (people.length === 0) return invited;
  const [inviter] = await tx.select({ name: users.displayName }).from(users).where(eq(users.id, ctx.actor.id)).limit(1);
  const orgs = new Map<number, Awaited<ReturnType<typeof organisationOf>>>();
  for (const orgId of new Set(people.map((p) => p.orgId))) orgs.set(orgId, await organisationOf(tx, orgId));
  const expiresAt = new Date(ctx.now.getTime() + linkLifetimeMs('invitation'));
  for (let i = 0; i < people.length; i += INVITE_SLICE) {
    const slice = people.slice(i, i + INVITE_SLICE);
    await tx
      .update(accountTokens)
      .set({ revokedAt: ctx.now })
      .where(
        and(
          inJson(
            accountTokens.userId,
            slice.map((p) => p.id),
          ),
          eq(accountTokens.purpose, 'invitation'),
          isNull(accountTokens.usedAt),
          isNull(accountTokens.revokedAt),
        ),
      );
    const tokens = slice.map(() => newLinkToken());
    const rows = await insertRowsFromJson<typeof accountTokens, { id: number; token_hash: string }>(
      tx,
      accountTokens,
      slice.map((p, j) => ({
        userId: p.id,
        purpose: 'invitation' as const,
        tokenHash: hashLinkToken(tokens[j]!),
        createdBy: ctx.actor.id,
        createdAt: ctx.now,
        expiresAt,
      })),
      { returning: ['id', 'token_hash'] },
    );
    // RETURNING order is not promised by SQLite: match each row to its person by the token's hash.
    const idOf = new Map(rows.map((r) => [r.token_hash, r.id]));
    const links = slice.map((_, j) => ({ id: idOf.get(hashLinkToken(tokens[j]!))!, token: tokens[j]!, expiresAt }));
    await enqueueMessages(
      tx,
      slice.map((person, j) => {
        const org = orgs.get(person.orgId)!;
        const message = invitationMessage({
          recipientName: person.displayName,
          inviterName: inviter?.name ?? 'An admin',
          organisationName: org.name,
          url: linkUrl('invitation', links[j]!.token),
          expiresAt,
          timeZone: org.timeZone,
        });
        return {
          orgId: person.orgId,
          kind: 'invitation' as const,
          recipient: person,
          ...message,
          idempotencyKey: `invitation:${links[j]!.id}`,
        };
      }),
      ctx.now,
    );
    await insertRowsFromJson(
      tx,
      auditLog,
      slice.map((person) =>
        auditRow({
          ...auditedBy(ctx),
          action: 'account.invitation_sent',
          target: { type: 'user', id: person.id },
          after: { expiresAt: expiresAt.toISOString(), resent: false },
        }),
      ),
    );
    invited.push(...links.map((l) => ({ id: l.id, expiresAt: l.expiresAt })));
  }
  return invited;
}

// --- forgot password -------------------------------------------------------------------

/** The one answer to every well-formed request, whether or not the address has an account. */
export const RESET_REQUESTED =
  'If that address belongs to an active account, a reset link is on its way. It works once, for one hour. Check your inbox and spam folder.';

/** Every request takes at least this long, so the time an answer takes does not say whether the account exists. */
export const RESET_REQUEST_MIN_MS = 400;

const forgotSchema = z.object({ email: emailAddress });

export type ResetRequestOptions = { throttle?: ResetThrottle; minDurationMs?: number };

export async function requestPasswordReset(
  db: Db,
  form: FormValues,
  meta: RequestMeta,
  options: ResetRequestOptions = {},
): Promise<Outcome<null>> {
  const started = performance.now();
  const parsed = forgotSchema.safeParse(form);
  if (!parsed.success) return invalid(fieldErrors(parsed.error), '');
  const email = parsed.data.email;
  const throttle = options.throttle ?? createDatabaseResetThrottle(db);
  const decision = await throttle.attempt(meta.ip ?? 'unknown', email);
  if (!decision.allowed) {
    return throttled(
      decision.retryAfterSeconds,
      'Too many reset requests. Wait a while, then ask again, or check the messages already sent.',
    );
  }
  const user = await findUserByEmail(db, email);
  if (user?.active) {
    await db.transaction(async (tx) => {
      const link = await issueReset(tx, user, null, meta.now);
      await writeAudit(tx, {
        orgId: user.orgId,
        actorUserId: null,
        action: 'account.reset_requested',
        target: { type: 'user', id: user.id },
        after: { expiresAt: link.expiresAt.toISOString() },
        ip: meta.ip,
        at: meta.now,
      });
    });
  }
  const wait = (options.minDurationMs ?? RESET_REQUEST_MIN_MS) - (performance.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return ok(null);
}

// --- following a link ----------------------------------------------------------------------

export type LinkView =
  | { state: 'usable'; person: Pick<UserProfile, 'displayName' | 'email'>; expiresAt: Date }
  | { state: 'unknown' }
  | { state: Exclude<LinkState, 'usable'>; message: string };

/**
 * What a reset or invitation page shows for the token in its cookie. Not an
 * Outcome: the visitor is not signed in, and the token is their only
 * credential; a link of a deactivated person counts as withdrawn.
 */
export async function viewLink(db: Executor, purpose: AccountTokenPurpose, token: string | undefined, now: Date): Promise<LinkView> {
  const found = token ? await findLink(db, purpose, token, now) : undefined;
  if (!found) return { state: 'unknown' };
  const person = await getPerson(db, found.link.userId);
  const state = person?.active ? found.state : 'revoked';
  if (state !== 'usable' || !person) {
    const dead = state === 'usable' ? 'revoked' : state;
    return { state: dead, message: deadLinkMessage(purpose, dead) };
  }
  return { state: 'usable', person: { displayName: person.displayName, email: person.email }, expiresAt: found.link.expiresAt };
}

const newPasswordSchema = z
  .object({ newPassword: passwordSchema, confirmPassword: z.string().optional().default('') })
  .refine((v) => v.newPassword === v.confirmPassword, { error: 'The two passwords differ.', path: ['confirmPassword'] });

export type LinkCompleted = { person: UserProfile; token: string; session: Session } | { person: UserProfile; token: null; session: null };

const COMPLETED_ACTION: Record<AccountTokenPurpose, AuditAction> = {
  'password-reset': 'account.password_reset',
  invitation: 'account.invitation_accepted',
  // Never through completeLink (an email-change link sets no password): confirmEmailChange audits its own.
  'email-change': 'account.email_changed',
};

/**
 * Sets the password chosen through a link, marks the link used, ends every
 * session and calendar feed address of the person (whoever had the old
 * password may have had those too), voids their other links and, when
 * `signIn` is set, starts a session for this browser. All in one transaction.
 */
export async function completeLink(
  db: Db,
  purpose: AccountTokenPurpose,
  token: string | undefined,
  form: FormValues,
  meta: RequestMeta,
  options: { signIn: boolean; session?: SessionOptions },
): Promise<Outcome<LinkCompleted>> {
  const parsed = newPasswordSchema.safeParse(form);
  if (!parsed.success) return invalid(fieldErrors(parsed.error));
  const found = token ? await findLink(db, purpose, token, meta.now) : undefined;
  if (!found) return notFound();
  const passwordHash = await hashPassword(parsed.data.newPassword);
  const gone = () => invalid({}, deadLinkMessage(purpose, 'used'), 409);
  return db.transaction(async (tx): Promise<Outcome<LinkCompleted>> => {
    const person = await getPerson(tx, found.link.userId);
    if (!person?.active) return invalid({}, deadLinkMessage(purpose, 'revoked'), 409);
    if (!(await useLink(tx, found.link.id, meta.now))) {
      const again = await findLink(tx, purpose, token!, meta.now);
      return again && again.state !== 'usable' && again.state !== 'used' ? invalid({}, deadLinkMessage(purpose, again.state), 409) : gone();
    }
    const [updated] = await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, updatedAt: meta.now })
      .where(eq(users.id, person.id))
      .returning();
    const ctx: AuditContext = { actor: person, ip: meta.ip, now: meta.now };
    const endedSessions = await invalidateUserSessions(tx, person.id);
    await revokeFeedTokensOf(tx, ctx, person.id);
    await revokeLiveLinks(tx, person.id, meta.now);
    await writeActorAudit(tx, ctx, COMPLETED_ACTION[purpose], { type: 'user', id: person.id }, { after: { endedSessions } });
    const profile = withoutHash(updated!);
    if (!options.signIn) return ok({ person: profile, token: null, session: null });
    const sessionOptions = { ...options.session, now: options.session?.now ?? (() => meta.now) };
    const created = await createSession(tx, person.id, sessionOptions);
    await writeActorAudit(tx, ctx, 'auth.sign_in', { type: 'user', id: person.id }, { after: { through: purpose } });
    return ok({ person: profile, ...created });
  });
}

// --- what admins do -----------------------------------------------------------------------

/** The person behind an id, when the actor may manage their account links (admins, inside their organisation). */
async function managedPerson(db: Executor, actor: Actor, rawId: string | undefined): Promise<Outcome<UserProfile>> {
  const id = parseId(rawId);
  const person = id === null ? undefined : await getPerson(db, id);
  if (!person || person.orgId !== actor.orgId) return notFound();
  if (!canAdministerOrganisation(actor)) return forbidden();
  if (!person.active) return invalid({}, 'Reactivate the account first: a deactivated person cannot sign in.', 409);
  return ok(person);
}

/** A new invitation (7 days) for someone who has not accepted one; the earlier link stops working. */
export async function resendInvitation(db: Db, ctx: ActionContext, rawId: string | undefined): Promise<Outcome<{ expiresAt: Date }>> {
  return db.transaction(async (tx) => {
    const found = await managedPerson(tx, ctx.actor, rawId);
    if (!found.ok) return found;
    const latest = await latestInvitation(tx, found.value.id);
    if (latest && latest.usedAt) return invalid({}, 'They already accepted their invitation. Send a password reset link instead.', 409);
    const sent = await invitePerson(tx, ctx, found.value, { resent: latest !== undefined });
    return ok({ expiresAt: sent.expiresAt });
  });
}

/** Withdraws a pending invitation: the link stops working at once. */
export async function revokeInvitation(db: Db, ctx: ActionContext, rawId: string | undefined): Promise<Outcome<{ revoked: number }>> {
  return db.transaction(async (tx) => {
    const found = await managedPerson(tx, ctx.actor, rawId);
    if (!found.ok) return found;
    const revoked = await revokeLiveLinks(tx, found.value.id, ctx.now, 'invitation');
    if (revoked === 0) return invalid({}, 'There is no pending invitation to withdraw.', 409);
    await writeActorAudit(tx, ctx, 'account.invitation_revoked', { type: 'user', id: found.value.id }, { after: { revoked } });
    return ok({ revoked });
  });
}

/** An admin sends someone a reset link (1 hour); their password keeps working until they use it. */
export async function startPasswordReset(db: Db, ctx: ActionContext, rawId: string | undefined): Promise<Outcome<{ expiresAt: Date }>> {
  return db.transaction(async (tx) => {
    const found = await managedPerson(tx, ctx.actor, rawId);
    if (!found.ok) return found;
    const link = await issueReset(tx, found.value, ctx.actor.id, ctx.now);
    await writeActorAudit(
      tx,
      ctx,
      'account.reset_started',
      { type: 'user', id: found.value.id },
      { after: { expiresAt: link.expiresAt.toISOString() } },
    );
    return ok({ expiresAt: link.expiresAt });
  });
}

export type AccountAccess = { invitation: InvitationStatus | null; invitationExpiresAt: Date | null };

/** A person's invitation as admins see it on their page: none, pending, expired, withdrawn or accepted. */
export async function accountAccessOf(db: Executor, personId: number, now: Date): Promise<AccountAccess> {
  const latest = await latestInvitation(db, personId);
  return latest
    ? { invitation: invitationStatus(latest, now), invitationExpiresAt: latest.expiresAt }
    : { invitation: null, invitationExpiresAt: null };
}

export type OpenInvitation = { person: UserProfile; status: Exclude<InvitationStatus, 'accepted'>; expiresAt: Date };

/** The people of the organisation who never accepted their invitation, newest invitation first. */
export async function openInvitations(db: Executor, actor: Actor, now: Date): Promise<OpenInvitation[]> {
  if (!canAdministerOrganisation(actor)) return [];
  const rows = await db
    .select({ link: accountTokens, person: users })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(eq(users.orgId, actor.orgId), eq(users.active, true)));
  const all = rows.map((r) => ({ ...r.link, person: r.person }));
  // Someone who chose a password through any link (a reset asked for before accepting, say) is in.
  const accepted = new Set(all.filter((l) => l.usedAt).map((l) => l.userId));
  const links = all.filter((l) => l.purpose === 'invitation');
  const newest = new Map<number, (typeof links)[number]>();
  for (const l of links) if ((newest.get(l.userId)?.id ?? 0) < l.id) newest.set(l.userId, l);
  const out: OpenInvitation[] = [];
  for (const [userId, link] of newest) {
    if (accepted.has(userId)) continue;
    const status = invitationStatus(link, now);
    if (status !== 'accepted') out.push({ person: withoutHash(link.person), status, expiresAt: link.expiresAt });
  }
  return out.sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
}

export { forgetLinkToken, landOnLink, readLinkToken } from './link-cookie.ts';
export { linkPage, type LinkPage, type LinkPageAction } from './link-page.ts';
export {
  confirmEmailChange,
  EMAIL_TAKEN,
  requestEmailChange,
  viewEmailChange,
  type EmailChanged,
  type EmailChangeRequested,
  type EmailChangeView,
} from './email-change.ts';
export { emailChangePage, type EmailChangePage } from './email-change-page.ts';
