// Email correction confirmed by the new address (decision 040), against a real
// migrated database: nothing changes until the link sent to the new address is
// used; the link is stored hashed, works once, expires after 24 hours; an
// address taken meanwhile (in any case) is refused; an admin of another
// organisation reaches nobody here; company sign-in keeps the address with
// the provider for the person themselves.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { confirmEmailChange, requestEmailChange, viewEmailChange } from '#server/account/index.ts';
import { accountTokens, auditLog, organisations, outboxMessages, users } from '#server/db/schema.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { hashPassword } from '#server/auth/password.ts';
import type { Actor } from '#domain/access.ts';
import { testContext } from '../support/context.ts';
import { createTestDatabase, HOUR, seedDemo, seedOtherOrganisation, type TestDatabase } from '../support/db.ts';

// Company sign-in configured for the file (stubbed, as company-sign-in.test.ts does); off for the organisation until a case turns it on.
vi.hoisted(() => {
  vi.stubEnv('OIDC_ISSUER', 'https://login.example.com');
  vi.stubEnv('OIDC_CLIENT_ID', 'opspath');
  vi.stubEnv('OIDC_CLIENT_SECRET', 'integration-test-secret');
  vi.stubEnv('OIDC_NAME', 'Example ID');
});
afterAll(() => vi.unstubAllEnvs());

let t: TestDatabase;
let admin: Actor;
let other: Awaited<ReturnType<typeof seedOtherOrganisation>>;

beforeAll(async () => {
  t = await createTestDatabase('email-change');
  await seedDemo(t.db);
  admin = (await findUserByEmail(t.db, 'admin@demo.opspath.test'))!;
  other = await seedOtherOrganisation(t.db, { now: new Date('2026-11-22T09:00:00Z'), passwordHash: await hashPassword('irrelevant-pw') });
}, 60_000);
afterAll(() => t.cleanup());

const meta = (now: Date) => ({ ip: '198.51.100.7', now });
const tokenIn = (text: string) => /\/confirm-email\/([a-z2-7]+)/.exec(text)?.[1];

async function messagesFor(userId: number) {
  return t.db.select().from(outboxMessages).where(eq(outboxMessages.recipientUserId, userId)).orderBy(desc(outboxMessages.id));
}

/** An admin asks for the change; returns the token read from the message sent to the new address. */
async function askAsAdmin(personEmail: string, newEmail: string, now: Date) {
  const person = (await findUserByEmail(t.db, personEmail))!;
  const asked = await requestEmailChange(t.db, testContext(admin, now), String(person.id), { newEmail });
  expect(asked.ok).toBe(true);
  const [confirmation] = (await messagesFor(person.id)).filter((m) => m.kind === 'email-change');
  return { person, confirmation: confirmation!, token: tokenIn(confirmation!.textBody)! };
}

describe('asking for an email change', () => {
  it('changes nothing yet: the link goes to the new address, a notice to the old one, the token is stored hashed', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const { person, confirmation, token } = await askAsAdmin('tom.becker@demo.opspath.test', 'Tom.B@New.Example', now);
    expect((await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))?.id).toBe(person.id);
    expect(confirmation.toAddress).toBe('tom.b@new.example');
    expect(confirmation.textBody).toContain('http://localhost:4321/confirm-email/');
    const notice = (await messagesFor(person.id)).find((m) => m.kind === 'email-change-notice')!;
    expect(notice.toAddress).toBe('tom.becker@demo.opspath.test');
    expect(notice.textBody).toContain('tom.b@new.example');
    expect(notice.textBody).not.toContain(token);
    const [stored] = await t.db
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, person.id), eq(accountTokens.purpose, 'email-change')));
    expect(stored!.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(stored!.newEmail).toBe('tom.b@new.example');
    expect(stored!.expiresAt.getTime() - now.getTime()).toBe(24 * HOUR);
    const view = await viewEmailChange(t.db, token, now);
    expect(view).toMatchObject({ state: 'usable', newEmail: 'tom.b@new.example', person: { email: 'tom.becker@demo.opspath.test' } });
  });

  it('refuses an address another account has, whatever its case, and the current address', async () => {
    const person = (await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!;
    const ctx = testContext(admin, new Date('2026-11-23T09:00:00Z'));
    const taken = await requestEmailChange(t.db, ctx, String(person.id), { newEmail: 'MANAGER@demo.opspath.test' });
    expect(taken).toMatchObject({ ok: false, status: 409, fieldErrors: { newEmail: expect.stringContaining('already belongs') } });
    const same = await requestEmailChange(t.db, ctx, String(person.id), { newEmail: 'NewHire@demo.opspath.test' });
    expect(same).toMatchObject({ ok: false, status: 400 });
    const bad = await requestEmailChange(t.db, ctx, String(person.id), { newEmail: 'not an address' });
    expect(bad).toMatchObject({ ok: false, status: 400, fieldErrors: { newEmail: expect.any(String) } });
  });

  it('lets a member change their own, and not someone else’s', async () => {
    const member = (await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!;
    const manager = (await findUserByEmail(t.db, 'manager@demo.opspath.test'))!;
    const now = new Date('2026-11-23T09:00:00Z');
    expect((await requestEmailChange(t.db, testContext(member, now), 'self', { newEmail: 'newhire@home.example' })).ok).toBe(true);
    const refused = await requestEmailChange(t.db, testContext(member, now), String(manager.id), { newEmail: 'x@home.example' });
    expect(refused).toMatchObject({ ok: false, status: 403 });
  });

  it('reaches nobody in another organisation', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const otherAdmin = (await findUserByEmail(t.db, 'admin@other.test'))!;
    const demoMember = (await findUserByEmail(t.db, 'manager2@demo.opspath.test'))!;
    const across = await requestEmailChange(t.db, testContext(otherAdmin, now), String(demoMember.id), { newEmail: 'stolen@x.example' });
    expect(across).toMatchObject({ ok: false, status: 404 });
    const back = await requestEmailChange(t.db, testContext(admin, now), String(other.member.id), { newEmail: 'stolen@x.example' });
    expect(back).toMatchObject({ ok: false, status: 404 });
    expect(await messagesFor(demoMember.id)).toHaveLength(0);
    expect((await findUserByEmail(t.db, 'member@other.test'))?.id).toBe(other.member.id);
  });
});

