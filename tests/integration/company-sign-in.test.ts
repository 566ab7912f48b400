// Company sign-in's organisation settings and what they do to the password
// sign-in, against a real migrated database. OIDC_* are set for this file
// (before anything reads the configuration); the flow itself is tested in
// Chromium against a real provider (tests/browser/company-sign-in.test.ts).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditLog, organisations, users } from '#server/db/schema.ts';
import { companySignInRequired } from '#server/auth/index.ts';
import { organisationSettings, setCompanySignIn } from '#server/organisation/index.ts';
import { testContext } from '../support/context.ts';
import { demoDatabaseForFile, signInFresh } from '../support/db.ts';

// Stubbed, not assigned: a worker runs other files after this one, and they must not see OIDC_*.
vi.hoisted(() => {
  vi.stubEnv('OIDC_ISSUER', 'https://login.example.com');
  vi.stubEnv('OIDC_CLIENT_ID', 'opspath');
  vi.stubEnv('OIDC_CLIENT_SECRET', 'integration-test-secret');
  vi.stubEnv('OIDC_NAME', 'Example ID');
});
afterAll(() => vi.unstubAllEnvs());

const t = demoDatabaseForFile('company-sign-in');
const person = async (email: string) => (await t.db.select().from(users).where(eq(users.email, email)))[0]!;

describe('company sign-in settings', () => {
  it('are offered to admins, off until switched on', async () => {
    const admin = await person('admin@demo.opspath.test');
    const view = await organisationSettings(t.db, admin);
    expect(view.ok && view.value.companySignIn).toEqual({
      providerName: 'Example ID',
      requireCompanySignIn: false,
      createPeopleOnFirstSignIn: false,
    });
  });

  it('refuse non-admins and change nothing', async () => {
    const before = await t.db.select().from(organisations);
    const manager = await person('manager@demo.opspath.test');
    expect(await setCompanySignIn(t.db, testContext(manager), { requireCompanySignIn: 'yes' })).toMatchObject({ ok: false, status: 403 });
    expect(await t.db.select().from(organisations)).toEqual(before);
  });

  it('are saved with an audit row, keeping the other settings', async () => {
    const admin = await person('admin@demo.opspath.test');
    expect(await setCompanySignIn(t.db, testContext(admin), { requireCompanySignIn: 'yes' })).toEqual({
      ok: true,
      value: { requireCompanySignIn: true, createPeopleOnFirstSignIn: false },
    });
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, admin.orgId));
    expect(org!.settings).toMatchObject({ requireCompanySignIn: true, createPeopleOnFirstSignIn: false, timeZone: 'Europe/Bucharest' });
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'org.company_sign_in_changed',
      actorUserId: admin.id,
      before: { requireCompanySignIn: false, createPeopleOnFirstSignIn: false },
      after: { requireCompanySignIn: true, createPeopleOnFirstSignIn: false },
    });
  });

  it('when required, refuse a member’s and a manager’s right password with a message, and let an admin in', async () => {
    for (const email of ['newhire@demo.opspath.test', 'manager@demo.opspath.test']) {
      const refused = await signInFresh(t.db, email, 'opspath-demo');
      expect(refused, email).toMatchObject({ ok: false, status: 400, message: companySignInRequired('Example ID') });
      const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
      expect(audit).toMatchObject({ action: 'auth.sign_in_failed', after: { email, reason: 'company sign-in required' } });
    }
    // A wrong password still gets the one message for every failed sign-in: nothing about company sign-in.
    expect(await signInFresh(t.db, 'newhire@demo.opspath.test', 'not the password')).toMatchObject({
      ok: false,
      message: 'That email and password do not match an active account.',
    });
    expect(await signInFresh(t.db, 'admin@demo.opspath.test', 'opspath-demo')).toMatchObject({ ok: true });
  });
});
