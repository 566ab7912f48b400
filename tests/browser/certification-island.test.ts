// The certification tracker islands (ADR 037) against the built server, in Chromium:
// - POST /app/certifications/records: who may add and renew (only their own records: another
//   person's record is 404 for a member, a manager, an admin and another organisation), bad input
//   is 400 with the form's field errors and stores nothing;
// - My certifications with JavaScript: add and renew in a dialog, the expiry computed as you type,
//   the row updated without a page load, a refusal rolled back with the server's message; the
//   verification link recorded from the dialog and shown in the row, or the server's refusal of it
//   under its field with what was typed kept;
//   without JavaScript the page's forms still add a record;
// - the compliance matrix with JavaScript: the name and state filters and the counts apply at once,
//   a month on the timeline narrows and marks the rows; without JavaScript the GET form filters;
// - axe on both pages, with the dialog open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { checkA11y, launchBrowser, signedInPage, islandTakesOver } from '../support/browser.ts';
import { accessVisitors, baseUrl, createOrganisation, createPerson, serverDatabase, signedIn, type Visitor } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, organisations, users } from '#server/db/schema.ts';
import { addDays, addMonths, formatDay, formatMonth, localDate, monthOf } from '#domain/calendar.ts';
import { computeExpiry } from '#domain/certifications.ts';
import { settingsFrom } from '#server/certifications/queries.ts';

const base = baseUrl();
let browser: Browser;
let database: Database;
let today: string;
// An address of the shape Microsoft Learn shares credentials under; the test never follows it.
const LINK = 'https://learn.microsoft.com/api/credentials/share/en-us/test/1';
const PL300 = { id: 'ms-pl300', name: 'PL-300', shortName: 'PL-300', validity: { kind: 'months' as const, months: 12 } };

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  const [admin] = await database.db.select().from(users).where(eq(users.email, 'admin@demo.opspath.test'));
  const [org] = await database.db.select().from(organisations).where(eq(organisations.id, admin!.orgId));
  today = localDate(new Date(), settingsFrom(org!.settings).timeZone);
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

async function earnedRecord(person: { id: number; orgId: number }, certificationId: string, earnedOn: string, months: number) {
  const [row] = await database.db
    .insert(certificationRecords)
    .values({
      orgId: person.orgId,
      userId: person.id,
      certificationId,
      status: 'earned',
      earnedOn,
      expiresOn: addMonths(earnedOn, months),
      expirySource: 'computed',
      createdBy: person.id,
    })
    .returning();
  return row!;
}
const recordsOf = (userId: number) => database.db.select().from(certificationRecords).where(eq(certificationRecords.userId, userId));
const recordCount = async () => ((await database.db.all(sql`select count(*) as n from certification_records`)) as [{ n: number }])[0].n;

/** A marker on window that a page load would wipe, and the navigation entries (one: no reload). */
const markPage = (page: Page) => page.evaluate(() => Object.assign(window, { __stayed: true }));
async function expectNoPageLoad(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __stayed?: boolean }).__stayed)).toBe(true);
  expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
}

