// The batched invitation (invitePeople, used by the people import) against a
// real database: it writes the same links, outbox messages and audit rows as
// inviting the same people one by one with invitePerson, and revokes an
// earlier invitation the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, inArray } from 'drizzle-orm';
import type { Actor } from '#domain/access.ts';
import { invitePeople, invitePerson } from '#server/account/index.ts';
import { accountTokens, auditLog, outboxMessages, users } from '#server/db/schema.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';
import { testContext } from '../support/context.ts';

const now = new Date('2026-11-23T10:00:00Z');
let one: TestDatabase;
let batch: TestDatabase;
let admin: Actor;

beforeAll(async () => {
  one = await createTestDatabase('invite-one-by-one');
  batch = await createTestDatabase('invite-batch');
  await seedDemo(one.db);
  await seedDemo(batch.db);
  admin = await actorByEmail(one.db, 'admin@demo.opspath.test');
});
afterAll(() => {
  one.cleanup();
  batch.cleanup();
});

/** What an invitation wrote, without the parts that are random by design (the token and what carries it). */
async function written(t: TestDatabase, userIds: number[]) {
  const tokens = await t.db.select().from(accountTokens).where(inArray(accountTokens.userId, userIds)).orderBy(asc(accountTokens.id));
  const hashes = new Map(tokens.map((k) => [k.tokenHash, 'TOKEN']));
  const messages = await t.db.select().from(outboxMessages).orderBy(asc(outboxMessages.id));
  const audits = await t.db.select().from(auditLog).orderBy(asc(auditLog.id));
  const tokenInLink = /invitation\/[a-z2-7]{32}/g;
  return {
    tokens: tokens.map(({ tokenHash, ...k }) => ({ ...k, tokenHash: hashes.get(tokenHash) })),
    messages: messages.map(({ textBody, htmlBody, ...m }) => ({
      ...m,
      textBody: textBody.replace(tokenInLink, 'invitation/TOKEN'),
      htmlBody: htmlBody?.replace(tokenInLink, 'invitation/TOKEN'),
    })),
    audits: audits.map(({ id: _id, ...a }) => a).filter((a) => a.action === 'account.invitation_sent'),
  };
}

describe('invitePeople', () => {
  it('writes what invitePerson writes one by one, revoking an earlier invitation alike', async () => {
    const people = (await one.db.select().from(users).orderBy(asc(users.id))).filter((p) => p.id !== admin.id).slice(0, 4);
    const recipients = people.map((p) => ({ id: p.id, orgId: p.orgId, email: p.email, displayName: p.displayName }));
    const ctx = testContext(admin, now, '203.0.113.9');
    // An earlier invitation of the first person, in both databases.
    await invitePerson(one.db, testContext(admin, new Date('2026-11-20T10:00:00Z')), recipients[0]!);
    await invitePerson(batch.db, testContext(admin, new Date('2026-11-20T10:00:00Z')), recipients[0]!);

    for (const person of recipients) await one.db.transaction((tx) => invitePerson(tx, ctx, person));
    const links = await batch.db.transaction((tx) => invitePeople(tx, ctx, recipients));

    expect(links).toHaveLength(recipients.length);
    const ids = recipients.map((p) => p.id);
    const a = await written(one, ids);
    const b = await written(batch, ids);
    expect(b.tokens.filter((k) => k.revokedAt !== null)).toHaveLength(1);
    expect(b.messages.filter((m) => m.kind === 'invitation')).toHaveLength(recipients.length + 1);
    expect(b).toEqual(a);
  });

  it('invites nobody when given nobody', async () => {
    expect(await batch.db.transaction((tx) => invitePeople(tx, testContext(admin, now), []))).toEqual([]);
  });
});
