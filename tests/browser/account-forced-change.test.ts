// A password someone else chose (generated or set when adding a person where
// no mail is delivered) must be replaced at first sign-in: every /app page
// leads to /app/account/password/ until it is, and only then does the rest
// of the workspace open. Public pages and sign-out stay reachable.
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '#server/db/schema.ts';
import { checkA11y, submitSignIn } from '../support/browser.ts';
import { baseUrl, browserAndServerDatabase, createPerson, signedIn, uniqueEmail, Visitor } from '../support/app.ts';

const fixture = browserAndServerDatabase();
const base = baseUrl();

describe('forced password change', () => {
  it('a person added with a generated password is held on the password page until they choose their own', async () => {
    // The server runs without SMTP_URL, so a manager may still hand over a generated password.
    const manager = await signedIn('manager@demo.opspath.test');
    const email = uniqueEmail('forced');
    const form = await manager.get('/app/team/');
    const teamId = /<option value="(\d+)"[^>]*>Warehouse Operations/.exec(await form.text())?.[1];
    const res = await manager.post('/app/team/', {
      teamId: teamId!,
      email,
      displayName: 'Forced Change',
      position: 'operations-assistant/assistant',
      startDate: '2026-11-20',
      passwordMode: 'generate',
    });
    const password = /<code[^>]*class="secret[^"]*"[^>]*>([^<]+)<\/code>/.exec(await res.text())?.[1];
    expect(password).toBeTruthy();

    const page = await (await fixture.browser.newContext()).newPage();
    await page.goto(`${base}/login`);
    await submitSignIn(page, email, password!);
    await page.waitForURL(`${base}/app/account/password/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Choose your own password');
    await checkA11y(page, 'forced password change');
    for (const path of ['/app/', '/app/certifications/me/', '/app/account/']) {
      await page.goto(`${base}${path}`);
      expect(new URL(page.url()).pathname, path).toBe('/app/account/password/');
    }
    // Public pages are not held back.
    expect((await page.goto(`${base}/roles/`))?.status()).toBe(200);

    await page.goto(`${base}/app/account/password/`);
    await page.getByLabel('Password you were given').fill(password!);
    await page.getByLabel('Your new password', { exact: true }).fill('chosen-by-me-alone');
    await page.getByLabel('Your new password again').fill('chosen-by-me-alone');
    await page.getByRole('button', { name: 'Save my password' }).click();
    await page.waitForURL(`${base}/app/account/?done=password`);
    await page.goto(`${base}/app/`);
    expect(new URL(page.url()).pathname).toBe('/app/');
    const [row] = await fixture.database.db.select().from(users).where(eq(users.email, email));
    expect(row!.mustChangePassword).toBe(false);
    expect((await new Visitor().signIn(email, 'chosen-by-me-alone')).cookie).not.toBeNull();
  });

  it('a form post elsewhere in /app is held back too, and changes nothing', async () => {
    const person = await createPerson(fixture.database, { label: 'forced-post' });
    await fixture.database.db.update(users).set({ mustChangePassword: true }).where(eq(users.id, person.id));
    const visitor = await new Visitor().signIn(person.email, person.password);
    const res = await visitor.post('/app/account/', { intent: 'sign-out-everywhere' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/account/password/');
    expect((await visitor.get('/app/account/password/')).status).toBe(200);
  });
});
