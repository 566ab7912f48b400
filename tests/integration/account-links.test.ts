// Reset and invitation links against a real migrated database: what is
// stored (only a hash), how long a link lives, single use, a new link voiding
// the old, one answer whatever the address, throttling, and everything a
// reset ends (sessions, calendar feed addresses). The message is read from
// the outbox row written in the link's own transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import {
  completeLink,
  invitePerson,
  openInvitations,
  requestPasswordReset,
  resendInvitation,
  revokeInvitation,
  startPasswordReset,
  viewLink,
} from '#server/account/index.ts';
import { createDatabaseResetThrottle, RESET_ADDRESS_POLICY } from '#server/auth/rate-limit.ts';
import { createSession, validateSessionToken } from '#server/auth/session.ts';
import { createCalendarToken } from '#server/certifications/index.ts';
import { accountTokens, auditLog, calendarFeedTokens, outboxMessages, users } from '#server/db/schema.ts';
import { addPerson, deactivatePerson, setPersonActive } from '#server/people/index.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import type { Actor } from '#domain/access.ts';
import { testContext } from '../support/context.ts';
import {
  createTestDatabase,
  DAY,
  HOUR,
  seedDemo,
  signInFresh,
  TEST_CATALOG,
  TEST_POLICY,
  testClock,
  type TestDatabase,
} from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
const MEMBER = 'tom.becker@demo.opspath.test';

beforeAll(async () => {
  t = await createTestDatabase('account-links');
  await seedDemo(t.db);
  admin = (await findUserByEmail(t.db, 'admin@demo.opspath.test'))!;
});
afterAll(() => t.cleanup());

let ipCounter = 0;
/** A request from an address of its own, so throttling in one test does not spill into the next. */
const meta = (now: Date) => ({ ip: `198.51.100.${++ipCounter}`, now });
/** Throttling has its own test: elsewhere every request passes, unpadded. */
const noPad = { minDurationMs: 0, throttle: { attempt: async () => ({ allowed: true }) as const } };

async function newestMessage(userId: number, kind: 'password-reset' | 'invitation') {
  const [m] = await t.db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.recipientUserId, userId), eq(outboxMessages.kind, kind)))
    .orderBy(desc(outboxMessages.id))
    .limit(1);
  return m!;
}

const tokenIn = (text: string, path: string) => new RegExp(`${path}([a-z2-7]+)`).exec(text)?.[1];

async function resetLinkFor(email: string, now: Date) {
  const result = await requestPasswordReset(t.db, { email }, meta(now), noPad);
  expect(result).toEqual({ ok: true, value: null });
  const user = (await findUserByEmail(t.db, email))!;
  const message = await newestMessage(user.id, 'password-reset');
  return { user, message, token: tokenIn(message.textBody, '/reset-password/')! };
}

