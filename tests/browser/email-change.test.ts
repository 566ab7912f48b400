// Email change, end to end in Chromium against the shared
// server. The email change: a person asks on their account page, the delivery
// worker sends the outbox through a real SMTP server of this file's own
// (tests/support/smtp.ts), the link from the received message is followed and
// confirmed, and sign-in then works with the new address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTransport } from 'nodemailer';
import { users } from '#server/db/schema.ts';
import { deliverDue } from '#server/outbox/delivery.ts';
import { checkA11y, signedInPage, submitSignIn } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson } from '../support/app.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp?.stop();
});

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

describe('changing one’s own email', () => {
  it('waits for the link sent to the new address; confirming it moves sign-in to that address', async () => {
    const person = await createPerson(fixture.database, { label: 'email-e2e', password: 'email-e2e-password' });
    const newEmail = person.email.replace('@', '.moved@');
    const { context, page } = await signedInPage(fixture.browser, base, person.email, 'email-e2e-password');
    await page.goto(`${base}/app/account/`);
    await page.getByLabel('New email address').fill(newEmail.toUpperCase());
    await page.getByRole('button', { name: 'Send the confirmation link' }).click();
    await page.waitForURL(`${base}/app/account/?done=email`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/confirmation link is on its way/);
    // Nothing changed yet.
    expect((await fixture.database.db.select().from(users).where(eq(users.id, person.id)))[0]!.email).toBe(person.email);

    const notice = await mailTo(person.email);
    expect(notice.subject).toMatch(/change of your OpsPath email address/);
    expect(notice.text).toContain(newEmail);
    expect(notice.text).not.toMatch(/confirm-email\/[a-z2-7]{32}/);
    const mail = await mailTo(newEmail);
    expect(mail.subject).toBe('Confirm your new OpsPath email address');
    const link = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/confirm-email/[a-z2-7]{32}`).exec(mail.text ?? '')?.[0];
    expect(link, mail.text).toBeTruthy();
    expect(mail.html).toContain(`href="${link}"`);
    await context.close();

    const visitor = await (await fixture.browser.newContext()).newPage();
    const landing = await visitor.goto(link!);
    expect(visitor.url()).toBe(`${base}/confirm-email/`);
    expect(landing?.status()).toBe(200);
    await checkA11y(visitor, 'confirm a new email');
    await visitor.getByRole('button', { name: `Confirm ${newEmail}` }).click();
    await visitor.waitForURL(`${base}/confirm-email/?done=confirmed`);
    await expect(visitor.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Email address changed');
    expect((await fixture.database.db.select().from(users).where(eq(users.id, person.id)))[0]!.email).toBe(newEmail);

    const again = await (await fixture.browser.newContext()).newPage();
    const second = await again.goto(link!);
    expect(second?.status()).toBe(410);
    await expect(again.locator('main').textContent()).resolves.toMatch(/already been used/);

    const signIn = await (await fixture.browser.newContext()).newPage();
    await signIn.goto(`${base}/login`);
    await submitSignIn(signIn, newEmail, 'email-e2e-password');
    await signIn.waitForURL(`${base}/app/`);
  });
});
