// Sessions, following Lucia's current design (lucia-auth.com, "Sessions"),
// implemented here because the lucia v3 package is deprecated and stored raw
// session ids. The token the browser holds is `<id>.<secret>`:
// - id: 120 random bits, the row's primary key (safe to store: knowing it alone
//   grants nothing);
// - secret: 120 random bits, of which only SHA-256 is stored and compared in
//   constant time, so a leaked database or backup holds no usable session.
// A session ends after SESSION_INACTIVITY_HOURS without use or
// SESSION_ABSOLUTE_DAYS after sign-in, whichever comes first.
import { and, eq, gt, lte, or } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { AstroCookies } from 'astro';
import type { Executor } from '#server/db/client.ts';
import { organisationTimeZone } from '#domain/calendar.ts';
import { organisations, sessions, users, type Session, type User } from '#server/db/schema.ts';
import { env } from '#server/env.ts';

export type Clock = () => Date;

export type SessionPolicy = {
  inactivityMs: number;
  absoluteMs: number;
  /** last_verified_at is written at most this often, so most requests do not write. */
  touchIntervalMs: number;
};

export type SessionOptions = { now?: Clock; policy?: SessionPolicy };

const HOUR = 60 * 60 * 1000;

export function policyFromEnv(): SessionPolicy {
  const config = env();
  return {
    inactivityMs: config.SESSION_INACTIVITY_HOURS * HOUR,
    absoluteMs: config.SESSION_ABSOLUTE_DAYS * 24 * HOUR,
    touchIntervalMs: HOUR,
  };
}

const resolve = (options: SessionOptions = {}) => ({
  now: options.now ?? (() => new Date()),
  policy: options.policy ?? policyFromEnv(),
});

/** A person's account as pages see it: never the password hash. */
export type UserProfile = Omit<User, 'passwordHash'>;

/** The signed-in person, with their organisation's time zone (whose date is "today" for them). */
export type SignedInUser = UserProfile & { timeZone: string };

export type ValidSession = { session: Session; user: SignedInUser };

/** 15 random bytes = 120 bits, as 24 lower-case base32 characters. */
function randomPart(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
}

function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

const TOKEN_PART = /^[a-z2-7]{24}$/;

function parseToken(token: string): { id: string; secret: string } | null {
  const [id, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !id || !secret || !TOKEN_PART.test(id) || !TOKEN_PART.test(secret)) return null;
  return { id, secret };
}

/** Starts a new session (always a new one: a sign-in never reuses an id, which defeats session fixation). */
export async function createSession(db: Executor, userId: number, options?: SessionOptions): Promise<{ token: string; session: Session }> {
  const { now, policy } = resolve(options);
  const id = randomPart();
  const secret = randomPart();
  const at = now();
  const session: Session = {
    id,
    userId,
    secretHash: Buffer.from(hashSecret(secret)),
    createdAt: at,
    lastVerifiedAt: at,
    expiresAt: new Date(at.getTime() + policy.absoluteMs),
  };
  await db.insert(sessions).values(session);
  return { token: `${id}.${secret}`, session };
}

/** The session and its user, or null when the token is malformed, unknown, wrong, expired or the user is inactive. */
export async function validateSessionToken(db: Executor, token: string, options?: SessionOptions): Promise<ValidSession | null> {
  const { now, policy } = resolve(options);
  const parts = parseToken(token);
  if (!parts) return null;

  // One query: the session joined with its user and their organisation's settings.
  const [row] = await db
    .select({ session: sessions, user: users, settings: organisations.settings })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, users.orgId))
    .where(eq(sessions.id, parts.id))
    .limit(1);
  if (!row) return null;
  const { session, user, settings } = row;

  if (!constantTimeEqual(hashSecret(parts.secret), new Uint8Array(session.secretHash))) return null;

  const at = now().getTime();
  const idleFor = at - session.lastVerifiedAt.getTime();
  if (at >= session.expiresAt.getTime() || idleFor >= policy.inactivityMs || !user.active) {
    await db.delete(sessions).where(eq(sessions.id, session.id));
    return null;
  }

  if (idleFor >= policy.touchIntervalMs) {
    session.lastVerifiedAt = new Date(at);
    await db.update(sessions).set({ lastVerifiedAt: session.lastVerifiedAt }).where(eq(sessions.id, session.id));
  }

  const { passwordHash: _omit, ...profile } = user;
  return { session, user: { ...profile, timeZone: organisationTimeZone(settings.timeZone) } };
}

export async function invalidateSession(db: Executor, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user: on password change, deactivation, role change, "sign out everywhere". */
export async function invalidateUserSessions(db: Executor, userId: number): Promise<number> {
  const result = await db.delete(sessions).where(eq(sessions.userId, userId));
  return result.rowsAffected;
}

const liveCondition = (at: number, policy: SessionPolicy) =>
  and(gt(sessions.expiresAt, new Date(at)), gt(sessions.lastVerifiedAt, new Date(at - policy.inactivityMs)));
const deadCondition = (at: number, policy: SessionPolicy) =>
  or(lte(sessions.expiresAt, new Date(at)), lte(sessions.lastVerifiedAt, new Date(at - policy.inactivityMs)));

/** How many live sessions a user has (shown on the account page next to "sign out everywhere"). */
export async function countUserSessions(db: Executor, userId: number, options?: SessionOptions): Promise<number> {
  const { now, policy } = resolve(options);
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), liveCondition(now().getTime(), policy)));
  return rows.length;
}

/** Removes sessions that can no longer be used (run at start; validation also removes them lazily). */
export async function deleteExpiredSessions(db: Executor, options?: SessionOptions): Promise<number> {
  const { now, policy } = resolve(options);
  const result = await db.delete(sessions).where(deadCondition(now().getTime(), policy));
  return result.rowsAffected;
}

// --- cookie -----------------------------------------------------------------

/**
 * In production the `__Host-` prefix makes browsers refuse the cookie unless it
 * is Secure, Path=/ and has no Domain, so a sibling subdomain cannot plant one.
 * Plain HTTP on localhost cannot use it, hence the development name.
 */
export function sessionCookieName(production: boolean): string {
  return production ? '__Host-opspath_session' : 'opspath_session';
}

export function sessionCookieOptions(production: boolean, expiresAt?: Date) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    path: '/',
    secure: production,
    ...(expiresAt ? { expires: expiresAt } : {}),
  };
}

export function setSessionCookie(cookies: AstroCookies, production: boolean, token: string, expiresAt: Date) {
  cookies.set(sessionCookieName(production), token, sessionCookieOptions(production, expiresAt));
}

export function deleteSessionCookie(cookies: AstroCookies, production: boolean) {
  cookies.delete(sessionCookieName(production), sessionCookieOptions(production));
}
