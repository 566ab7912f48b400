// Notification choices and one-click unsubscribe against the built server:
// the settings page in Chromium (ticks saved, bad input refused with nothing
// changed); the unsubscribe link without a session (GET only asks, so a mail
// scanner fetching it changes nothing; the button turns the kind off); the
// RFC 8058 POST a mail provider sends, with no Origin or its own; a forged
// token; and every other path still refusing a cross-site form post.
import { describe, expect, inject, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, users } from '#server/db/schema.ts';
import { unsubscribeKey, unsubscribeToken } from '#server/notifications/unsubscribe.ts';
import type { NotificationKind } from '#domain/messages.ts';
import { baseUrl, browserAndServerDatabase, createPerson, Visitor } from '../support/app.ts';
import { checkA11y, signedInPage } from '../support/browser.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';

const base = baseUrl();
const fixture = browserAndServerDatabase();
// The server's key: derived from the same secret (or, without one, the same database) as the server's.
const key = () =>
  unsubscribeKey({ DEVICE_COOKIE_SECRET: process.env.DEVICE_COOKIE_SECRET?.trim() || undefined, DATABASE_URL: inject('databaseUrl') });
const linkFor = (userId: number, kind: NotificationKind) => `/unsubscribe/${unsubscribeToken(userId, kind, key())}`;

async function settingsOf(userId: number) {
  const [row] = await fixture.database.db.select({ s: users.notificationSettings }).from(users).where(eq(users.id, userId));
  return row!.s;
}

/** The one-click POST as a mail provider's server sends it: no cookies, the RFC 8058 body. */
const oneClick = (path: string, headers: Record<string, string> = {}) =>
  fetch(base + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: 'List-Unsubscribe=One-Click',
  });

