// Company sign-in end to end (decision 025): Chromium, an OpsPath server of
// this file's own with OIDC_* set, and a real OpenID provider (oidc-provider,
// the same author as openid-client) listening on 127.0.0.1 in this process,
// with its development login pages and its in-memory store. The login name
// typed at the provider picks one of the identities below.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import Provider from 'oidc-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditLog, organisations, users } from '#server/db/schema.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { checkA11y, launchBrowser, submitSignIn } from '../support/browser.ts';
import { vnu, vnuErrors } from '../support/vnu.ts';
import { open, prepareDatabase, startServer, tempDir, type Server } from '../support/processes.ts';
import type { Database } from '#server/db/client.ts';

const PROVIDER_NAME = 'Acme ID';
const CLIENT_ID = 'opspath';
const CLIENT_SECRET = 'a-client-secret-for-the-test-provider-only';
const DEMO_PASSWORD = 'opspath-demo';

/** Login name at the provider -> the claims it vouches for. */
const identities: Record<string, { email: string; email_verified: boolean; name?: string }> = {
  newhire: { email: 'newhire@demo.opspath.test', email_verified: true },
  manager: { email: 'manager@demo.opspath.test', email_verified: true },
  unverified: { email: 'newhire@demo.opspath.test', email_verified: false },
  stranger: { email: 'stranger@acme.example', email_verified: true, name: 'Sam Stranger' },
  newcomer: { email: 'newcomer@acme.example', email_verified: true, name: 'Nia Newcomer' },
  leaver: { email: 'leaver@demo.opspath.test', email_verified: true },
};

const temp = tempDir('company-sign-in');
const databaseUrl = `file:${join(temp.dir, 'app.db')}`;
let opspath: Server;
let providerServer: HttpServer;
let issuer: string;
let browser: Browser;
let database: Database;
/** When set, the provider's clock runs this many ms behind while it issues tokens: its ID tokens arrive expired. */
let tokenClockSkewMs = 0;

beforeAll(async () => {
  prepareDatabase(databaseUrl);
  // The provider's address must be known before OpsPath starts, and OpsPath's before the provider knows its client:
  // listen first, attach the provider once both are known (OpsPath discovers it at the first sign-in).
  const attached: { handler?: (req: never, res: never) => void } = {};
  providerServer = createServer((req, res) => attached.handler!(req as never, res as never));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  opspath = await startServer(databaseUrl, {
    env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_NAME: PROVIDER_NAME },
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${opspath.base}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, ...identities[id] }),
    }),
    cookies: { keys: ['company-sign-in-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/token' || tokenClockSkewMs === 0) return next();
    const realNow = Date.now;
    Date.now = () => realNow() - tokenClockSkewMs;
    try {
      await next();
    } finally {
      Date.now = realNow;
    }
  });
  attached.handler = provider.callback() as never;
  database = open(databaseUrl);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  database?.close();
  await opspath?.stop();
  await new Promise((resolve) => providerServer?.close(resolve));
  temp.remove();
});

