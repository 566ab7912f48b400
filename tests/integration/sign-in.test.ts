import { describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditLog, sessions, users } from '#server/db/schema.ts';
import { changeOwnPassword, signIn, signOut, signOutEverywhere, SIGN_IN_FAILED } from '#server/auth/index.ts';
import { validateSessionToken } from '#server/auth/session.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { demoDatabaseForFile, freshThrottle, TEST_POLICY } from '../support/db.ts';

const t = demoDatabaseForFile('signin');

const meta = { ip: '198.51.100.7', now: new Date() };
const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]!;

describe('signIn', () => {
  it('signs in with the right password, case-insensitively by email, and records it', async () => {
    const result = await signIn(t.db, { email: '  NewHire@Demo.OpsPath.test ', password: 'opspath-demo' }, meta, {
      throttle: freshThrottle(),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.user.email).toBe('newhire@demo.opspath.test');
    expect(result.value.user).not.toHaveProperty('passwordHash');
    expect(await validateSessionToken(t.db, result.value.token, { policy: TEST_POLICY })).not.toBeNull();
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: 'auth.sign_in', actorUserId: result.value.user.id, targetType: 'user', ip: meta.ip });
  });

  it.each([
    ['wrong password', 'newhire@demo.opspath.test', 'not-the-password', 'wrong password'],
    ['unknown email', 'nobody@demo.opspath.test', 'opspath-demo', 'unknown email'],
  ])('fails with the one generic message (%s) and audits it without an actor', async (_n, email, password, reason) => {
    const before = await t.db.select().from(sessions);
    const result = await signIn(t.db, { email, password }, meta, { throttle: freshThrottle() });
    expect(result).toEqual({ ok: false, status: 400, message: SIGN_IN_FAILED, fieldErrors: {} });
    expect(await t.db.select().from(sessions)).toHaveLength(before.length);
    const audit = await lastAudit();
    expect(audit).toMatchObject({ action: 'auth.sign_in_failed', actorUserId: null, ip: meta.ip });
    expect(audit.after).toMatchObject({ email, reason });
  });

  it('refuses a deactivated account with the same message, even with the right password', async () => {
    const user = (await findUserByEmail(t.db, 'elena.dumitru@demo.opspath.test'))!;
    await t.db.update(users).set({ active: false }).where(eq(users.id, user.id));
    const result = await signIn(t.db, { email: user.email, password: 'opspath-demo' }, meta, { throttle: freshThrottle() });
    expect(result).toEqual({ ok: false, status: 400, message: SIGN_IN_FAILED, fieldErrors: {} });
    await t.db.update(users).set({ active: true }).where(eq(users.id, user.id));
  });

  it('reports empty fields as field errors, before any password work', async () => {
    const result = await signIn(t.db, { email: '', password: '' }, meta, { throttle: freshThrottle() });
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { email: expect.any(String), password: expect.any(String) },
    });
  });

  it('throttles an account after five failures, even with the right password, and says when to retry', async () => {
    const throttle = freshThrottle();
    for (let i = 0; i < 5; i++) {
      const r = await signIn(
        t.db,
        { email: 'tom.becker@demo.opspath.test', password: `guess-${i}` },
        { ...meta, ip: `192.0.2.${i}` },
        { throttle },
      );
      expect(r).toMatchObject({ ok: false, status: 400, message: SIGN_IN_FAILED });
    }
    const blocked = await signIn(
      t.db,
      { email: 'tom.becker@demo.opspath.test', password: 'opspath-demo' },
      { ...meta, ip: '192.0.2.99' },
      { throttle },
    );
    expect(blocked).toMatchObject({
      ok: false,
      status: 429,
      message: expect.stringMatching(/^Too many sign-in attempts\. Wait \d+ (seconds|minutes), then try again\.$/),
    });
    if (!blocked.ok && blocked.status === 429) expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('device cookies keep the owner in (OWASP)', () => {
  const owner = 'tom.becker@demo.opspath.test';
  const other = 'newhire@demo.opspath.test';
  const from = (ip: string) => ({ ...meta, ip });

  it('an attacker who spends the account’s allowance stays throttled; the owner’s known browser signs in', async () => {
    const throttle = freshThrottle();
    // Earlier: the owner signs in on their own browser, which keeps the device cookie it is given.
    const before = await signIn(t.db, { email: owner, password: 'opspath-demo' }, from('203.0.113.1'), { throttle });
    if (!before.ok) throw new Error('expected the first sign-in to work');
    const ownDevice = before.value.deviceCookie;
    expect(ownDevice).toMatch(/^v1\.[a-z2-7]{24}\.[A-Za-z0-9_-]{43}$/);
    const otherSignIn = await signIn(t.db, { email: other, password: 'opspath-demo' }, from('203.0.113.2'), { throttle });
    if (!otherSignIn.ok) throw new Error('expected the other sign-in to work');

    // The attacker, from elsewhere and without a device cookie, guesses until refused.
    for (let i = 0; i < 5; i++) {
      expect(await signIn(t.db, { email: owner, password: `guess-${i}` }, from(`192.0.2.${i}`), { throttle })).toMatchObject({
        status: 400,
      });
    }
    const refused = await signIn(t.db, { email: owner, password: 'opspath-demo' }, from('192.0.2.50'), { throttle });
    expect(refused).toMatchObject({ ok: false, status: 429 });

    // The owner's browser: a typo costs its own allowance, then the right password works.
    expect(
      await signIn(t.db, { email: owner, password: 'typo' }, from('203.0.113.1'), { throttle, deviceCookie: ownDevice }),
    ).toMatchObject({ status: 400 });
    const back = await signIn(t.db, { email: owner, password: 'opspath-demo' }, from('203.0.113.1'), { throttle, deviceCookie: ownDevice });
    expect(back.ok).toBe(true);

    // Forged, tampered or another account's cookies count as no cookie: still 429, for the right password too.
    const [, nonce] = ownDevice.split('.');
    for (const deviceCookie of [
      otherSignIn.value.deviceCookie,
      `v1.${nonce}.${'A'.repeat(43)}`,
      `v1.${'a'.repeat(24)}.${ownDevice.split('.')[2]}`,
      'garbage',
    ]) {
      const r = await signIn(t.db, { email: owner, password: 'opspath-demo' }, from('192.0.2.60'), { throttle, deviceCookie });
      expect(r).toMatchObject({ ok: false, status: 429 });
      if (!r.ok && r.status === 429) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    }
    // The owner's success did not lift the attacker's throttle.
    expect(await signIn(t.db, { email: owner, password: 'guess-9' }, from('192.0.2.70'), { throttle })).toMatchObject({ status: 429 });
  });

  it('lets the owner change their password from their known browser while the account is throttled', async () => {
    const throttle = freshThrottle();
    const email = 'ioana.popescu@demo.opspath.test';
    const first = await signIn(t.db, { email, password: 'opspath-demo' }, from('203.0.113.3'), { throttle });
    if (!first.ok) throw new Error('expected ok');
    for (let i = 0; i < 6; i++) await signIn(t.db, { email, password: `guess-${i}` }, from(`192.0.2.${100 + i}`), { throttle });
    const user = first.value.user;
    const form = { currentPassword: 'opspath-demo', newPassword: 'a different passphrase', confirmPassword: 'a different passphrase' };
    expect(await changeOwnPassword(t.db, user, form, from('203.0.113.3'), { throttle })).toMatchObject({ status: 429 });
    const changed = await changeOwnPassword(t.db, user, form, from('203.0.113.3'), { throttle, deviceCookie: first.value.deviceCookie });
    expect(changed.ok).toBe(true);
  });
});

describe('signing out', () => {
  it('signOut ends this session; signOutEverywhere ends all, each audited', async () => {
    const throttle = freshThrottle();
    const a = await signIn(t.db, { email: 'manager@demo.opspath.test', password: 'opspath-demo' }, meta, { throttle });
    const b = await signIn(t.db, { email: 'manager@demo.opspath.test', password: 'opspath-demo' }, meta, { throttle });
    const c = await signIn(t.db, { email: 'manager@demo.opspath.test', password: 'opspath-demo' }, meta, { throttle });
    if (!a.ok || !b.ok || !c.ok) throw new Error('sign-in failed');
    await signOut(t.db, a.value.session, a.value.user, meta);
    expect(await validateSessionToken(t.db, a.value.token, { policy: TEST_POLICY })).toBeNull();
    expect(await validateSessionToken(t.db, b.value.token, { policy: TEST_POLICY })).not.toBeNull();
    expect((await lastAudit()).action).toBe('auth.sign_out');

    expect(await signOutEverywhere(t.db, b.value.user, meta)).toBe(2);
    expect(await validateSessionToken(t.db, b.value.token, { policy: TEST_POLICY })).toBeNull();
    expect(await validateSessionToken(t.db, c.value.token, { policy: TEST_POLICY })).toBeNull();
    expect(await lastAudit()).toMatchObject({ action: 'auth.sign_out_everywhere', after: { endedSessions: 2 } });
  });
});

describe('changeOwnPassword', () => {
  const form = (current: string, next: string, confirm = next) => ({
    currentPassword: current,
    newPassword: next,
    confirmPassword: confirm,
  });

  it('needs the current password and changes nothing without it', async () => {
    const user = (await findUserByEmail(t.db, 'samuel.okafor@demo.opspath.test'))!;
    const { passwordHash, ...safe } = user;
    const result = await changeOwnPassword(t.db, safe, form('wrong', 'another passphrase'), meta, { throttle: freshThrottle() });
    expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { currentPassword: expect.any(String) } });
    expect((await findUserByEmail(t.db, user.email))!.passwordHash).toBe(passwordHash);
  });

  it.each([
    ['too short', form('opspath-demo', 'short'), 'newPassword'],
    ['too long', form('opspath-demo', 'x'.repeat(257)), 'newPassword'],
    ['confirmation differs', form('opspath-demo', 'a fine passphrase', 'a different one'), 'confirmPassword'],
    ['same as before', form('opspath-demo', 'opspath-demo'), 'newPassword'],
  ])('rejects a new password that is %s', async (_n, values, field) => {
    const user = (await findUserByEmail(t.db, 'samuel.okafor@demo.opspath.test'))!;
    const { passwordHash: _p, ...safe } = user;
    const result = await changeOwnPassword(t.db, safe, values, meta, { throttle: freshThrottle() });
    expect(result).toMatchObject({ ok: false, status: 400 });
    if (!result.ok && 'fieldErrors' in result) expect(Object.keys(result.fieldErrors)).toContain(field);
  });

  it('accepts 8 and 256 characters, after which only the new password signs in', async () => {
    const user = (await findUserByEmail(t.db, 'samuel.okafor@demo.opspath.test'))!;
    const { passwordHash: _p, ...safe } = user;
    const throttle = freshThrottle();
    const eight = '12345678';
    expect((await changeOwnPassword(t.db, safe, form('opspath-demo', eight), meta, { throttle })).ok).toBe(true);
    const long = 'p'.repeat(256);
    expect((await changeOwnPassword(t.db, safe, form(eight, long), meta, { throttle })).ok).toBe(true);
    expect(await signIn(t.db, { email: user.email, password: 'opspath-demo' }, meta, { throttle })).toMatchObject({ ok: false });
    expect(await signIn(t.db, { email: user.email, password: long }, meta, { throttle })).toMatchObject({ ok: true });
    expect((await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.password_changed'))).length).toBeGreaterThanOrEqual(2);
  });
});
