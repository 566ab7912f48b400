// Reset and invitation by email, end to end in Chromium. The shared server has
// no SMTP_URL, so its messages wait in its outbox; this file runs the delivery
// worker (deliverDue) against that database with a real SMTP server of its
// own (smtp-server, parsed by mailparser), and follows the link from the
// message that arrived: it sets the password, sign-in works, a second use and
// an expired link are refused (410), and an invitation signs the person in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import type { Page } from 'playwright-core';
import { accountTokens, rateLimitBuckets, users } from '#server/db/schema.ts';
import { deliverDue } from '#server/outbox/delivery.ts';
import { checkA11y, signedInPage, submitSignIn } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson, DEMO_PASSWORD, signedIn, uniqueEmail } from '../support/app.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();
let smtp: TestSmtp;

// Every test file asks from 127.0.0.1: start with full reset buckets so other files' requests do not throttle this one.
const refillResetBuckets = () => fixture.database.db.delete(rateLimitBuckets).where(like(rateLimitBuckets.scope, 'reset-%'));

beforeAll(async () => {
  smtp = await startSmtp();
  await refillResetBuckets();
});
afterAll(async () => {
  await refillResetBuckets();
  await smtp?.stop();
});

/** Runs the delivery worker until the outbox has nothing due, then returns the newest message that reached `to`. */
async function mailTo(to: string): Promise<ReceivedMail> {
  const transport = createTransport({ url: smtp.url });
  for (let round = 0; round < 100; round++) {
    const report = await deliverDue({
      db: fixture.database.db,
      transport,
      publicUrl: base,
      from: 'OpsPath <no-reply@opspath.test>',
      log: null,
    });
    if (report.claimed === 0) break;
  }
  transport.close();
  const mail = smtp.received.findLast((m) => m.to.includes(to));
  if (!mail) throw new Error(`no message reached ${to}`);
  return mail;
}