describe('the notifications settings page', () => {
  it('shows every kind ticked, saves what is unticked, and lists account messages as always sent', async () => {
    const person = await createPerson(fixture.database, { label: 'notify-settings', team: 'Warehouse Operations' });
    const { context, page } = await signedInPage(fixture.browser, base, person.email, person.password);
    try {
      await page.goto(`${base}/app/account/`);
      await page.getByRole('link', { name: 'Choose your notifications' }).click();
      await page.waitForURL(`${base}/app/account/notifications`);
      for (const label of ['Certification reminders', 'Weekly ramp plan digest', 'Weekly summary of your team (managers)']) {
        expect(await page.getByLabel(label).isChecked()).toBe(true);
      }
      await expect(page.getByText('Password reset').isVisible()).resolves.toBe(true);
      await checkA11y(page, 'notification settings');
      await page.getByLabel('Weekly ramp plan digest').uncheck();
      await page.getByLabel('Certification reminders').uncheck();
      await page.getByRole('button', { name: 'Save choices' }).click();
      await page.waitForURL(/done=saved/);
      expect(await page.getByLabel('Weekly ramp plan digest').isChecked()).toBe(false);
      expect(await page.getByLabel('A ramp plan starts for you').isChecked()).toBe(true);
    } finally {
      await context.close();
    }
    expect(await settingsOf(person.id)).toMatchObject({ 'ramp-digest': false, 'certification-reminder': false, 'team-summary': true });
    const audit = await fixture.database.db.select().from(auditLog).where(eq(auditLog.action, 'notification.settings_changed'));
    expect(audit.some((a) => a.actorUserId === person.id)).toBe(true);
  });

  it('refuses a value that is not a tick, changing nothing', async () => {
    const person = await createPerson(fixture.database, { label: 'notify-bad', team: 'Warehouse Operations' });
    const visitor = new Visitor();
    await visitor.signIn(person.email, person.password);
    const before = await tableSnapshot(fixture.database);
    const res = await visitor.post('/app/account/notifications', { intent: 'save', 'ramp-digest': 'maybe' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Tick the box or leave it empty.');
    await expectUnchanged(fixture.database, before);
  });
});

describe('one-click unsubscribe, without a session', () => {
  it('GET asks and changes nothing; the button turns the kind off', async () => {
    const person = await createPerson(fixture.database, { label: 'notify-unsub', team: 'Warehouse Operations' });
    const link = linkFor(person.id, 'ramp-digest');
    const before = await tableSnapshot(fixture.database);
    // A mail scanner fetching the link twice.
    for (let i = 0; i < 2; i++) {
      const res = await fetch(base + link);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Stop receiving “Weekly ramp plan digest” by email?');
    }
    await expectUnchanged(fixture.database, before);

    const context = await fixture.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(base + link);
      await checkA11y(page, 'unsubscribe');
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.getByText('Done: you will no longer receive “Weekly ramp plan digest” by email.').waitFor();
    } finally {
      await context.close();
    }
    expect(await settingsOf(person.id)).toEqual({ 'ramp-digest': false });
    const audit = await fixture.database.db.select().from(auditLog).where(eq(auditLog.action, 'notification.unsubscribed'));
    expect(audit.filter((a) => a.actorUserId === person.id).map((a) => a.after)).toEqual([{ kind: 'ramp-digest' }]);
  });

  it('takes the RFC 8058 POST with no Origin, and with a mail provider’s Origin; twice is one change', async () => {
    const person = await createPerson(fixture.database, { label: 'notify-oneclick', team: 'Warehouse Operations' });
    const res = await oneClick(linkFor(person.id, 'certification-reminder'));
    expect(res.status).toBe(200);
    expect(await settingsOf(person.id)).toEqual({ 'certification-reminder': false });
    const again = await oneClick(linkFor(person.id, 'certification-reminder'), { origin: 'https://mail.example.net' });
    expect(again.status).toBe(200);
    const second = await oneClick(linkFor(person.id, 'team-summary'), { origin: 'https://mail.example.net' });
    expect(second.status).toBe(200);
    expect(await settingsOf(person.id)).toEqual({ 'certification-reminder': false, 'team-summary': false });
    const audit = await fixture.database.db.select().from(auditLog).where(eq(auditLog.action, 'notification.unsubscribed'));
    expect(audit.filter((a) => a.actorUserId === person.id)).toHaveLength(2);
  });

  it('answers a forged or altered token with 404 and changes nothing', async () => {
    const person = await createPerson(fixture.database, { label: 'notify-forged', team: 'Warehouse Operations' });
    const good = linkFor(person.id, 'ramp-digest');
    const forged = good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA');
    const otherKind = `/unsubscribe/${Buffer.from(`v1:${person.id}:team-summary`).toString('base64url')}.${good.split('.').pop()}`;
    const before = await tableSnapshot(fixture.database);
    for (const path of [forged, otherKind, '/unsubscribe/abc.def']) {
      expect((await fetch(base + path)).status).toBe(404);
      expect((await oneClick(path)).status).toBe(404);
    }
    // Not token-shaped: not exempt from the origin check either.
    expect((await fetch(base + '/unsubscribe/nonsense')).status).toBe(404);
    expect((await oneClick('/unsubscribe/nonsense')).status).toBe(403);
    await expectUnchanged(fixture.database, before);
  });
});

describe('the origin check elsewhere', () => {
  it('still refuses a cross-site form post, or one without Origin, on every other path', async () => {
    const person = await createPerson(fixture.database, { label: 'notify-csrf', team: 'Warehouse Operations' });
    const visitor = new Visitor();
    await visitor.signIn(person.email, person.password);
    const before = await tableSnapshot(fixture.database);
    for (const origin of ['https://evil.example', null]) {
      for (const path of ['/app/account/notifications', '/app/account/', '/login']) {
        const res = await visitor.post(path, { intent: 'save' }, { origin });
        expect(res.status, `${path} from ${origin}`).toBe(403);
        expect(await res.text()).toBe('Cross-site POST form submissions are forbidden');
      }
    }
    await expectUnchanged(fixture.database, before);
    // The same form from this site goes through.
    expect((await visitor.post('/app/account/notifications', { intent: 'save' })).status).toBe(303);
  });
});