/** A new browser with no cookies; the provider's pages ask for a web font, which this machine cannot fetch. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
  return { context, page: await context.newPage() };
}

/** From OpsPath's sign-in page to the provider's login and consent pages, as `login`. */
async function signInAtProvider(page: Page, login: string) {
  await page.goto(`${opspath.base}/login`);
  await page.getByRole('link', { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await page.waitForURL(`${issuer}/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password the dev provider takes');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Signs in as `login` and waits for the page OpsPath answers the callback with. */
async function companySignIn(page: Page, login: string) {
  await signInAtProvider(page, login);
  // The callback answers with a redirect into the app, or with its own refusal page.
  await page.waitForURL((url) => url.origin === opspath.base);
}

/**
 * Signs in as `login` but holds the provider's answer back: the callback URL
 * it would have sent the browser to, and the transaction cookie. The answer
 * comes as a chain of redirects, which a route cannot stop, so the consent
 * form's post is answered here: its redirect and the provider's next one are
 * followed by hand with the browser's cookies, up to the callback address.
 */
async function captureCallback(context: BrowserContext, page: Page, login: string) {
  let callback = '';
  const consent = (url: URL) => url.href.startsWith(`${issuer}/interaction/`);
  await page.route(consent, async (route) => {
    if (route.request().method() !== 'POST' || !route.request().postData()?.includes('prompt=consent')) return route.fallback();
    let answer = await route.fetch({ maxRedirects: 0 });
    for (let hop = 0; hop < 5 && answer.status() >= 300 && answer.status() < 400; hop++) {
      const location = new URL(answer.headers().location!, issuer);
      if (location.origin === opspath.base) {
        callback = location.href;
        break;
      }
      answer = await context.request.get(location.href, { maxRedirects: 0 });
    }
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'The provider’s answer is held back by the test.' });
  });
  await signInAtProvider(page, login);
  await expect.poll(() => callback).not.toBe('');
  await page.unroute(consent);
  const transaction = (await context.cookies(opspath.base)).find((c) => c.name === 'opspath_oidc');
  expect(transaction, 'the transaction cookie is set by /auth/oidc/start').toBeDefined();
  return { callback: new URL(callback), transaction: transaction! };
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

async function lastAudit(action: string) {
  const [row] = await database.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, action))
    .orderBy(sql`${auditLog.id} desc`)
    .limit(1);
  return row;
}

async function setOrganisationSettings(patch: Record<string, boolean>) {
  const [org] = await database.db.select().from(organisations).limit(1);
  await database.db
    .update(organisations)
    .set({ settings: { ...org!.settings, ...patch } })
    .where(eq(organisations.id, org!.id));
}

describe('company sign-in', () => {
  it('signs an existing active person in by their verified email and lands in /app/', async () => {
    const { context, page } = await freshPage();
    await companySignIn(page, 'newhire');
    expect(new URL(page.url()).pathname).toBe('/app/');
    const cookies = await context.cookies(opspath.base);
    expect(cookies.find((c) => c.name === 'opspath_session')?.httpOnly).toBe(true);
    expect(
      cookies.find((c) => c.name === 'opspath_oidc'),
      'the transaction cookie is single use',
    ).toBeUndefined();
    const [person] = await database.db.select().from(users).where(eq(users.email, 'newhire@demo.opspath.test'));
    const audit = await lastAudit('auth.sign_in');
    expect(audit).toMatchObject({ actorUserId: person!.id, after: { method: 'company' } });
    await context.close();
  });

  it('refuses an unknown email with a page that names it, and creates nobody', async () => {
    const { context, page } = await freshPage();
    await companySignIn(page, 'stranger');
    expect(await heading(page)).toBe('There is no OpsPath account for you yet');
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('stranger@acme.example');
    expect(await database.db.select().from(users).where(eq(users.email, 'stranger@acme.example'))).toEqual([]);
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    expect((await lastAudit('auth.sign_in_failed'))?.after).toMatchObject({
      email: 'stranger@acme.example',
      reason: 'company sign-in: unknown email',
    });
    await context.close();
  });

  it('creates a member without a team at the first sign-in once an admin turns that on', async () => {
    // The admin turns it on in the admin area (the form is there because OIDC_* are set).
    const admin = await freshPage();
    await admin.page.goto(`${opspath.base}/login`);
    await submitSignIn(admin.page, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await admin.page.waitForURL(`${opspath.base}/app/`);
    await admin.page.goto(`${opspath.base}/app/admin/`);
    await admin.page.getByLabel(/Add people at their first sign-in/).check();
    await admin.page.getByRole('button', { name: 'Save the company sign-in settings' }).click();
    await admin.page.waitForURL(/done=company-sign-in/);
    expect(await admin.page.getByRole('status').filter({ hasText: 'settings saved' }).innerText()).toContain(
      'Company sign-in settings saved',
    );
    expect((await lastAudit('org.company_sign_in_changed'))?.after).toEqual({
      requireCompanySignIn: false,
      createPeopleOnFirstSignIn: true,
    });
    await admin.context.close();

    const { context, page } = await freshPage();
    await companySignIn(page, 'newcomer');
    expect(new URL(page.url()).pathname).toBe('/app/');
    const [created] = await database.db.select().from(users).where(eq(users.email, 'newcomer@acme.example'));
    expect(created).toMatchObject({ role: 'member', displayName: 'Nia Newcomer', active: true });
    const memberships = await database.db.all<{ n: number }>(
      sql`select count(*) as n from team_memberships where user_id = ${created!.id}`,
    );
    expect(Number(memberships[0]!.n)).toBe(0);
    const [createdAudit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'user.created'), eq(auditLog.targetId, String(created!.id))));
    expect(createdAudit).toMatchObject({ actorUserId: created!.id, after: { source: 'company sign-in', role: 'member' } });
    await context.close();
  });

  it('refuses a deactivated person even with the provider vouching for them', async () => {
    const [demo] = await database.db.select().from(users).where(eq(users.email, 'newhire@demo.opspath.test'));
    await database.db.insert(users).values({
      orgId: demo!.orgId,
      email: 'leaver@demo.opspath.test',
      displayName: 'Lee Leaver',
      passwordHash: demo!.passwordHash,
      role: 'member',
      active: false,
    });
    const { context, page } = await freshPage();
    await companySignIn(page, 'leaver');
    expect(await heading(page)).toBe('Your OpsPath account is deactivated');
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    expect((await lastAudit('auth.sign_in_failed'))?.after).toMatchObject({ reason: 'company sign-in: inactive account' });
    await context.close();
  });

  it('refuses an email the provider has not verified', async () => {
    const { context, page } = await freshPage();
    await companySignIn(page, 'unverified');
    expect(await heading(page)).toBe('Your email address is not verified');
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    await context.close();
  });

  it('refuses an answer with the wrong state, and the transaction is spent after it', async () => {
    const { context, page } = await freshPage();
    const { callback } = await captureCallback(context, page, 'newhire');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state-this-browser-sent');
    const answer = await page.goto(forged.href);
    expect(answer?.status()).toBe(400);
    expect(await heading(page)).toBe('This answer does not belong to your sign-in');
    // The genuine answer afterwards finds no sign-in in progress: the cookie went with the first try.
    const genuine = await page.goto(callback.href);
    expect(genuine?.status()).toBe(400);
    expect(await heading(page)).toBe('This sign-in has already been used or has expired');
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    await context.close();
  });

  it('refuses a replayed code, even with the transaction cookie put back', async () => {
    const { context, page } = await freshPage();
    const { callback, transaction } = await captureCallback(context, page, 'manager');
    await page.goto(callback.href);
    expect(new URL(page.url()).pathname).toBe('/app/');
    await context.clearCookies();

    // The same URL again: this browser holds no transaction any more.
    expect((await page.goto(callback.href))?.status()).toBe(400);
    expect(await heading(page)).toBe('This sign-in has already been used or has expired');

    // With the cookie restored (someone who copied both), the provider refuses the used code.
    await context.addCookies([transaction]);
    expect((await page.goto(callback.href))?.status()).toBe(400);
    expect(await heading(page)).toBe('This sign-in code was refused');
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    await context.close();
  });

  it('refuses an ID token that has expired', async () => {
    const { context, page } = await freshPage();
    tokenClockSkewMs = 2 * 60 * 60 * 1000;
    try {
      await companySignIn(page, 'newhire');
    } finally {
      tokenClockSkewMs = 0;
    }
    expect(await heading(page)).toBe('The identity answer had expired');
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    await context.close();
  });

  it('with company sign-in required, refuses a member’s password but lets an admin in', async () => {
    await setOrganisationSettings({ requireCompanySignIn: true });
    const member = await freshPage();
    await member.page.goto(`${opspath.base}/login`);
    await submitSignIn(member.page, 'newhire@demo.opspath.test', DEMO_PASSWORD);
    await expect
      .poll(() => member.page.getByRole('alert').innerText())
      .toBe(`Your organisation signs in with ${PROVIDER_NAME}. Use the “Sign in with ${PROVIDER_NAME}” button.`);
    expect(new URL(member.page.url()).pathname).toBe('/login');
    expect((await lastAudit('auth.sign_in_failed'))?.after).toMatchObject({ reason: 'company sign-in required' });
    // Company sign-in still works for them.
    await companySignIn(member.page, 'newhire');
    expect(new URL(member.page.url()).pathname).toBe('/app/');
    await member.context.close();

    const admin = await freshPage();
    await admin.page.goto(`${opspath.base}/login`);
    await submitSignIn(admin.page, 'admin@demo.opspath.test', DEMO_PASSWORD);
    await admin.page.waitForURL(`${opspath.base}/app/`);
    await admin.context.close();
  });

  it('says so when the person cancels at the provider, and signs nobody in', async () => {
    const { context, page } = await freshPage();
    await page.goto(`${opspath.base}/login`);
    await page.getByRole('link', { name: `Sign in with ${PROVIDER_NAME}` }).click();
    await page.waitForURL(`${issuer}/**`);
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
    await page.waitForURL((url) => url.origin === opspath.base);
    expect(await heading(page)).toBe(`${PROVIDER_NAME} did not sign you in`);
    expect((await context.cookies(opspath.base)).find((c) => c.name === 'opspath_session')).toBeUndefined();
    await context.close();
  });

  it('keeps the sign-in page, a refusal page and the admin settings accessible and valid HTML', async () => {
    const { context, page } = await freshPage();
    const dir = mkdtempSync(join(tmpdir(), 'opspath-company-vnu-'));
    const files = new Map<string, string>();
    const keep = async (label: string) => {
      const file = join(dir, `${files.size}.html`);
      // The markup as served, not as the browser rebuilt it.
      writeFileSync(file, await (await context.request.get(page.url())).text());
      files.set(`file:${file}`, label);
    };
    try {
      await page.goto(`${opspath.base}/login`);
      await checkA11y(page, 'sign-in page with the company button');
      await keep('/login');
      await page.goto(`${opspath.base}/auth/oidc/callback?code=x&state=y`);
      expect(await heading(page)).toBe('This sign-in has already been used or has expired');
      await checkA11y(page, 'company sign-in refusal');
      await keep('/auth/oidc/callback');
      await page.goto(`${opspath.base}/login`);
      await submitSignIn(page, 'admin@demo.opspath.test', DEMO_PASSWORD);
      await page.waitForURL(`${opspath.base}/app/`);
      await page.goto(`${opspath.base}/app/admin/`);
      await expect.poll(() => page.getByRole('group', { name: `Company sign-in with ${PROVIDER_NAME}` }).count()).toBe(1);
      await checkA11y(page, 'admin settings with company sign-in');
      await keep('/app/admin/');
      expect(files.size).toBe(3);
      const errors = vnuErrors(await vnu([...files.keys()].map((url) => url.slice('file:'.length))));
      expect(errors.map((m) => `${files.get(m.url) ?? m.url}:${m.lastLine ?? '?'}: ${m.message}`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await context.close();
    }
  });

  it('says so on the sign-in page when the provider cannot be reached', async () => {
    const { context, page } = await freshPage();
    // A second server whose issuer answers nothing: discovery fails, the password form stays.
    const unreachable = await startServer(databaseUrl, {
      env: { OIDC_ISSUER: 'http://127.0.0.1:9/', OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_NAME: PROVIDER_NAME },
    });
    try {
      await page.goto(`${unreachable.base}/login`);
      await page.getByRole('link', { name: `Sign in with ${PROVIDER_NAME}` }).click();
      await page.waitForURL(`${unreachable.base}/login?company=unavailable`);
      expect(await page.getByRole('alert').innerText()).toBe(
        `Sign-in with ${PROVIDER_NAME} is not available right now. Try again in a few minutes.`,
      );
      await expect.poll(() => page.getByLabel('Password', { exact: true }).count()).toBe(1);
    } finally {
      await unreachable.stop();
      await context.close();
    }
  });
});
