// The certification tracker against the built server, in Chromium:
// - a manager sees an expiring certification flagged in the compliance
//   matrix (and the timeline island hydrates when scrolled into view), and marks
//   its reminder handled from the dashboard;
// - a member adds a certification, renews it, and the history shows both
//   records; invalid input is explained and kept;
// - the .ics feed parses and holds the expected all-day events, and stops
//   working once turned off;
// - axe reports no violations on every tracker page;
// - anonymous requests to every page and endpoint are sent to sign in (401 for
//   endpoints), and members / managers of another team are refused.
// Fixtures are fresh people created for this file, so other test files
// sharing the server cannot disturb them (and they disturb nobody).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { checkA11y, launchBrowser, islandTakesOver } from '../support/browser.ts';
import { baseUrl, createPerson, serverDatabase, signedIn, teamId, Visitor } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, organisations, users } from '#server/db/schema.ts';
import { addDays, addMonths, localDate } from '#domain/calendar.ts';
import { settingsFrom } from '#server/certifications/queries.ts';

let browser: Browser;
let database: Database;
let warehouseId: number;
let customerId: number;
let today: string;
let leadDays: number[];

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  warehouseId = await teamId(database, 'Warehouse Operations');
  customerId = await teamId(database, 'Customer Operations');
  const [admin] = await database.db.select().from(users).where(eq(users.email, 'admin@demo.opspath.test'));
  const [org] = await database.db.select().from(organisations).where(eq(organisations.id, admin!.orgId));
  const settings = settingsFrom(org!.settings);
  today = localDate(new Date(), settings.timeZone);
  leadDays = settings.leadDays;
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

async function signInPage(email: string, password = 'opspath-demo'): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/app\//), page.click('form button[type=submit]:has-text("Sign in")')]);
  return page;
}

