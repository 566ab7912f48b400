// Issue 15's "done when", as a newcomer from a fresh clone would try it: no
// mail server (the shared server has no SMTP_URL and JOBS=off), a person of
// the demo organisation asks for a reset, the demo admin reads the message at
// /app/admin/outbox/, and the link printed there sets the password. Nothing
// here runs the delivery worker: the outbox is the only way the link travels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { like } from 'drizzle-orm';
import { rateLimitBuckets } from '#server/db/schema.ts';
import { checkA11y, signedInPage, submitSignIn } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson, DEMO_PASSWORD } from '../support/app.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();

// Every test file asks from 127.0.0.1: start with full reset buckets so other files' requests do not throttle this one.
const refillResetBuckets = () => fixture.database.db.delete(rateLimitBuckets).where(like(rateLimitBuckets.scope, 'reset-%'));
beforeAll(refillResetBuckets);
afterAll(refillResetBuckets);

describe('a reset without a mail server', () => {
  it('the demo admin reads the message in the outbox, and its link sets the password', async () => {
    const person = await createPerson(fixture.database, { label: 'newcomer-reset' });

    const visitor = await (await fixture.browser.newContext()).newPage();
    await visitor.goto(`${base}/login`);
    await visitor.getByRole('link', { name: 'Forgot your password?' }).click();
    await visitor.getByLabel('Email').fill(person.email);
    await visitor.getByRole('button', { name: 'Send me a reset link' }).click();
    await visitor.waitForURL(`${base}/forgot-password?done=sent`);

    const { page: admin } = await signedInPage(fixture.browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await admin.goto(`${base}/app/admin/`);
    await admin.getByRole('link', { name: 'Outbox and scheduled jobs' }).click();
    const row = admin.getByRole('row').filter({ hasText: person.email }).filter({ hasText: 'Reset your OpsPath password' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Pending');
    await row.getByRole('link').first().click();
    await admin.waitForURL(/\/app\/admin\/outbox\/\d+\/$/);
    await checkA11y(admin, 'the reset message in the outbox');
    const text = (await admin.locator('pre.text-version').textContent()) ?? '';
    const link = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/reset-password/[a-z2-7]{32}`).exec(text)?.[0];
    expect(link, text).toBeTruthy();

    await visitor.goto(link!);
    await visitor.waitForURL(`${base}/reset-password/`);
    await visitor.getByLabel('New password', { exact: true }).fill('read-from-the-outbox');
    await visitor.getByLabel('New password again').fill('read-from-the-outbox');
    await visitor.getByRole('button', { name: 'Set the new password' }).click();
    await visitor.waitForURL(`${base}/login?done=reset`);
    await submitSignIn(visitor, person.email, 'read-from-the-outbox');
    await visitor.waitForURL(`${base}/app/`);
  });
});