describe('confirming through the link', () => {
  it('applies the change once, audits it, and the link then says it was used', async () => {
    const now = new Date('2026-11-24T09:00:00Z');
    const { person, token } = await askAsAdmin('manager2@demo.opspath.test', 'manager2@new.example', now);
    const later = new Date(now.getTime() + 2 * HOUR);
    const done = await confirmEmailChange(t.db, token, meta(later));
    expect(done).toMatchObject({ ok: true, value: { before: 'manager2@demo.opspath.test', after: 'manager2@new.example' } });
    expect((await findUserByEmail(t.db, 'manager2@new.example'))?.id).toBe(person.id);
    expect(await findUserByEmail(t.db, 'manager2@demo.opspath.test')).toBeUndefined();
    const [row] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'account.email_changed'), eq(auditLog.targetId, String(person.id))));
    expect(row).toMatchObject({ actorUserId: person.id, before: { email: 'manager2@demo.opspath.test' } });
    const again = await confirmEmailChange(t.db, token, meta(later));
    expect(again).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('already been used') });
    expect(await viewEmailChange(t.db, token, later)).toMatchObject({ state: 'used' });
  });

  it('refuses a link past its 24 hours, and an older link once a newer one was sent', async () => {
    const now = new Date('2026-11-25T09:00:00Z');
    const first = await askAsAdmin('admin@demo.opspath.test', 'first@new.example', now);
    const second = await askAsAdmin('admin@demo.opspath.test', 'second@new.example', new Date(now.getTime() + HOUR));
    expect(await confirmEmailChange(t.db, first.token, meta(new Date(now.getTime() + 2 * HOUR)))).toMatchObject({
      ok: false,
      status: 409,
      message: expect.stringContaining('replaced'),
    });
    const expired = await confirmEmailChange(t.db, second.token, meta(new Date(now.getTime() + 25 * HOUR)));
    expect(expired).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('expired') });
    expect((await findUserByEmail(t.db, 'admin@demo.opspath.test'))?.id).toBe(first.person.id);
  });

  it('refuses an address someone took after the link was sent (case-insensitively), leaving both accounts as they were', async () => {
    const now = new Date('2026-11-26T09:00:00Z');
    const { person, token } = await askAsAdmin('newhire@demo.opspath.test', 'shared@new.example', now);
    // Tom's own change was never confirmed: he still has his demo address, and now takes the one newhire asked for.
    const taker = (await findUserByEmail(t.db, 'tom.becker@demo.opspath.test'))!;
    await t.db.update(users).set({ email: 'shared@new.example' }).where(eq(users.id, taker.id));
    const refused = await confirmEmailChange(t.db, token, meta(new Date(now.getTime() + HOUR)));
    expect(refused).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('already belongs') });
    expect((await findUserByEmail(t.db, 'SHARED@new.example'))?.id).toBe(taker.id);
    expect((await findUserByEmail(t.db, 'newhire@demo.opspath.test'))?.id).toBe(person.id);
  });

  it('knows no link for a malformed or unknown token', async () => {
    const now = new Date('2026-11-26T09:00:00Z');
    expect(await viewEmailChange(t.db, 'nope', now)).toEqual({ state: 'unknown' });
    expect(await confirmEmailChange(t.db, 'a'.repeat(32), meta(now))).toMatchObject({ ok: false, status: 404 });
  });
});

describe('company sign-in', () => {
  it('leaves the address to the provider for the person themselves when passwords are refused; an admin may still correct it', async () => {
    const org = admin.orgId;
    const [before] = await t.db.select().from(organisations).where(eq(organisations.id, org));
    await t.db
      .update(organisations)
      .set({ settings: { ...before!.settings, requireCompanySignIn: true } })
      .where(eq(organisations.id, org));
    try {
      const member = (await findUserByEmail(t.db, 'newhire@demo.opspath.test'))!;
      const now = new Date('2026-11-27T09:00:00Z');
      const own = await requestEmailChange(t.db, testContext(member, now), 'self', { newEmail: 'newhire@elsewhere.example' });
      expect(own).toMatchObject({ ok: false, status: 409, message: expect.stringContaining('Example ID') });
      const byAdmin = await requestEmailChange(t.db, testContext(admin, now), String(member.id), { newEmail: 'newhire@elsewhere.example' });
      expect(byAdmin.ok).toBe(true);
    } finally {
      await t.db.update(organisations).set({ settings: before!.settings }).where(eq(organisations.id, org));
    }
  });
});
