// Sign-in, sign-out and change password in Chromium, with axe on every state.
// The forms post without JavaScript, so these also cover the no-JS path.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkA11y, submitSignIn } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson } from '../support/app.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();

async function newPage(): Promise<Page> {
  const context = await fixture.browser.newContext();
  return context.newPage();
}

async function submitPasswordChange(page: Page, current: string, next: string) {
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password again').fill(next);
  await page.getByRole('button', { name: 'Change password' }).click();
}

describe('sign in', () => {
  it('sends an anonymous visitor to /login and back to the page they wanted', async () => {
    const page = await newPage();
    await page.goto(`${base}/app/account/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/app/account/');
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await checkA11y(page, 'login');

    await submitSignIn(page, 'newhire@demo.opspath.test', 'opspath-demo');
    await page.waitForURL(`${base}/app/account/`);
    await expect(page.getByRole('heading', { level: 1, name: 'Your account' }).isVisible()).resolves.toBe(true);
  });

  it('shows the new hire their own dashboard', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await submitSignIn(page, 'NewHire@demo.opspath.test', 'opspath-demo');
    await page.waitForURL(`${base}/app/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Welcome, Nina Patel');
    const text = await page.locator('main').textContent();
    expect(text).toContain('Day 21 of 90');
    expect(text).not.toContain('Your teams');
    await expect(page.getByRole('link', { name: /Read the .* guide/ }).getAttribute('href')).resolves.toBe('/roles/operations-assistant/');
    await checkA11y(page, 'member dashboard');
  });

  it('shows field errors for empty fields and one generic message for wrong details', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#email-error').textContent()).resolves.toBe('Enter your email address.');
    await expect(page.locator('#password-error').textContent()).resolves.toBe('Enter your password.');
    await expect(page.getByLabel('Email').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkA11y(page, 'login with field errors');

    await submitSignIn(page, 'manager@demo.opspath.test', 'not-my-password');
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toBe('That email and password do not match an active account.');
    // What was typed stays (except the password).
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe('manager@demo.opspath.test');
    await expect(page.getByLabel('Password', { exact: true }).inputValue()).resolves.toBe('');
    await checkA11y(page, 'login with a failed attempt');
  });
});

describe('sign out', () => {
  it('signs out with the button (a POST) and protects the pages again', async () => {
    const page = await newPage();
    await page.goto(`${base}/login`);
    await submitSignIn(page, 'manager2@demo.opspath.test', 'opspath-demo');
    await page.waitForURL(`${base}/app/`);
    await checkA11y(page, 'manager dashboard');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/login?signedout=1`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('You are signed out.');
    await checkA11y(page, 'signed out');
    await page.goto(`${base}/app/`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});

describe('change password', () => {
  it('needs the current password, ends the other sessions, keeps this one, and the new password works', async () => {
    const person = await createPerson(fixture.database, {
      label: 'change-password',
      team: 'Warehouse Operations',
      password: 'first-password',
    });
    const other = await newPage();
    await other.goto(`${base}/login`);
    await submitSignIn(other, person.email, 'first-password');
    await other.waitForURL(`${base}/app/`);

    const page = await newPage();
    await page.goto(`${base}/login?next=/app/account/`);
    await submitSignIn(page, person.email, 'first-password');
    await page.waitForURL(`${base}/app/account/`);
    await expect(page.locator('main').textContent()).resolves.toContain('in 2 places');
    await checkA11y(page, 'account');

    // Wrong current password: field error, nothing changes.
    await submitPasswordChange(page, 'not-it', 'second-password');
    await expect(page.locator('#current-password-error').textContent()).resolves.toBe('That is not your current password.');
    await checkA11y(page, 'account with a field error');

    await submitPasswordChange(page, 'first-password', 'second-password');
    await page.waitForURL(`${base}/app/account/?done=password`);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Password changed');
    await expect(page.locator('main').textContent()).resolves.toContain('in 1 place');

    // The other browser was signed out by the change.
    await other.goto(`${base}/app/`);
    expect(new URL(other.url()).pathname).toBe('/login');
    await submitSignIn(other, person.email, 'first-password');
    await expect(other.getByRole('alert').textContent()).resolves.toContain('do not match');
    await submitSignIn(other, person.email, 'second-password');
    await other.waitForURL(`${base}/app/`);
  });

  it('sign out everywhere ends every session, this one included', async () => {
    const person = await createPerson(fixture.database, { label: 'everywhere', team: 'Customer Operations' });
    const first = await newPage();
    await first.goto(`${base}/login`);
    await submitSignIn(first, person.email, person.password);
    await first.waitForURL(`${base}/app/`);
    const second = await newPage();
    await second.goto(`${base}/login?next=/app/account/`);
    await submitSignIn(second, person.email, person.password);
    await second.waitForURL(`${base}/app/account/`);
    await second.getByRole('button', { name: 'Sign out everywhere' }).click();
    await second.waitForURL(`${base}/login?signedout=1`);
    await first.goto(`${base}/app/`);
    expect(new URL(first.url()).pathname).toBe('/login');
  });
});
