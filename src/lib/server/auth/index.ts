// Sign-in, sign-out and password changes: the flows that combine throttling,
// password checks, sessions and the audit log.
import type { RequestMeta } from '#server/request/context.ts';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { writeActorAudit, writeAudit, type AuditAction, type AuditEvent } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { organisations, users, type OrganisationSettings, type Session } from '#server/db/schema.ts';
import { passwordSignInAllowed } from '#domain/company-sign-in.ts';
import { env } from '#server/env.ts';
import { requiredText, type FormValues } from '#domain/fields.ts';
import { hashPassword, needsRehash, PASSWORD_MAX, passwordSchema, verifyDummyPassword, verifyPassword } from './password.ts';
import { issueDeviceCookie, knownDevice } from './device.ts';
import { createDatabaseLoginThrottle, type LoginThrottle } from './rate-limit.ts';
import { createSession, invalidateSession, invalidateUserSessions, type SessionOptions, type UserProfile } from './session.ts';
import { normaliseEmail } from '#domain/fields.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { revokeFeedTokensOf } from '#server/certifications/index.ts';
import { fieldErrors, invalid, ok, throttled, type Outcome } from '#server/outcome.ts';

/** The one message for every failed sign-in: it must not say which part was wrong or whether the account exists. */
export const SIGN_IN_FAILED = 'That email and password do not match an active account.';

const signInSchema = z.object({
  email: requiredText(254, 'Enter your email address.'),
  // No minimum here: the length rule applies when a password is set, not when one is tried.
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, { error: 'Enter your password.' })
    .max(PASSWORD_MAX, { error: `Use at most ${PASSWORD_MAX} characters.` }),
});

/** What a password sign-in says when the organisation requires company sign-in. */
export const companySignInRequired = (providerName: string) =>
  `Your organisation signs in with ${providerName}. Use the “Sign in with ${providerName}” button.`;

async function organisationSettingsOf(db: Executor, orgId: number): Promise<OrganisationSettings> {
  const [row] = await db.select({ settings: organisations.settings }).from(organisations).where(eq(organisations.id, orgId)).limit(1);
  return row?.settings ?? {};
}

/** The audit row of something a person did to their own account: they are both the actor and the target. */
const auditOwnAccount = (
  db: Executor,
  user: Pick<UserProfile, 'id' | 'orgId'>,
  meta: RequestMeta,
  action: AuditAction,
  change?: Pick<AuditEvent, 'after'>,
) => writeActorAudit(db, { actor: user, ...meta }, action, { type: 'user', id: user.id }, change);

/** `deviceCookie`: the device cookie to give this browser now (device.ts). */
export type SignedIn = { token: string; session: Session; user: UserProfile; deviceCookie: string };

/** What a sign-in or password change needs besides the form: `deviceCookie` is the browser's device cookie, if it sent one. */
export type AuthOptions = { throttle?: LoginThrottle; session?: SessionOptions; deviceCookie?: string | null };