describe('asking for a reset link', () => {
  it('stores only the SHA-256 of a 160-bit token, expiring after one hour, with its message in the outbox', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const { user, message, token } = await resetLinkFor(MEMBER, now);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    const [row] = await t.db.select().from(accountTokens).where(eq(accountTokens.userId, user.id)).orderBy(desc(accountTokens.id)).limit(1);
    expect(row!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row!.expiresAt.getTime() - now.getTime()).toBe(HOUR);
    expect(message).toMatchObject({
      kind: 'password-reset',
      toAddress: MEMBER,
      idempotencyKey: `password-reset:${row!.id}`,
      state: 'pending',
    });
    expect(message.htmlBody).toContain(`/reset-password/${token}`);
    // The link is built from PUBLIC_URL, not from any request.
    expect(message.textBody).toMatch(/https?:\/\/[^/\s]+\/reset-password\//);
  });

  it('gives the same answer for an unknown address, an inactive account and a real one, and writes nothing for the first two', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const before = (await t.db.select().from(outboxMessages)).length;
    const unknown = await requestPasswordReset(t.db, { email: 'nobody.here@demo.opspath.test' }, meta(now), noPad);
    const [inactive] = await t.db
      .insert(users)
      .values({
        orgId: admin.orgId,
        email: 'gone@demo.opspath.test',
        displayName: 'Gone',
        passwordHash: 'x',
        role: 'member',
        active: false,
      })
      .returning();
    const deactivated = await requestPasswordReset(t.db, { email: inactive!.email }, meta(now), noPad);
    const real = await requestPasswordReset(t.db, { email: MEMBER }, meta(now), noPad);
    expect(unknown).toEqual(real);
    expect(deactivated).toEqual(real);
    expect((await t.db.select().from(outboxMessages)).length).toBe(before + 1);
  });

  it('pads every answer to the minimum duration', async () => {
    const started = performance.now();
    await requestPasswordReset(t.db, { email: 'nobody.at.all@demo.opspath.test' }, meta(new Date()), { minDurationMs: 150 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(149);
  });

  it('refuses a malformed address with a field error and sends nothing', async () => {
    const result = await requestPasswordReset(t.db, { email: 'not an email' }, meta(new Date()), noPad);
    expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { email: expect.any(String) } });
  });

  it('is throttled per address (whoever asks) and per IP (whatever address), refusing with a wait', async () => {
    const clock = testClock(new Date('2026-11-23T10:00:00Z'));
    const throttle = createDatabaseResetThrottle(t.db, clock.ms);
    const ask = (email: string, ip: string) =>
      requestPasswordReset(t.db, { email }, { ip, now: clock.now() }, { throttle, minDurationMs: 0 });
    for (let i = 0; i < RESET_ADDRESS_POLICY.max; i++) expect((await ask('flood@demo.opspath.test', `203.0.113.${i}`)).ok).toBe(true);
    expect(await ask('flood@demo.opspath.test', '203.0.113.99')).toMatchObject({
      ok: false,
      status: 429,
      retryAfterSeconds: expect.any(Number),
    });
    for (let i = 0; i < 10; i++) expect((await ask(`other${i}@demo.opspath.test`, '192.0.2.7')).ok).toBe(true);
    expect(await ask('one.more@demo.opspath.test', '192.0.2.7')).toMatchObject({ ok: false, status: 429 });
    clock.advance(RESET_ADDRESS_POLICY.refillIntervalMs);
    expect((await ask('flood@demo.opspath.test', '203.0.113.50')).ok).toBe(true);
  });
});

