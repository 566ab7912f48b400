// The organisation's time zone is an organisation setting, set by admins on
// the admin page: it decides "today" for everyone in the organisation, and a
// signed-in person's next request already sees the new date.
import { describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { createSession, validateSessionToken } from '#server/auth/session.ts';
import { auditLog, organisations, users } from '#server/db/schema.ts';
import { organisationSettings, setOrganisationTimeZone } from '#server/organisation/index.ts';
import { actionContext } from '#server/request/context.ts';
import { testContext } from '../support/context.ts';
import { demoDatabaseForFile, TEST_POLICY } from '../support/db.ts';

const t = demoDatabaseForFile('organisation');
const person = async (email: string) => (await t.db.select().from(users).where(eq(users.email, email)))[0]!;

describe('the organisation time zone', () => {
  it('is shown to admins only, with every zone to choose from', async () => {
    const admin = await person('admin@demo.opspath.test');
    const view = await organisationSettings(t.db, admin);
    expect(view.ok && view.value).toMatchObject({ name: 'Demo Logistics', timeZone: 'Europe/Bucharest' });
    expect(view.ok && view.value.timeZones[0]).toBe('UTC');
    expect(view.ok && view.value.timeZones).toContain('America/New_York');
    for (const email of ['manager@demo.opspath.test', 'newhire@demo.opspath.test']) {
      expect(await organisationSettings(t.db, await person(email))).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('refuses non-admins and unknown zones, and changes nothing then', async () => {
    const before = await t.db.select().from(organisations);
    const manager = await person('manager@demo.opspath.test');
    expect(await setOrganisationTimeZone(t.db, testContext(manager), { timeZone: 'UTC' })).toMatchObject({ ok: false, status: 403 });
    const admin = await person('admin@demo.opspath.test');
    const bad = await setOrganisationTimeZone(t.db, testContext(admin), { timeZone: 'Mars/Olympus_Mons' });
    expect(bad).toMatchObject({ ok: false, status: 400, fieldErrors: { timeZone: 'Choose a time zone from the list.' } });
    expect(await t.db.select().from(organisations)).toEqual(before);
  });

  it('is saved with an audit row, keeps the other settings, and the next request of a signed-in person follows it', async () => {
    const admin = await person('admin@demo.opspath.test');
    const nina = await person('newhire@demo.opspath.test');
    const { token } = await createSession(t.db, nina.id, { policy: TEST_POLICY });
    const lateEvening = new Date('2026-12-01T22:30:00Z');
    const first = await validateSessionToken(t.db, token, { policy: TEST_POLICY });
    expect(actionContext({ clientAddress: '' }, first!.user, lateEvening).today).toBe('2026-12-02');

    expect(await setOrganisationTimeZone(t.db, testContext(admin), { timeZone: 'America/New_York' })).toEqual({
      ok: true,
      value: { timeZone: 'America/New_York' },
    });
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, admin.orgId));
    expect(org!.settings).toMatchObject({ timeZone: 'America/New_York', certificationReminderDays: [90, 60, 30, 7] });
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'org.time_zone_changed',
      actorUserId: admin.id,
      before: { timeZone: 'Europe/Bucharest' },
      after: { timeZone: 'America/New_York' },
    });

    const next = await validateSessionToken(t.db, token, { policy: TEST_POLICY });
    expect(actionContext({ clientAddress: '' }, next!.user, lateEvening).today).toBe('2026-12-01');
    // Saving the same zone again records nothing.
    const count = (await t.db.select().from(auditLog)).length;
    await setOrganisationTimeZone(t.db, testContext(admin), { timeZone: 'America/New_York' });
    expect((await t.db.select().from(auditLog)).length).toBe(count);
  });
});