/** axe on one part of a page that other features also render into (the dashboard). */
async function checkA11yOf(page: Page, selector: string) {
  const results = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

// --- a tiny iCalendar reader -------------------------------------------------------
// The feed uses a small subset of RFC 5545 (VCALENDAR with all-day VEVENTs).
// Thirty lines check what matters here (CRLF line ends, folding, BEGIN/END
// nesting, escaped text) without adding a parser dependency that would
// accept more than a strict calendar application does.
type IcsEvent = Record<string, { params: Record<string, string>; value: string }>;

function parseIcs(text: string): { calendar: Record<string, string>; events: IcsEvent[] } {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // only CRLF line ends
  const physical = text.split('\r\n').slice(0, -1);
  for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  const lines = physical.reduce<string[]>((acc, line) => {
    if (/^[ \t]/.test(line)) acc[acc.length - 1] += line.slice(1);
    else acc.push(line);
    return acc;
  }, []);
  const unescape = (v: string) => v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
  const stack: string[] = [];
  const calendar: Record<string, string> = {};
  const events: IcsEvent[] = [];
  for (const line of lines) {
    const m = /^([A-Z0-9-]+)((?:;[^:]*)?):(.*)$/.exec(line);
    expect(m, `content line: ${line}`).not.toBeNull();
    const [, name, rawParams, value] = m!;
    if (name === 'BEGIN') {
      stack.push(value!);
      if (value === 'VEVENT') events.push({});
      continue;
    }
    if (name === 'END') {
      expect(stack.pop()).toBe(value);
      continue;
    }
    const params = Object.fromEntries(
      rawParams!
        .split(';')
        .filter(Boolean)
        .map((p) => p.split('=') as [string, string]),
    );
    if (stack.at(-1) === 'VEVENT') events.at(-1)![name!] = { params, value: unescape(value!) };
    else if (stack.at(-1) === 'VCALENDAR') calendar[name!] = unescape(value!);
  }
  expect(stack).toEqual([]);
  return { calendar, events };
}

describe('anonymous and refused requests', () => {
  const pages = ['/app/certifications/', '/app/certifications/me/', '/app/certifications/reminders', '/app/certifications/settings'];

  it('sends anonymous visitors to sign in (pages) or answers 401 (export); posts change nothing', async () => {
    const anonymous = new Visitor();
    for (const path of pages) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
    }
    expect((await anonymous.get('/app/certifications/export.csv')).status).toBe(401);
    const before = await database.db.select().from(certificationRecords);
    for (const [path, form] of [
      ['/app/certifications/me/', { intent: 'add', certificationId: 'pmi-pmp', status: 'planned' }],
      ['/app/certifications/reminders', { recordId: '1', reminderOn: today }],
      ['/app/certifications/settings', { intent: 'settings', leadDays: '1' }],
    ] as const) {
      const res = await anonymous.post(path, form);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login/);
    }
    expect(await database.db.select().from(certificationRecords)).toEqual(before);
  });

  it("refuses members the matrix, export and settings; another team's id is 404 for a manager", async () => {
    const fresh = await createPerson(database, { label: 'cert-refused', team: 'Warehouse Operations' });
    const member = await signedIn(fresh.email, fresh.password);
    // The matrix sends a member to their own certifications, as the skills matrix does with skills.
    const matrix = await member.get('/app/certifications/');
    expect(matrix.status).toBe(303);
    expect(matrix.headers.get('location')).toBe('/app/certifications/me/');
    expect((await member.get('/app/certifications/export.csv')).status).toBe(403);
    expect((await member.get('/app/certifications/settings')).status).toBe(403);
    expect((await member.get('/app/certifications/me/')).status).toBe(200);
    const manager2 = await signedIn('manager2@demo.opspath.test');
    expect((await manager2.get(`/app/certifications/?team=${warehouseId}`)).status).toBe(404);
    expect((await manager2.get(`/app/certifications/export.csv?team=${warehouseId}`)).status).toBe(404);
    expect((await manager2.get(`/app/certifications/?team=${customerId}`)).status).toBe(200);
    const bytes = Buffer.from(await (await manager2.get('/app/certifications/export.csv')).arrayBuffer());
    // A UTF-8 byte-order mark first, so spreadsheets read names correctly.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    // The demo organisation's spreadsheets are Romanian: semicolons (decision 019).
    expect(csv).toMatch(/^Person;Team;/);
    expect(csv).not.toContain('Warehouse Operations');
    const settingsBefore = await database.db.select().from(organisations);
    expect((await member.post('/app/certifications/settings', { intent: 'settings', leadDays: '5' })).status).toBe(403);
    expect(await database.db.select().from(organisations)).toEqual(settingsBefore);
  });
});