describe('using a reset link', () => {
  it('voids the earlier unused link when a new one is issued', async () => {
    const now = new Date('2026-11-24T09:00:00Z');
    const first = await resetLinkFor(MEMBER, now);
    const second = await resetLinkFor(MEMBER, new Date(now.getTime() + 60_000));
    expect(await viewLink(t.db, 'password-reset', first.token, now)).toMatchObject({ state: 'revoked' });
    expect(await viewLink(t.db, 'password-reset', second.token, now)).toMatchObject({ state: 'usable', person: { email: MEMBER } });
    const used = await completeLink(
      t.db,
      'password-reset',
      first.token,
      { newPassword: 'brand-new-pass', confirmPassword: 'brand-new-pass' },
      meta(now),
      { signIn: false },
    );
    expect(used).toMatchObject({ ok: false, status: 409 });
  });

  it('sets the password once, ends every session and feed address, and a second use fails', async () => {
    const now = new Date();
    const { user, token } = await resetLinkFor(MEMBER, now);
    const old = await createSession(t.db, user.id, { now: () => now, policy: TEST_POLICY });
    const feed = await createCalendarToken(t.db, testContext(user, now));
    expect(feed.ok).toBe(true);

    const form = { newPassword: 'a-new-passphrase', confirmPassword: 'a-new-passphrase' };
    const done = await completeLink(t.db, 'password-reset', token, form, meta(now), { signIn: false });
    expect(done).toMatchObject({ ok: true, value: { token: null } });
    expect(await validateSessionToken(t.db, old.token, { now: () => now, policy: TEST_POLICY })).toBeNull();
    const liveFeeds = await t.db
      .select()
      .from(calendarFeedTokens)
      .where(and(eq(calendarFeedTokens.userId, user.id), isNull(calendarFeedTokens.revokedAt)));
    expect(liveFeeds).toEqual([]);
    expect(await signInFresh(t.db, MEMBER, 'a-new-passphrase')).toMatchObject({ ok: true });

    expect(await viewLink(t.db, 'password-reset', token, now)).toMatchObject({ state: 'used' });
    const again = await completeLink(
      t.db,
      'password-reset',
      token,
      { newPassword: 'third-password', confirmPassword: 'third-password' },
      meta(now),
      { signIn: false },
    );
    expect(again).toMatchObject({ ok: false, status: 409 });
    expect(await signInFresh(t.db, MEMBER, 'third-password')).toMatchObject({ ok: false });
    const [audit] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'account.password_reset'))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit).toMatchObject({ actorUserId: user.id, targetId: String(user.id) });
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('two submissions of one link at the same time: exactly one sets the password', async () => {
    const now = new Date();
    const { token } = await resetLinkFor(MEMBER, now);
    const submit = (password: string) =>
      completeLink(t.db, 'password-reset', token, { newPassword: password, confirmPassword: password }, meta(now), { signIn: false });
    const results = await Promise.all([submit('racing-first-one'), submit('racing-second-one')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ status: 409 })]);
  });

  it('expires after one hour: the last millisecond works, the hour itself does not', async () => {
    const now = new Date('2026-11-25T09:00:00Z');
    const { token } = await resetLinkFor(MEMBER, now);
    expect(await viewLink(t.db, 'password-reset', token, new Date(now.getTime() + HOUR - 1))).toMatchObject({ state: 'usable' });
    expect(await viewLink(t.db, 'password-reset', token, new Date(now.getTime() + HOUR))).toMatchObject({ state: 'expired' });
    const late = await completeLink(
      t.db,
      'password-reset',
      token,
      { newPassword: 'too-late-now', confirmPassword: 'too-late-now' },
      meta(new Date(now.getTime() + HOUR)),
      { signIn: false },
    );
    expect(late).toMatchObject({ ok: false, status: 409 });
  });

  it('knows no unknown, malformed or invitation token, and keeps the link when the form is refused', async () => {
    const now = new Date();
    expect(await viewLink(t.db, 'password-reset', 'a'.repeat(32), now)).toEqual({ state: 'unknown' });
    expect(await viewLink(t.db, 'password-reset', '../../etc', now)).toEqual({ state: 'unknown' });
    expect(await viewLink(t.db, 'password-reset', undefined, now)).toEqual({ state: 'unknown' });
    const { token } = await resetLinkFor(MEMBER, now);
    expect(await viewLink(t.db, 'invitation', token, now)).toEqual({ state: 'unknown' });
    const short = await completeLink(t.db, 'password-reset', token, { newPassword: 'short', confirmPassword: 'short' }, meta(now), {
      signIn: false,
    });
    expect(short).toMatchObject({ ok: false, status: 400, fieldErrors: { newPassword: expect.any(String) } });
    const differ = await completeLink(
      t.db,
      'password-reset',
      token,
      { newPassword: 'long-enough-1', confirmPassword: 'long-enough-2' },
      meta(now),
      { signIn: false },
    );
    expect(differ).toMatchObject({ ok: false, status: 400, fieldErrors: { confirmPassword: expect.any(String) } });
    expect(await viewLink(t.db, 'password-reset', token, now)).toMatchObject({ state: 'usable' });
  });

  it('an admin can start a reset for someone in their organisation, with its own audit row', async () => {
    const now = new Date();
    const member = (await findUserByEmail(t.db, MEMBER))!;
    const started = await startPasswordReset(t.db, testContext(admin, now), String(member.id));
    expect(started.ok).toBe(true);
    const message = await newestMessage(member.id, 'password-reset');
    expect(message.textBody).toContain('An admin of Demo Logistics started a password reset');
    const manager = (await findUserByEmail(t.db, 'manager@demo.opspath.test'))!;
    expect(await startPasswordReset(t.db, testContext(manager, now), String(member.id))).toMatchObject({ ok: false, status: 403 });
  });
});