describe('POST /app/certifications/records', () => {
  let visitors: Record<'anonymous' | 'member' | 'otherManager' | 'manager' | 'admin', Visitor>;
  let member: Awaited<ReturnType<typeof createPerson>>;
  let someoneElse: Awaited<ReturnType<typeof createPerson>>;
  let otherOrg: Visitor;
  let theirRecordId: number;

  beforeAll(async () => {
    member = await createPerson(database, { label: 'certisland-api', team: 'Warehouse Operations' });
    someoneElse = await createPerson(database, { label: 'certisland-other', team: 'Warehouse Operations' });
    theirRecordId = (await earnedRecord(someoneElse, 'ms-pl300', addMonths(today, -6), 12)).id;
    visitors = await accessVisitors(member, ['otherManager', 'manager', 'admin']);
    const scratch = await createOrganisation(database, 'certisland');
    otherOrg = await signedIn(scratch.admin.email, scratch.admin.password);
  });

  it('adds an own record and answers it with the certification state', async () => {
    const earnedOn = addMonths(today, -2);
    const res = await visitors.member.postJson(
      '/app/certifications/records',
      { intent: 'add', certificationId: 'ms-pl300', status: 'earned', earnedOn },
      base,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { record: { id: number; expiresOn: string }; state: { state: string; currentId: number } };
    const expected = computeExpiry(PL300, earnedOn).expiresOn;
    expect(body.record.expiresOn).toBe(expected);
    expect(body.state).toMatchObject({ state: 'valid', currentId: body.record.id });
    const stored = await recordsOf(member.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ certificationId: 'ms-pl300', earnedOn, expiresOn: expected, expirySource: 'computed' });
  });

  it.each([
    ['an earned record without a date', () => ({ intent: 'add', certificationId: 'ms-pl300', status: 'earned' }), 'earnedOn'],
    [
      'an earned date in the future',
      () => ({ intent: 'add', certificationId: 'ms-pl300', status: 'earned', earnedOn: addDays(today, 3) }),
      'earnedOn',
    ],
    ['a certification not in the catalog', () => ({ intent: 'add', certificationId: 'nope', status: 'planned' }), 'certificationId'],
    ['no intent', () => ({ certificationId: 'ms-pl300', status: 'planned' }), 'intent'],
  ])('refuses %s with 400 and the field error, storing nothing', async (_label, payload, field) => {
    const before = await recordCount();
    const res = await visitors.member.postJson('/app/certifications/records', payload(), base);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors?: Record<string, string> };
    expect(body.fieldErrors?.[field]).toBeTruthy();
    expect(await recordCount()).toBe(before);
  });

  it.each(['member', 'otherManager', 'manager', 'admin', 'otherOrg'] as const)(
    "renewing someone else's record as %s is 404 and stores nothing",
    async (who) => {
      const visitor = who === 'otherOrg' ? otherOrg : visitors[who];
      const before = await recordCount();
      const res = await visitor.postJson(
        '/app/certifications/records',
        { intent: 'renew', recordId: theirRecordId, earnedOn: today },
        base,
      );
      expect(res.status).toBe(404);
      expect(await recordCount()).toBe(before);
      expect(await recordsOf(someoneElse.id)).toHaveLength(1);
    },
  );

  it('answers 401 without a session, 403 cross-site, 415 for a form post, 405 for GET', async () => {
    const before = await recordCount();
    const payload = { intent: 'add', certificationId: 'pmi-pmp', status: 'planned' };
    expect((await visitors.anonymous.postJson('/app/certifications/records', payload, base)).status).toBe(401);
    expect((await visitors.member.postJson('/app/certifications/records', payload, 'https://evil.example')).status).toBe(403);
    expect((await visitors.member.post('/app/certifications/records', payload)).status).toBe(415);
    expect((await visitors.member.get('/app/certifications/records')).status).toBe(405);
    expect(await recordCount()).toBe(before);
  });
});