describe('manager', () => {
  it('sees an expiring certification flagged, filters by state, sees the chart, and passes axe', async () => {
    const person = await createPerson(database, { label: 'cert-expiring', team: 'Warehouse Operations' });
    const earnedOn = addDays(addMonths(today, -12), 10);
    await database.db.insert(certificationRecords).values({
      orgId: person.orgId,
      userId: person.id,
      certificationId: 'ms-pl300',
      status: 'earned',
      earnedOn,
      expiresOn: addMonths(earnedOn, 12),
      expirySource: 'computed',
      createdBy: person.id,
    });
    const page = await signInPage('manager@demo.opspath.test');
    await page.goto(`${baseUrl()}/app/certifications/`);
    const row = page.locator('table.matrix tbody tr', { has: page.locator('th', { hasText: person.displayName }) });
    const cell = row.locator('td[data-cert="ms-pl300"]');
    await expect(cell.locator('.cert-state').textContent()).resolves.toBe('Expiring');
    // Off-screen cells are drawn only as they come near the screen (content-visibility): look at it, as a reader would.
    await cell.scrollIntoViewIfNeeded();
    await expect.poll(() => cell.innerText()).toMatch(/Expires in (9|10|11) days/);
    await checkA11y(page, 'compliance matrix');

    // The island filters at once (certification-island.test.ts has the page without JavaScript).
    await islandTakesOver(page, 'table.matrix[data-island]');
    await page.selectOption('#c-state', 'expiring');
    const names = await page.locator('table.matrix tbody th').allInnerTexts();
    expect(names.some((n) => n.includes(person.displayName))).toBe(true);

    // The timeline island loads only when scrolled into view, in its reserved box.
    const chart = page.locator('.expiry-chart');
    const box = await chart.boundingBox();
    expect(box?.height).toBe(240);
    await chart.scrollIntoViewIfNeeded();
    await page.locator('.expiry-chart button.bar-button').first().waitFor({ timeout: 15_000 });
    expect((await chart.boundingBox())?.height).toBe(240);
    await expect(page.locator('#timeline-title + p + figure + .table-wrap').innerText()).resolves.toContain(person.displayName);

    // The dashboard reminder widget: the holder's manager marks it handled.
    await page.goto(`${baseUrl()}/app/`);
    const widget = page.locator('#certification-reminders');
    const item = widget.locator('li', { hasText: person.displayName });
    await expect(item.innerText()).resolves.toContain('Power BI');
    await checkA11yOf(page, '#certification-reminders');
    await Promise.all([page.waitForURL(/reminder=handled/), item.locator('button').click()]);
    await expect(widget.locator('.notice').innerText()).resolves.toBe('Reminder marked handled.');
    expect(await widget.locator('li', { hasText: person.displayName }).count()).toBe(0);

    await page.goto(`${baseUrl()}/app/certifications/reminders`);
    await checkA11y(page, 'reminders page');
    await page.context().close();
  });

  it('admin settings page passes axe and shows the policy', async () => {
    const page = await signInPage('admin@demo.opspath.test');
    await page.goto(`${baseUrl()}/app/certifications/settings`);
    await expect(page.locator('#leadDays').inputValue()).resolves.toBe(leadDays.join(', '));
    await checkA11y(page, 'certification settings');
    await page.fill('#leadDays', '90, zero');
    await page.click('button:has-text("Save reminder settings")');
    await expect(page.locator('#leadDays-error').innerText()).resolves.toContain('"zero" is not a whole number');
    await expect(page.locator('#leadDays').inputValue()).resolves.toBe('90, zero');
    await checkA11y(page, 'certification settings with an error');
    await page.context().close();
  });
});

