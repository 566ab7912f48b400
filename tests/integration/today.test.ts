// "Today" reaches every request through the session: validating a session
// joins the person's organisation, so the signed-in user carries its time
// zone, and actionContext turns that into the organisation's date.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createSession, validateSessionToken } from '#server/auth/session.ts';
import { organisations, users } from '#server/db/schema.ts';
import { DEMO_TIME_ZONE } from '#server/demo/index.ts';
import { actionContext } from '#server/request/context.ts';
import { demoDatabaseForFile, TEST_POLICY } from '../support/db.ts';

const t = demoDatabaseForFile('today');

describe('the signed-in user carries the organisation’s time zone', () => {
  it('for the demo organisation (Bucharest), whose date runs ahead of UTC late in the evening', async () => {
    const [nina] = await t.db.select().from(users).where(eq(users.email, 'newhire@demo.opspath.test'));
    const { token } = await createSession(t.db, nina!.id, { policy: TEST_POLICY });
    const valid = await validateSessionToken(t.db, token, { policy: TEST_POLICY });
    expect(valid?.user.timeZone).toBe(DEMO_TIME_ZONE);
    expect(valid?.user).not.toHaveProperty('passwordHash');
    const ctx = actionContext({ clientAddress: '203.0.113.7' }, valid!.user, new Date('2026-12-01T22:30:00Z'));
    expect(ctx.today).toBe('2026-12-02');
  });

  it('and UTC for an organisation that never set one (or set one that no longer exists)', async () => {
    const [org] = await t.db
      .insert(organisations)
      .values({ name: 'No Zone Ltd', settings: { timeZone: 'Atlantis/Capital' } })
      .returning();
    const [person] = await t.db
      .insert(users)
      .values({ orgId: org!.id, email: 'someone@nozone.test', displayName: 'Someone', passwordHash: 'x', role: 'member' })
      .returning();
    const { token } = await createSession(t.db, person!.id, { policy: TEST_POLICY });
    const valid = await validateSessionToken(t.db, token, { policy: TEST_POLICY });
    expect(valid?.user.timeZone).toBe('UTC');
    expect(actionContext({ clientAddress: '' }, valid!.user, new Date('2026-12-01T22:30:00Z')).today).toBe('2026-12-01');
  });
});
