// Calendar feed URLs end with the sessions, against the real server: after a
// password change, "sign out everywhere", deactivation (and a reactivation
// does not bring the old URL back) and a role change, the old feed URL
// answers 404, the same answer as for a URL that never existed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { auditLog } from '#server/db/schema.ts';
import { createPerson, serverDatabase, Visitor } from '../support/app.ts';
import { visitorWithSession } from '../support/sessions.ts';

let database: Database;
let admin: Visitor;

beforeAll(async () => {
  database = serverDatabase();
  const person = await createPerson(database, { label: 'feed-admin', role: 'admin', jobRole: 'operations-manager', tier: 'manager' });
  admin = await visitorWithSession(database, person.id);
});
afterAll(() => database?.close());

/** Creates a feed address on "My certifications" and returns its path. */
async function createFeed(visitor: Visitor): Promise<string> {
  const res = await visitor.post('/app/certifications/me/', { intent: 'feed-create' });
  const html = await res.text();
  const match = /\/calendar\/[a-z2-7]{24}-[a-z2-7]{24}\.ics/.exec(html);
  if (!match) throw new Error(`no feed address in the answer (${res.status})`);
  expect((await new Visitor().get(match[0])).status).toBe(200);
  return match[0];
}

const feedStatus = async (path: string) => (await new Visitor().get(path)).status;

async function personWithFeed(label: string) {
  const person = await createPerson(database, { label, team: 'Warehouse Operations' });
  const visitor = await visitorWithSession(database, person.id);
  return { person, visitor, feed: await createFeed(visitor) };
}

describe('a calendar feed URL ends with the sessions', () => {
  it('after a password change', async () => {
    const { person, visitor, feed } = await personWithFeed('feed-password');
    const res = await visitor.post('/app/account/', {
      intent: 'change-password',
      currentPassword: person.password,
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    });
    expect(res.status).toBe(303);
    expect(await feedStatus(feed)).toBe(404);
    // The audit trail says why the address ended.
    const revoked = await database.db.select().from(auditLog).where(eq(auditLog.action, 'calendar.token_revoked'));
    expect(revoked.filter((r) => r.actorUserId === person.id).map((r) => r.after)).toEqual([{ reason: 'sessions_ended' }]);
    // A new address works again.
    expect(await feedStatus(await createFeed(visitor))).toBe(200);
  });

  it('after "sign out everywhere"', async () => {
    const { visitor, feed } = await personWithFeed('feed-everywhere');
    expect((await visitor.post('/app/account/', { intent: 'sign-out-everywhere' })).status).toBe(303);
    expect(await feedStatus(feed)).toBe(404);
  });

  it('after deactivation, and a reactivation does not revive it', async () => {
    const { person, feed } = await personWithFeed('feed-deactivated');
    expect((await admin.post('/app/admin/', { intent: 'deactivate', userId: String(person.id), confirm: 'yes' })).status).toBe(303);
    expect(await feedStatus(feed)).toBe(404);
    expect((await admin.post('/app/admin/', { intent: 'activate', userId: String(person.id) })).status).toBe(303);
    expect(await feedStatus(feed)).toBe(404);
  });

  it('after a role change', async () => {
    const { person, feed } = await personWithFeed('feed-role');
    expect((await admin.post('/app/admin/', { intent: 'change-role', userId: String(person.id), role: 'manager' })).status).toBe(303);
    expect(await feedStatus(feed)).toBe(404);
  });
});