describe('invitations', () => {
  const newPerson = (email: string, extra: Record<string, string> = {}) => ({
    teamId: '',
    email,
    displayName: 'Ida Invited',
    position: 'operations-assistant/junior',
    startDate: '2026-12-01',
    ...extra,
  });

  it('adding a person invites them by default: a 7-day link and its message in the same transaction, no password to hand over', async () => {
    const now = new Date();
    const added = await addPerson(t.db, testContext(admin, now), newPerson('ida@demo.opspath.test'), TEST_CATALOG, { mailDelivers: true });
    if (!added.ok) throw new Error(JSON.stringify(added));
    expect(added.value.generatedPassword).toBeNull();
    expect(added.value.invitedUntil!.getTime() - now.getTime()).toBe(7 * DAY);
    expect(added.value.person.mustChangePassword).toBe(false);
    const message = await newestMessage(added.value.person.id, 'invitation');
    expect(message.subject).toMatch(/invited you to Demo Logistics/);
    const token = tokenIn(message.textBody, '/invitation/')!;
    expect(await viewLink(t.db, 'invitation', token, new Date(now.getTime() + 7 * DAY - 1))).toMatchObject({ state: 'usable' });
    expect(await viewLink(t.db, 'invitation', token, new Date(now.getTime() + 7 * DAY))).toMatchObject({ state: 'expired' });
    expect(await openInvitations(t.db, admin, now)).toEqual([
      expect.objectContaining({ status: 'pending', person: expect.objectContaining({ id: added.value.person.id }) }),
    ]);

    const accepted = await completeLink(
      t.db,
      'invitation',
      token,
      { newPassword: 'my-own-choice', confirmPassword: 'my-own-choice' },
      meta(now),
      { signIn: true },
    );
    if (!accepted.ok) throw new Error(JSON.stringify(accepted));
    expect(await validateSessionToken(t.db, accepted.value.token!)).not.toBeNull();
    expect(await signInFresh(t.db, 'ida@demo.opspath.test', 'my-own-choice')).toMatchObject({ ok: true });
    expect(await openInvitations(t.db, admin, now)).toEqual([]);
    expect(await resendInvitation(t.db, testContext(admin, now), String(added.value.person.id))).toMatchObject({ ok: false, status: 409 });
  });

  it('a person whose adding rolls back gets no invitation (it is written in the same transaction)', async () => {
    const before = (await t.db.select().from(outboxMessages)).length;
    await expect(
      t.db.transaction(async (tx) => {
        const [p] = await tx
          .insert(users)
          .values({ orgId: admin.orgId, email: 'rolled@demo.opspath.test', displayName: 'Rolled', passwordHash: 'x', role: 'member' })
          .returning();
        await invitePerson(tx, testContext(admin), p!);
        throw new Error('crash after the invitation');
      }),
    ).rejects.toThrow('crash');
    expect((await t.db.select().from(outboxMessages)).length).toBe(before);
    expect(await findUserByEmail(t.db, 'rolled@demo.opspath.test')).toBeUndefined();
  });

  it('resending voids the old link; withdrawing voids the new one; both audited', async () => {
    const now = new Date();
    const added = await addPerson(t.db, testContext(admin, now), newPerson('jo@demo.opspath.test'), TEST_CATALOG, { mailDelivers: true });
    if (!added.ok) throw new Error('not added');
    const id = String(added.value.person.id);
    const first = tokenIn((await newestMessage(added.value.person.id, 'invitation')).textBody, '/invitation/')!;
    expect((await resendInvitation(t.db, testContext(admin, now), id)).ok).toBe(true);
    const second = tokenIn((await newestMessage(added.value.person.id, 'invitation')).textBody, '/invitation/')!;
    expect(second).not.toBe(first);
    expect(await viewLink(t.db, 'invitation', first, now)).toMatchObject({ state: 'revoked' });
    expect(await viewLink(t.db, 'invitation', second, now)).toMatchObject({ state: 'usable' });
    expect((await revokeInvitation(t.db, testContext(admin, now), id)).ok).toBe(true);
    expect(await viewLink(t.db, 'invitation', second, now)).toMatchObject({ state: 'revoked' });
    expect(await openInvitations(t.db, admin, now)).toEqual([expect.objectContaining({ status: 'revoked' })]);
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.targetId, id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['account.invitation_sent', 'account.invitation_revoked']));
    expect(actions.filter((a) => a === 'account.invitation_sent')).toHaveLength(2);
  });

  it('someone who got in through a reset before accepting is no longer listed as invited', async () => {
    const now = new Date();
    const added = await addPerson(t.db, testContext(admin, now), newPerson('early@demo.opspath.test'), TEST_CATALOG, {
      mailDelivers: true,
    });
    if (!added.ok) throw new Error('not added');
    const listed = () => openInvitations(t.db, admin, now).then((list) => list.some((i) => i.person.id === added.value.person.id));
    expect(await listed()).toBe(true);
    const { token } = await resetLinkFor('early@demo.opspath.test', now);
    const done = await completeLink(
      t.db,
      'password-reset',
      token,
      { newPassword: 'in-through-reset', confirmPassword: 'in-through-reset' },
      meta(now),
      {
        signIn: false,
      },
    );
    expect(done.ok).toBe(true);
    expect(await listed()).toBe(false);
  });

  it('deactivating a person voids their pending links, so a reactivation does not revive them', async () => {
    const now = new Date();
    const added = await addPerson(t.db, testContext(admin, now), newPerson('deact@demo.opspath.test'), TEST_CATALOG, {
      mailDelivers: true,
    });
    if (!added.ok) throw new Error('not added');
    const token = tokenIn((await newestMessage(added.value.person.id, 'invitation')).textBody, '/invitation/')!;
    const id = String(added.value.person.id);
    expect((await deactivatePerson(t.db, testContext(admin, now), id, { confirm: 'yes' })).ok).toBe(true);
    expect(await viewLink(t.db, 'invitation', token, now)).toMatchObject({ state: 'revoked' });
    expect((await setPersonActive(t.db, testContext(admin, now), id, true)).ok).toBe(true);
    expect(await viewLink(t.db, 'invitation', token, now)).toMatchObject({ state: 'revoked' });
  });

  it('with mail delivered, a password cannot be handed over; without, it can, and must be changed at first sign-in', async () => {
    const now = new Date();
    const refused = await addPerson(
      t.db,
      testContext(admin, now),
      newPerson('gen1@demo.opspath.test', { passwordMode: 'generate' }),
      TEST_CATALOG,
      { mailDelivers: true },
    );
    expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { passwordMode: expect.any(String) } });
    const generated = await addPerson(
      t.db,
      testContext(admin, now),
      newPerson('gen2@demo.opspath.test', { passwordMode: 'generate' }),
      TEST_CATALOG,
      { mailDelivers: false },
    );
    if (!generated.ok) throw new Error('not added');
    expect(generated.value.person.mustChangePassword).toBe(true);
    expect(generated.value.invitedUntil).toBeNull();
    const set = await addPerson(
      t.db,
      testContext(admin, now),
      newPerson('set1@demo.opspath.test', { passwordMode: 'set', password: 'handed-over' }),
      TEST_CATALOG,
      { mailDelivers: false },
    );
    expect(set).toMatchObject({ ok: true, value: { person: { mustChangePassword: true } } });
  });
});