describe('member', () => {
  it('adds a certification, renews it, sees both records in the history, and subscribes to a calendar feed', async () => {
    const person = await createPerson(database, { label: 'cert-renewer', team: 'Customer Operations', password: 'renewer-password' });
    const page = await signInPage(person.email, 'renewer-password');
    await page.goto(`${baseUrl()}/app/certifications/me/`);
    await checkA11y(page, 'my certifications (empty)');

    const firstEarned = addDays(today, -400);
    await page.selectOption('#add-certificationId', 'ms-pl300');
    await page.selectOption('#add-status', 'earned');
    await page.fill('#add-earnedOn', firstEarned);
    await page.fill('#add-verificationUrl', 'javascript:alert(1)');
    await page.click('button:has-text("Add certification")');
    // Refused with a clear message; what was typed is kept.
    await expect(page.locator('#add-verificationUrl-error').innerText()).resolves.toContain('https://');
    await expect(page.locator('#add-earnedOn').inputValue()).resolves.toBe(firstEarned);
    expect(await database.db.select().from(certificationRecords).where(eq(certificationRecords.userId, person.id))).toEqual([]);
    await page.fill('#add-verificationUrl', 'https://learn.microsoft.com/api/credentials/share/en-us/test/1');
    await Promise.all([page.waitForURL(/done=added/), page.click('button:has-text("Add certification")')]);

    const card = page.locator('#cert-ms-pl300');
    await expect(card.locator('.cert-state').first().textContent()).resolves.toBe('Expired');
    await card.locator('details[id^="form-renew-"] > summary').click();
    const renewEarned = addDays(today, -10);
    const form = card.locator('details[id^="form-renew-"] form');
    // A future earned date is refused and explained.
    await form.locator('input[name="earnedOn"]').fill(addDays(today, 5));
    await form.locator('button[type=submit]').click();
    const renewForm = page.locator('#cert-ms-pl300 details[id^="form-renew-"][open]');
    await expect(renewForm.locator('.field-error').first().innerText()).resolves.toContain('cannot be in the future');
    await renewForm.locator('input[name="earnedOn"]').fill(renewEarned);
    await renewForm.locator('input[name="credentialId"]').fill('PL300-RENEWED');
    await Promise.all([page.waitForURL(/done=renewed/), renewForm.locator('button[type=submit]').click()]);

    await expect(card.locator('.cert-state').first().textContent()).resolves.toBe('Valid');
    const rows = card.locator('table.history tbody tr');
    expect(await rows.count()).toBe(2);
    const newExpiry = addMonths(renewEarned, 12);
    await expect(rows.nth(0).innerText()).resolves.toMatch(/Current[\s\S]*Renewal of the record earned/);
    await expect(rows.nth(0).innerText()).resolves.toContain('PL300-RENEWED');
    await expect(rows.nth(1).innerText()).resolves.toContain('Superseded');
    const stored = await database.db
      .select()
      .from(certificationRecords)
      .where(eq(certificationRecords.userId, person.id))
      .orderBy(certificationRecords.id);
    expect(stored.map((r) => [r.earnedOn, r.expiresOn, r.renewsRecordId])).toEqual([
      [firstEarned, addMonths(firstEarned, 12), null],
      [renewEarned, newExpiry, stored[0]!.id],
    ]);
    await checkA11y(page, 'my certifications (with history)');

    // Calendar feed: create, read, parse, turn off.
    await page.click('button:has-text("Create a feed address")');
    const url = await page.locator('code[data-feed="me"]').innerText();
    expect(url).toMatch(new RegExp(`^${baseUrl()}/calendar/[a-z2-7]{24}-[a-z2-7]{24}\\.ics$`));
    await checkA11y(page, 'my certifications (feed address shown)');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const { calendar, events } = parseIcs(await res.text());
    expect(calendar.VERSION).toBe('2.0');
    expect(calendar['X-WR-CALNAME']).toBe(`Certifications: ${person.displayName}`);
    const compact = (d: string) => d.replaceAll('-', '');
    const expected = [
      ...leadDays.map((lead) => ({ date: addDays(newExpiry, -lead), summary: `PL-300 expires in ${lead} days` })),
      { date: newExpiry, summary: 'PL-300 expires' },
    ];
    expect(events.map((e) => ({ date: e.DTSTART!.value, summary: e.SUMMARY!.value })).sort((a, b) => a.date.localeCompare(b.date))).toEqual(
      expected.map((e) => ({ date: compact(e.date), summary: e.summary })).sort((a, b) => a.date.localeCompare(b.date)),
    );
    for (const e of events) {
      expect(e.DTSTART!.params.VALUE).toBe('DATE');
      expect(e.DTEND!.value).toBe(
        compact(addDays(`${e.DTSTART!.value.slice(0, 4)}-${e.DTSTART!.value.slice(4, 6)}-${e.DTSTART!.value.slice(6)}`, 1)),
      );
      expect(e.UID!.value).toMatch(/^cert-\d+-(expiry|reminder-\d{4}-\d{2}-\d{2})@/);
    }
    expect(new Set(events.map((e) => e.UID!.value)).size).toBe(events.length);
    // The superseded record's expiry is not in the feed.
    expect(events.some((e) => e.DTSTART!.value === compact(addMonths(firstEarned, 12)))).toBe(false);
    // A member's token cannot read a team feed.
    expect((await fetch(`${url}?team=${customerId}`)).status).toBe(404);

    await page.goto(`${baseUrl()}/app/certifications/me/`);
    await Promise.all([page.waitForURL(/done=feed-off/), page.click('button:has-text("Turn off the feed")')]);
    expect((await fetch(url)).status).toBe(404);
    await page.context().close();
  });
});
