import { deviceCookieName, deviceCookieOptions, issueDeviceCookie, knownDevice } from '#server/auth/device.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../support/context.ts';
import { eq, sql } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { sessions, users } from '#server/db/schema.ts';
import {
  countUserSessions,
  createSession,
  deleteExpiredSessions,
  invalidateSession,
  sessionCookieName,
  sessionCookieOptions,
  validateSessionToken,
} from '#server/auth/session.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { changeUserRole, setPersonActive } from '#server/people/index.ts';
import { changeOwnPassword } from '#server/auth/index.ts';
import { createTestDatabase, DAY, freshThrottle, HOUR, seedDemo, TEST_POLICY, testClock, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let memberId: number;
let adminId: number;

beforeAll(async () => {
  t = await createTestDatabase('sessions');
  await seedDemo(t.db);
  memberId = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!.id;
  adminId = (await findUserByEmail(t.db, 'admin@demo.opspath.test'))!.id;
});
afterAll(() => t.cleanup());

const opts = (clock: ReturnType<typeof testClock>) => ({ now: clock.now, policy: TEST_POLICY });

describe('session tokens', () => {
  it('are <id>.<secret>, each 24 base32 characters (120 bits), and only a SHA-256 of the secret is stored', async () => {
    const clock = testClock();
    const { token, session } = await createSession(t.db, memberId, opts(clock));
    const [id, secret] = token.split('.');
    expect(id).toMatch(/^[a-z2-7]{24}$/);
    expect(secret).toMatch(/^[a-z2-7]{24}$/);
    expect(session.id).toBe(id);

    const [row] = await t.db.select().from(sessions).where(eq(sessions.id, id!));
    expect(Buffer.from(row!.secretHash).equals(Buffer.from(sha256(new TextEncoder().encode(secret!))))).toBe(true);
    // The secret itself appears nowhere in the row.
    const raw = await t.db.all(sql`select * from sessions where id = ${id}`);
    expect(JSON.stringify(raw)).not.toContain(secret);
  });

  it('validates a good token and returns the user without the password hash', async () => {
    const clock = testClock();
    const { token } = await createSession(t.db, memberId, opts(clock));
    const valid = await validateSessionToken(t.db, token, opts(clock));
    expect(valid?.user.id).toBe(memberId);
    expect(valid?.user).not.toHaveProperty('passwordHash');
  });

  it('rejects a wrong secret without ending the real session (constant-time compare of hashes)', async () => {
    const clock = testClock();
    const { token } = await createSession(t.db, memberId, opts(clock));
    const [id, secret] = token.split('.') as [string, string];
    const tampered = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    expect(await validateSessionToken(t.db, tampered, opts(clock))).toBeNull();
    expect(await validateSessionToken(t.db, token, opts(clock))).not.toBeNull();
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abcdefghijklmnopqrstuvwx'],
    ['three parts', 'a.b.c'],
    ['unknown id', 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbb'],
    ['wrong alphabet', 'AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBB'],
  ])('rejects a malformed token (%s)', async (_name, token) => {
    expect(await validateSessionToken(t.db, token, opts(testClock()))).toBeNull();
  });

  it('starts a new session (new id) on every sign-in', async () => {
    const clock = testClock();
    const a = await createSession(t.db, memberId, opts(clock));
    const b = await createSession(t.db, memberId, opts(clock));
    expect(a.session.id).not.toBe(b.session.id);
  });
});

describe('session lifetime with an injected clock', () => {
  it('ends after the inactivity timeout and deletes the row', async () => {
    const clock = testClock();
    const { token, session } = await createSession(t.db, memberId, opts(clock));
    clock.advance(TEST_POLICY.inactivityMs - 1);
    expect(await validateSessionToken(t.db, token, opts(clock))).not.toBeNull();
    // That use refreshed last_verified_at; a full idle period after it ends the session.
    clock.advance(TEST_POLICY.inactivityMs);
    expect(await validateSessionToken(t.db, token, opts(clock))).toBeNull();
    expect(await t.db.select().from(sessions).where(eq(sessions.id, session.id))).toHaveLength(0);
  });

  it('writes last_verified_at at most hourly', async () => {
    const clock = testClock();
    const { token, session } = await createSession(t.db, memberId, opts(clock));
    const read = async () => (await t.db.select().from(sessions).where(eq(sessions.id, session.id)))[0]!.lastVerifiedAt.getTime();
    const created = clock.ms();
    clock.advance(59 * 60_000);
    await validateSessionToken(t.db, token, opts(clock));
    expect(await read()).toBe(created);
    clock.advance(2 * 60_000);
    await validateSessionToken(t.db, token, opts(clock));
    expect(await read()).toBe(clock.ms());
  });

  it('ends at the absolute lifetime even when used every hour', async () => {
    const clock = testClock();
    const { token } = await createSession(t.db, memberId, opts(clock));
    let alive = true;
    let elapsed = 0;
    while (alive && elapsed <= TEST_POLICY.absoluteMs + DAY) {
      clock.advance(12 * HOUR);
      elapsed += 12 * HOUR;
      alive = (await validateSessionToken(t.db, token, opts(clock))) !== null;
    }
    expect(alive).toBe(false);
    expect(elapsed).toBe(TEST_POLICY.absoluteMs);
  });

  it('deleteExpiredSessions removes only dead sessions; countUserSessions counts live ones', async () => {
    const clock = testClock(new Date('2027-01-01T00:00:00Z'));
    const other = (await findUserByEmail(t.db, 'ana.silva@demo.opspath.test'))!.id;
    await createSession(t.db, other, opts(clock));
    clock.advance(TEST_POLICY.inactivityMs + HOUR);
    await createSession(t.db, other, opts(clock));
    expect(await countUserSessions(t.db, other, opts(clock))).toBe(1);
    expect(await deleteExpiredSessions(t.db, opts(clock))).toBeGreaterThanOrEqual(1);
    const left = await t.db.select().from(sessions).where(eq(sessions.userId, other));
    expect(left).toHaveLength(1);
  });

  it('invalidateSession ends one session only', async () => {
    const clock = testClock();
    const a = await createSession(t.db, memberId, opts(clock));
    const b = await createSession(t.db, memberId, opts(clock));
    await invalidateSession(t.db, a.session.id);
    expect(await validateSessionToken(t.db, a.token, opts(clock))).toBeNull();
    expect(await validateSessionToken(t.db, b.token, opts(clock))).not.toBeNull();
  });
});

describe('all of a user’s sessions end', () => {
  const ctx = (now: Date) => testContext({ id: adminId, orgId: 1, role: 'admin' as const, active: true }, now, '203.0.113.9');

  it('on password change, and a fresh session starts for the browser that changed it', async () => {
    const clock = testClock(new Date());
    const user = (await findUserByEmail(t.db, 'priya.raman@demo.opspath.test'))!;
    const { passwordHash: _p, ...safe } = user;
    const first = await createSession(t.db, user.id, opts(clock));
    const second = await createSession(t.db, user.id, opts(clock));
    const result = await changeOwnPassword(
      t.db,
      safe,
      { currentPassword: 'opspath-demo', newPassword: 'a new passphrase', confirmPassword: 'a new passphrase' },
      { ip: null, now: clock.now() },
      { throttle: freshThrottle(), session: opts(clock) },
    );
    expect(result.ok).toBe(true);
    expect(await validateSessionToken(t.db, first.token, opts(clock))).toBeNull();
    expect(await validateSessionToken(t.db, second.token, opts(clock))).toBeNull();
    if (result.ok) expect(await validateSessionToken(t.db, result.value.token, opts(clock))).not.toBeNull();
  });

  it('on role change', async () => {
    const clock = testClock(new Date());
    const user = (await findUserByEmail(t.db, 'marcus.reid@demo.opspath.test'))!;
    const s = await createSession(t.db, user.id, opts(clock));
    const result = await changeUserRole(t.db, ctx(clock.now()), String(user.id), { role: 'manager' });
    expect(result.ok).toBe(true);
    expect(await validateSessionToken(t.db, s.token, opts(clock))).toBeNull();
  });

  it('on deactivation, and an inactive user’s leftover session is refused anyway', async () => {
    const clock = testClock(new Date());
    const user = (await findUserByEmail(t.db, 'jonas.weber@demo.opspath.test'))!;
    const s = await createSession(t.db, user.id, opts(clock));
    const result = await setPersonActive(t.db, ctx(clock.now()), String(user.id), false);
    expect(result.ok).toBe(true);
    expect(await validateSessionToken(t.db, s.token, opts(clock))).toBeNull();

    // Even a session row that somehow survived is refused while the user is inactive.
    const sneaky = await createSession(t.db, user.id, opts(clock));
    expect(await validateSessionToken(t.db, sneaky.token, opts(clock))).toBeNull();
    await t.db.update(users).set({ active: true }).where(eq(users.id, user.id));
  });
});

describe('device cookie', () => {
  it('uses the __Host- prefix and Secure in production only, and lasts a year', () => {
    expect(deviceCookieName(true)).toBe('__Host-opspath_device');
    expect(deviceCookieName(false)).toBe('opspath_device');
    const year = 365 * 24 * 60 * 60;
    expect(deviceCookieOptions(true)).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure: true, maxAge: year });
    expect(deviceCookieOptions(false)).toMatchObject({ secure: false, maxAge: year });
  });

  it('is known only for the account it was issued for, and only untampered', () => {
    const cookie = issueDeviceCookie('a@x.test');
    expect(knownDevice(cookie, 'a@x.test')).toBe(`a@x.test:${cookie.split('.')[1]}`);
    expect(knownDevice(cookie, 'b@x.test')).toBeNull();
    expect(
      knownDevice(
        cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        'a@x.test',
      ),
    ).toBeNull();
    expect(knownDevice(`${cookie}x`, 'a@x.test')).toBeNull();
    expect(knownDevice(null, 'a@x.test')).toBeNull();
    expect(issueDeviceCookie('a@x.test')).not.toBe(cookie);
  });
});

describe('session cookie', () => {
  it('uses the __Host- prefix and Secure in production only', () => {
    expect(sessionCookieName(true)).toBe('__Host-opspath_session');
    expect(sessionCookieName(false)).toBe('opspath_session');
    expect(sessionCookieOptions(true)).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure: true });
    expect(sessionCookieOptions(false)).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', secure: false });
    const expires = new Date('2026-12-01T00:00:00Z');
    expect(sessionCookieOptions(true, expires).expires).toBe(expires);
  });
});