describe('My certifications, with and without JavaScript', () => {
  it('loads at the first use of the page; a keyboard user on "Add a certification" is on the island\'s button', async () => {
    const person = await createPerson(database, { label: 'certisland-focus', team: 'Warehouse Operations' });
    const { context, page } = await signedInPage(browser, base, person.email, person.password);
    await page.goto(`${base}/app/certifications/me/`);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('.cert-tracker').count()).toBe(0);
    await page.locator('#cert-summary-server a[href="#form-add"]').focus();
    await page.locator('.cert-tracker').waitFor();
    expect(await page.locator('#cert-summary-server').count()).toBe(0);
    await expect(page.evaluate(() => document.activeElement?.matches('.cert-tracker button[data-add]'))).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await context.close();
  });

  it('adds in a dialog with the expiry computed as you type, without a page load', async () => {
    const person = await createPerson(database, { label: 'certisland-add', team: 'Warehouse Operations' });
    const { context, page } = await signedInPage(browser, base, person.email, person.password);
    await page.goto(`${base}/app/certifications/me/`);
    await islandTakesOver(page, '.cert-tracker');
    expect(await page.locator('#cert-summary-server').count()).toBe(0);
    await markPage(page);
    await page.getByRole('button', { name: 'Add a certification' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a certification' });
    await dialog.waitFor();
    await dialog.getByLabel('Certification').selectOption('ms-pl300');
    const earnedOn = addMonths(today, -3);
    await dialog.getByLabel('Earned on').fill(earnedOn);
    const expected = computeExpiry(PL300, earnedOn).expiresOn!;
    await expect(dialog.locator('#dlg-expiry').innerText()).resolves.toContain(`Expires on ${formatDay(expected)}`);
    await checkA11y(page, 'add dialog');
    // Escape closes it; the values are not kept.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Add a certification' }).click();
    await dialog.getByLabel('Certification').selectOption('ms-pl300');
    await dialog.getByLabel('Earned on').fill(earnedOn);
    await dialog.getByRole('button', { name: 'Add certification' }).click();
    await page.locator('#tracker-status', { hasText: 'Saved' }).waitFor();
    const row = page.locator('table.summary tbody tr[data-cert="ms-pl300"]');
    await expect(row.locator('.cert-state').innerText()).resolves.toBe('Valid');
    await expect(row.innerText()).resolves.toContain(formatDay(expected));
    await expectNoPageLoad(page);
    const stored = await recordsOf(person.id);
    expect(stored.map((r) => [r.certificationId, r.earnedOn, r.expiresOn])).toEqual([['ms-pl300', earnedOn, expected]]);
    await context.close();
  });

  it('renews in the dialog; a refused renewal rolls the row back and shows the server message in the dialog', async () => {
    const person = await createPerson(database, { label: 'certisland-renew', team: 'Warehouse Operations' });
    const first = await earnedRecord(person, 'ms-pl300', addDays(addMonths(today, -12), 20), 12);
    const { context, page } = await signedInPage(browser, base, person.email, person.password);
    await page.goto(`${base}/app/certifications/me/`);
    const row = page.locator('table.summary[data-island] tbody tr[data-cert="ms-pl300"]');
    await islandTakesOver(page, 'table.summary[data-island] tbody tr[data-cert="ms-pl300"]');
    await expect(row.locator('.cert-state').innerText()).resolves.toBe('Expiring');
    await markPage(page);

    // Refused: a renewal earned before the record it renews. The server says so; the row goes back.
    await row.getByRole('button', { name: /Renew/ }).click();
    const dialog = page.getByRole('dialog', { name: /Renew/ });
    await dialog.getByLabel('Earned on').fill(addDays(first.earnedOn!, -5));
    await dialog.getByRole('button', { name: 'Record renewal' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    await dialog.waitFor();
    await expect(dialog.locator('#dlg-earnedOn-error').innerText()).resolves.toContain('after the record it renews');
    await expect(row.locator('.cert-state').innerText()).resolves.toBe('Expiring');
    expect(await recordsOf(person.id)).toHaveLength(1);

    // Accepted.
    await dialog.getByLabel('Earned on').fill(today);
    await expect(dialog.locator('#dlg-expiry').innerText()).resolves.toContain(formatDay(addMonths(today, 12)));
    await dialog.getByRole('button', { name: 'Record renewal' }).click();
    await page.locator('#tracker-status', { hasText: 'Saved' }).waitFor();
    await expect(row.locator('.cert-state').innerText()).resolves.toBe('Valid');
    await expectNoPageLoad(page);
    const stored = await recordsOf(person.id);
    expect(stored).toHaveLength(2);
    expect(stored.find((r) => r.id !== first.id)).toMatchObject({
      renewsRecordId: first.id,
      earnedOn: today,
      expiresOn: addMonths(today, 12),
    });
    await context.close();
  });

  it('adds with a verification link: the row links to it, and still does after a reload', async () => {
    const person = await createPerson(database, { label: 'certisland-link', team: 'Warehouse Operations' });
    const { context, page } = await signedInPage(browser, base, person.email, person.password);
    await page.goto(`${base}/app/certifications/me/`);
    await islandTakesOver(page, '.cert-tracker');
    await page.getByRole('button', { name: 'Add a certification' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a certification' });
    await dialog.getByLabel('Certification').selectOption('ms-pl300');
    await dialog.getByLabel('Earned on').fill(addMonths(today, -1));
    await dialog.getByLabel('Credential id (optional)').fill('PL300-4711');
    // Spaces around it, as a paste brings them: the row links to the address as the server stored it.
    await dialog.getByLabel('Verification link (optional)').fill(`  ${LINK}  `);
    await dialog.getByRole('button', { name: 'Add certification' }).click();
    await page.locator('#tracker-status', { hasText: 'Saved' }).waitFor();
    const verify = (table: string) => page.locator(`${table} tbody tr[data-cert="ms-pl300"] td.verification a`);
    await expect(verify('table.summary[data-island]').getAttribute('href')).resolves.toBe(LINK);
    await expect(verify('table.summary[data-island]').innerText()).resolves.toContain('Verify');
    expect((await recordsOf(person.id)).map((r) => [r.credentialId, r.verificationUrl])).toEqual([['PL300-4711', LINK]]);

    await page.reload();
    // The server's summary (the page until the island comes) and then the island both link to it.
    await expect(verify('#cert-summary-server table.summary').getAttribute('href')).resolves.toBe(LINK);
    await islandTakesOver(page, 'table.summary[data-island]');
    await expect(verify('table.summary[data-island]').getAttribute('href')).resolves.toBe(LINK);
    await context.close();
  });

  it("a refused link: the server's message under the field, what was typed kept, nothing stored", async () => {
    const person = await createPerson(database, { label: 'certisland-badlink', team: 'Warehouse Operations' });
    const { context, page } = await signedInPage(browser, base, person.email, person.password);
    await page.goto(`${base}/app/certifications/me/`);
    await islandTakesOver(page, '.cert-tracker');
    await markPage(page);
    await page.getByRole('button', { name: 'Add a certification' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a certification' });
    const earnedOn = addMonths(today, -1);
    const typed = {
      'Credential id (optional)': 'PL300-0815',
      // No scheme: not a web link for the server's rule.
      'Verification link (optional)': 'www.credly.com/badges/42',
      'Note (optional)': 'Passed on the second attempt.',
    };
    await dialog.getByLabel('Certification').selectOption('ms-pl300');
    await dialog.getByLabel('Earned on').fill(earnedOn);
    for (const [label, value] of Object.entries(typed)) await dialog.getByLabel(label).fill(value);
    const answered = page.waitForResponse((r) => r.url() === `${base}/app/certifications/records` && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Add certification' }).click();
    const answer = await answered;
    expect(answer.status()).toBe(400);
    const refusal = ((await answer.json()) as { fieldErrors?: Record<string, string> }).fieldErrors?.verificationUrl;
    expect(refusal).toBeTruthy();

    await page.getByRole('alert').filter({ hasText: 'Not saved' }).waitFor();
    await dialog.waitFor();
    await expect(dialog.locator('#dlg-verificationUrl-error').innerText()).resolves.toBe(refusal);
    const input = dialog.getByLabel('Verification link (optional)');
    await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(input.getAttribute('aria-describedby')).resolves.toContain('dlg-verificationUrl-error');
    for (const [label, value] of Object.entries(typed)) await expect(dialog.getByLabel(label).inputValue()).resolves.toBe(value);
    await expect(dialog.getByLabel('Certification').inputValue()).resolves.toBe('ms-pl300');
    await expect(dialog.getByLabel('Earned on').inputValue()).resolves.toBe(earnedOn);
    // The optimistic row went back: there was none.
    expect(await page.locator('table.summary[data-island] tbody tr[data-cert="ms-pl300"]').count()).toBe(0);
    expect(await recordsOf(person.id)).toEqual([]);
    await checkA11y(page, 'add dialog with a refused link');

    // Corrected in place, it saves.
    await input.fill(LINK);
    await dialog.getByRole('button', { name: 'Add certification' }).click();
    await page.locator('#tracker-status', { hasText: 'Saved' }).waitFor();
    await expect(
      page.locator('table.summary[data-island] tbody tr[data-cert="ms-pl300"] td.verification a').getAttribute('href'),
    ).resolves.toBe(LINK);
    await expectNoPageLoad(page);
    expect((await recordsOf(person.id)).map((r) => [r.credentialId, r.verificationUrl, r.note])).toEqual([
      [typed['Credential id (optional)'], LINK, typed['Note (optional)']],
    ]);
    await context.close();
  });

  it('without JavaScript shows the server summary and the add form still works', async () => {
    const person = await createPerson(database, { label: 'certisland-nojs', team: 'Warehouse Operations' });
    const { context, page } = await signedInPage(browser, base, person.email, person.password, { javaScriptEnabled: false });
    await page.goto(`${base}/app/certifications/me/`);
    expect(await page.locator('#cert-summary-server a[href="#form-add"]').count()).toBe(1);
    const form = page.locator('#form-add form');
    await form.getByLabel('Certification').selectOption('pmi-pmp');
    await form.getByLabel('Status').selectOption('planned');
    await Promise.all([page.waitForURL(/done=added/), form.getByRole('button', { name: 'Add certification' }).click()]);
    expect((await recordsOf(person.id)).map((r) => [r.certificationId, r.status])).toEqual([['pmi-pmp', 'planned']]);
    await expect(page.locator('#cert-summary-server tr[data-cert="pmi-pmp"]').innerText()).resolves.toContain('Planned');
    await context.close();
  });
});

describe('compliance matrix, with and without JavaScript', () => {
  let expiring: Awaited<ReturnType<typeof createPerson>>;
  let steady: Awaited<ReturnType<typeof createPerson>>;
  let expiryMonth: string;

  beforeAll(async () => {
    expiring = await createPerson(database, {
      label: 'certisland-exp',
      team: 'Warehouse Operations',
      displayName: `Zed Expiring ${Date.now()}`,
    });
    steady = await createPerson(database, {
      label: 'certisland-ok',
      team: 'Warehouse Operations',
      displayName: `Zed Steady ${Date.now()}`,
    });
    const soon = await earnedRecord(expiring, 'ms-pl300', addDays(addMonths(today, -12), 20), 12);
    expiryMonth = monthOf(soon.expiresOn!);
    await earnedRecord(steady, 'ms-pl300', addMonths(today, -1), 12);
  });

  it('loads at the first use of the page, not with it, and keeps a filter chosen on the server form before it came', async () => {
    const { context, page } = await signedInPage(browser, base, 'manager@demo.opspath.test', 'opspath-demo');
    // Hold the island's script back, as a slow network would, to choose a filter on the server's form first.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const islandScripts: string[] = [];
    await page.route(/\/_astro\/ComplianceIsland[^/]*\.js$/, async (route) => {
      islandScripts.push(route.request().url());
      await held;
      await route.continue();
    });
    await page.goto(`${base}/app/certifications/`);
    await page.waitForLoadState('networkidle');
    expect(islandScripts).toEqual([]);
    expect(await page.locator('table.matrix[data-island]').count()).toBe(0);
    await page.locator('#f-state').focus();
    await page.locator('#f-state').selectOption('expiring');
    await expect.poll(() => islandScripts.length).toBe(1);
    release();
    await page.locator('table.matrix[data-island]').waitFor();
    await expect(page.locator('#c-state').inputValue()).resolves.toBe('expiring');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('c-state');
    const names = await page.locator('table.matrix tbody th .person').allInnerTexts();
    expect(names).toContain(expiring.displayName);
    expect(names).not.toContain(steady.displayName);
    await context.close();
  });

  it('filters and counts as you type, and a month on the timeline narrows the rows, without a page load', async () => {
    const { context, page } = await signedInPage(browser, base, 'manager@demo.opspath.test', 'opspath-demo');
    await page.goto(`${base}/app/certifications/`);
    await islandTakesOver(page, 'table.matrix[data-island]');
    expect(await page.locator('#compliance-server').count()).toBe(0);
    await markPage(page);
    const names = () => page.locator('table.matrix tbody th .person').allInnerTexts();
    await page.getByLabel('Name contains').fill('Zed ');
    expect((await names()).sort()).toEqual([expiring.displayName, steady.displayName].sort());
    await expect(page.locator('[data-count="expiring"] .count').innerText()).resolves.toBe('1');
    await expect(page.locator('[data-count="valid"] .count').innerText()).resolves.toBe('1');
    await page.locator('#c-state').selectOption('expiring');
    expect(await names()).toEqual([expiring.displayName]);
    await expect(page.locator('[data-count="valid"] .count').innerText()).resolves.toBe('0');
    await page.locator('#c-state').selectOption('');

    const bar = page.locator(`.expiry-chart button[data-month="${expiryMonth}"]`);
    // The timeline hydrates when it scrolls into view; before that its bars are not buttons.
    await page.locator('.expiry-chart').scrollIntoViewIfNeeded();
    await bar.click();
    await expect(bar.getAttribute('aria-pressed')).resolves.toBe('true');
    // Its accessible name is the month and the count, as the table beside it says.
    expect((await bar.innerText()).replace(/\s+/g, ' ')).toContain(formatMonth(expiryMonth));
    expect(await names()).toEqual([expiring.displayName]);
    expect(await page.locator('table.matrix tbody tr td.hit[data-cert="ms-pl300"]').count()).toBe(1);
    await checkA11y(page, 'compliance matrix, month chosen');
    await bar.click();
    expect((await names()).sort()).toEqual([expiring.displayName, steady.displayName].sort());
    await expectNoPageLoad(page);
    await context.close();
  });

  it('without JavaScript the GET filter form filters', async () => {
    const { context, page } = await signedInPage(browser, base, 'manager@demo.opspath.test', 'opspath-demo', { javaScriptEnabled: false });
    await page.goto(`${base}/app/certifications/`);
    await page.selectOption('#f-state', 'expiring');
    await Promise.all([page.waitForURL(/state=expiring/), page.click('button:has-text("Apply filters")')]);
    const shown = await page.locator('#compliance-server table.matrix tbody th .person').allInnerTexts();
    expect(shown).toContain(expiring.displayName);
    expect(shown).not.toContain(steady.displayName);
    await context.close();
  });
});