/** "Wait 40 seconds" or "Wait 3 minutes". */
const waitFor = (seconds: number) => (seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`);

export async function signIn(db: Db, form: FormValues, meta: RequestMeta, options: AuthOptions = {}): Promise<Outcome<SignedIn>> {
  const parsed = signInSchema.safeParse(form);
  // The field errors say it all: no message above the form.
  if (!parsed.success) return invalid(fieldErrors(parsed.error), '');
  const email = normaliseEmail(parsed.data.email);
  const { password } = parsed.data;

  // Throttle before hashing: every verification holds 19 MiB and ~20 ms of CPU.
  // A browser that signed in to this account before spends its own allowance, not the account's.
  const throttle = options.throttle ?? createDatabaseLoginThrottle(db);
  const device = knownDevice(options.deviceCookie, email);
  const decision = await throttle.attempt(meta.ip ?? 'unknown', email, device);
  if (!decision.allowed) {
    const wait = decision.retryAfterSeconds;
    return throttled(wait, `Too many sign-in attempts. Wait ${waitFor(wait)}, then try again.`);
  }

  const user = await findUserByEmail(db, email);
  const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyDummyPassword(password);

  if (!user || !passwordOk || !user.active) {
    await writeAudit(db, {
      orgId: user?.orgId ?? null,
      actorUserId: null,
      action: 'auth.sign_in_failed',
      target: user ? { type: 'user', id: user.id } : undefined,
      after: { email, reason: !user ? 'unknown email' : !passwordOk ? 'wrong password' : 'inactive account' },
      ip: meta.ip,
      at: meta.now,
    });
    return invalid({}, SIGN_IN_FAILED);
  }

  const companySignIn = env().companySignIn;
  if (companySignIn && !passwordSignInAllowed(await organisationSettingsOf(db, user.orgId), user.role, true)) {
    // The password was right, so saying why reveals nothing a guesser did not already have.
    await writeAudit(db, {
      orgId: user.orgId,
      actorUserId: null,
      action: 'auth.sign_in_failed',
      target: { type: 'user', id: user.id },
      after: { email, reason: 'company sign-in required' },
      ip: meta.ip,
      at: meta.now,
    });
    return invalid({}, companySignInRequired(companySignIn.name));
  }

  await throttle.succeeded(email, device);
  // Upgrade hashes made with older parameters while the plain password is at hand.
  const rehashed = needsRehash(user.passwordHash) ? await hashPassword(password) : null;

  const { token, session } = await db.transaction(async (tx) => {
    if (rehashed) await tx.update(users).set({ passwordHash: rehashed }).where(eq(users.id, user.id));
    return startSignedInSession(tx, user, meta, options.session);
  });
  const { passwordHash: _omit, ...safeUser } = user;
  return ok({ token, session, user: safeUser, deviceCookie: issueDeviceCookie(email) });
}

/**
 * The one way a sign-in ends well, whichever way the person proved who they
 * are: a new session (never a reused id) and its audit row, in the caller's
 * transaction. `method` is recorded for company sign-in (password is the default).
 */
export async function startSignedInSession(
  tx: Executor,
  user: Pick<UserProfile, 'id' | 'orgId'>,
  meta: RequestMeta,
  session?: SessionOptions,
  method?: 'company',
): Promise<{ token: string; session: Session }> {
  const created = await createSession(tx, user.id, { ...session, now: session?.now ?? (() => meta.now) });
  await auditOwnAccount(tx, user, meta, 'auth.sign_in', method ? { after: { method } } : undefined);
  return created;
}

export async function signOut(db: Db, session: Session, user: UserProfile, meta: RequestMeta): Promise<void> {
  await db.transaction(async (tx) => {
    await invalidateSession(tx, session.id);
    await auditOwnAccount(tx, user, meta, 'auth.sign_out');
  });
}

export async function signOutEverywhere(db: Db, user: UserProfile, meta: RequestMeta): Promise<number> {
  return db.transaction(async (tx) => {
    const ended = await invalidateUserSessions(tx, user.id);
    await revokeFeedTokensOf(tx, { actor: user, ...meta }, user.id);
    await auditOwnAccount(tx, user, meta, 'auth.sign_out_everywhere', { after: { endedSessions: ended } });
    return ended;
  });
}

const changePasswordSchema = z
  .object({
    currentPassword: z.string({ error: 'Enter your current password.' }).min(1, { error: 'Enter your current password.' }),
    newPassword: passwordSchema,
    confirmPassword: z.string().optional().default(''),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    error: 'The two new passwords differ.',
    path: ['confirmPassword'],
  });

/**
 * Changes the signed-in user's own password, ends all of their sessions
 * (including stolen ones) and starts a fresh session for this browser.
 * The current password is required so a borrowed unlocked screen is not enough.
 */
export async function changeOwnPassword(
  db: Db,
  user: UserProfile,
  form: FormValues,
  meta: RequestMeta,
  options: AuthOptions = {},
): Promise<Outcome<{ token: string; session: Session }>> {
  const parsed = changePasswordSchema.safeParse(form);
  if (!parsed.success) return invalid(fieldErrors(parsed.error));
  // Guessing the current password here is as good as guessing at /login: same throttle.
  // The owner's own browser keeps its allowance while someone else spends the account's.
  const throttle = options.throttle ?? createDatabaseLoginThrottle(db);
  const account = normaliseEmail(user.email);
  const device = knownDevice(options.deviceCookie, account);
  const decision = await throttle.attempt(meta.ip ?? 'unknown', account, device);
  if (!decision.allowed) return throttled(decision.retryAfterSeconds);

  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).limit(1);
  if (!row || !(await verifyPassword(row.passwordHash, parsed.data.currentPassword))) {
    return invalid({ currentPassword: 'That is not your current password.' });
  }
  if (parsed.data.newPassword === parsed.data.currentPassword) {
    return invalid({ newPassword: 'Choose a password different from the current one.' });
  }
  const passwordHash = await hashPassword(parsed.data.newPassword);
  const sessionOptions = { ...options.session, now: options.session?.now ?? (() => meta.now) };
  const created = await db.transaction(async (tx) => {
    // Choosing one's own password is what a forced change (must_change_password) waits for.
    await tx.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: meta.now }).where(eq(users.id, user.id));
    const ended = await invalidateUserSessions(tx, user.id);
    await revokeFeedTokensOf(tx, { actor: user, ...meta }, user.id);
    await auditOwnAccount(tx, user, meta, 'auth.password_changed', { after: { endedSessions: ended } });
    return createSession(tx, user.id, sessionOptions);
  });
  await throttle.succeeded(account, device);
  return ok(created);
}