/** The link in a message: the same address in the text and as the HTML button, on the server's PUBLIC_URL. */
function linkIn(mail: ReceivedMail, path: string): string {
  const link = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${path}[a-z2-7]{32}`).exec(mail.text ?? '')?.[0];
  expect(link, mail.text).toBeTruthy();
  expect(mail.html).toContain(`href="${link}"`);
  return link!;
}

async function newPage(): Promise<Page> {
  return (await fixture.browser.newContext()).newPage();
}

async function choosePassword(page: Page, password: string, button: string) {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  await page.getByRole('button', { name: button }).click();
}

async function askForReset(email: string) {
  const page = await newPage();
  await page.goto(`${base}/login`);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(`${base}/forgot-password`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me a reset link' }).click();
  await page.waitForURL(`${base}/forgot-password?done=sent`);
  await expect(page.getByRole('status').textContent()).resolves.toMatch(/If that address belongs to an active account/);
  return page;
}

describe('forgot password', () => {
  it('the link from the received message sets the password once; sign-in works; a second use is refused', async () => {
    const person = await createPerson(fixture.database, { label: 'reset-e2e' });
    const page = await askForReset(person.email);
    await checkA11y(page, 'forgot password, sent');
    const mail = await mailTo(person.email);
    expect(mail.subject).toMatch(/Reset your OpsPath password/);
    const link = linkIn(mail, '/reset-password/');

    const landing = await page.goto(link);
    // The token left the address bar (and so the history) on the first request.
    expect(page.url()).toBe(`${base}/reset-password/`);
    expect(landing?.status()).toBe(200);
    expect(
      await landing
        ?.request()
        .redirectedFrom()
        ?.response()
        .then((r) => r?.headers()['referrer-policy']),
    ).toBe('no-referrer');
    expect(landing?.headers()['referrer-policy']).toBe('same-origin');
    await checkA11y(page, 'reset password form');
    await choosePassword(page, 'reset-through-mail', 'Set the new password');
    await page.waitForURL(`${base}/login?done=reset`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/new password is set/);
    await submitSignIn(page, person.email, 'reset-through-mail');
    await page.waitForURL(`${base}/app/`);

    const again = await (await newPage()).goto(link);
    expect(again?.status()).toBe(410);
    await expect(again!.text()).resolves.toMatch(/already been used/);
  });

  it('an expired link is refused with a page that says so (410)', async () => {
    const person = await createPerson(fixture.database, { label: 'reset-expired' });
    await askForReset(person.email);
    const link = linkIn(await mailTo(person.email), '/reset-password/');
    await fixture.database.db
      .update(accountTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(accountTokens.userId, person.id), eq(accountTokens.purpose, 'password-reset')));
    const page = await newPage();
    const res = await page.goto(link);
    expect(res?.status()).toBe(410);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This link no longer works');
    await expect(page.locator('main').textContent()).resolves.toMatch(/has expired/);
    await checkA11y(page, 'expired link');
  });

  it('keeps the token in an HttpOnly cookie scoped to the page, and an unknown token gets 404', async () => {
    const res = await fetch(`${base}/reset-password/${'a'.repeat(32)}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/reset-password/');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('opspath_reset='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/reset-password\//);
    expect(cookie).toMatch(/Max-Age=\d+/);
    const page = await fetch(`${base}/reset-password/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(404);
    expect(await page.text()).toMatch(/Open the link from your email/);
    // Opened directly, without any link, the page explains what it is for.
    const bare = await fetch(`${base}/reset-password/`);
    expect(bare.status).toBe(200);
    expect(await bare.text()).toMatch(/Open the link from your email/);
  });
});

describe('invitations', () => {
  it('a person the admin adds receives an invitation whose link lets them choose a password and signs them in', async () => {
    const email = uniqueEmail('invited');
    const { page: admin } = await signedInPage(fixture.browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await admin.goto(`${base}/app/team/`);
    await admin.getByLabel('Name', { exact: true }).fill('Ivo Invited');
    await admin.getByLabel('Email', { exact: true }).fill(email);
    await admin.getByLabel('Role and tier').selectOption({ index: 1 });
    // Invitation is the default: nothing to choose.
    await admin.getByRole('button', { name: 'Add person' }).click();
    await admin.waitForURL(`${base}/app/team/?done=invited`);
    await admin.goto(`${base}/app/team/?status=invited`);
    await expect(admin.locator('main table').textContent()).resolves.toContain(email);

    const mail = await mailTo(email);
    expect(mail.subject).toMatch(/invited you to Demo Logistics on OpsPath/);
    const link = linkIn(mail, '/invitation/');
    const page = await newPage();
    await page.goto(link);
    expect(page.url()).toBe(`${base}/invitation/`);
    await checkA11y(page, 'invitation form');
    await choosePassword(page, 'my-own-password', 'Choose password and sign in');
    await page.waitForURL(`${base}/app/`);
    const [row] = await fixture.database.db.select().from(users).where(eq(users.email, email));
    expect(row!.mustChangePassword).toBe(false);

    await admin.goto(`${base}/app/team/?status=invited`);
    await expect(admin.locator('main table').textContent()).resolves.not.toContain(email);
    expect((await (await newPage()).goto(link))?.status()).toBe(410);
  });

  it('an admin resends, withdraws and starts a reset from the person page; a manager may not', async () => {
    const admin = await signedIn('admin@demo.opspath.test');
    const email = uniqueEmail('invite-admin');
    const added = await admin.post('/app/team/', {
      teamId: '',
      email,
      displayName: 'Ines Invited',
      position: 'operations-assistant/assistant',
      startDate: '2026-11-20',
    });
    expect(added.headers.get('location')).toBe('/app/team/?done=invited');
    const [person] = await fixture.database.db.select().from(users).where(eq(users.email, email));
    const page = `/app/team/${person!.id}/`;
    await expect((await admin.get(page)).text()).resolves.toMatch(/Invited, not yet accepted/);
    const first = linkIn(await mailTo(email), '/invitation/');

    const manager = await signedIn('manager@demo.opspath.test');
    for (const intent of ['resend-invitation', 'revoke-invitation', 'start-reset']) {
      expect([403, 404], intent).toContain((await manager.post(page, { intent })).status);
    }
    expect((await admin.post(page, { intent: 'resend-invitation' })).headers.get('location')).toBe(`${page}?done=invited`);
    const second = linkIn(await mailTo(email), '/invitation/');
    expect(second).not.toBe(first);
    expect((await (await newPage()).goto(first))?.status()).toBe(410);
    expect((await admin.post(page, { intent: 'revoke-invitation' })).headers.get('location')).toBe(`${page}?done=revoked`);
    expect((await (await newPage()).goto(second))?.status()).toBe(410);
    await expect((await admin.get(page)).text()).resolves.toMatch(/Invitation withdrawn/);
    expect((await admin.post(page, { intent: 'start-reset' })).headers.get('location')).toBe(`${page}?done=reset`);
    const reset = await mailTo(email);
    expect(reset.text).toContain('An admin of Demo Logistics started a password reset');
    const link = linkIn(reset, '/reset-password/');
    const resetPage = await newPage();
    await resetPage.goto(link);
    await choosePassword(resetPage, 'chosen-after-admin-reset', 'Set the new password');
    await resetPage.waitForURL(`${base}/login?done=reset`);
  });
});
