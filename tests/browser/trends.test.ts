// Trends in Chromium against the built server: a scratch organisation with a
// rated member and a required certification, the daily job run for today
// (with its 12 month-end back-fill points), then the manager opens the team's
// trends from the People list: the table lists every snapshot, the chart
// island draws its lines, axe finds nothing; a member is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { organisationToday } from '#domain/calendar.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRequirements, skillRatings } from '#server/db/schema.ts';
import { computeSnapshots } from '#server/trends/queries.ts';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createOrganisation, serverDatabase, signedIn } from '../support/app.ts';

const base = baseUrl();
let browser: Browser;
let database: Database;
let org: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  org = await createOrganisation(database, 'trends');
  const catalogs = loadCatalogsFromDisk();
  const ladder = catalogs.ladders.find((l) => l.slug === 'operations-coordinator')!;
  const skillId = Object.keys(ladder.tiers.find((t) => t.id === 'junior')!.targets)[0]!;
  await database.db.insert(skillRatings).values({
    orgId: org.orgId,
    subjectUserId: org.member.id,
    raterUserId: org.manager.id,
    skillId,
    kind: 'manager',
    level: 4,
    ratedAt: new Date(Date.now() - 100 * 86_400_000),
  });
  const certificationId = [...catalogs.certifications.catalog.keys()][0]!;
  await database.db
    .insert(certificationRequirements)
    .values({ orgId: org.orgId, jobRole: 'operations-coordinator', tier: 'junior', certificationId });
  const now = new Date();
  await computeSnapshots(database.db, org.orgId, organisationToday(now, 'UTC'), catalogs, now);
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('team trends', () => {
  it('the manager reaches the team’s trends from the People list: table, back-fill note and a drawn chart', async () => {
    const { context, page } = await signedInPage(browser, base, org.manager.email, org.manager.password);
    try {
      await page.goto(`${base}/app/team/`);
      // The People page says how the team moved, first snapshot against today's, before any click.
      const moves = page.locator('section[aria-labelledby="moves-title"]');
      const text = (await moves.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain('(back-filled, an estimate)');
      expect(text).toMatch(/Skills covered at proficient or above: (nothing to count|\d+% \(\d+ of \d+\)) then, \d+% \(1 of \d+\) now/);
      expect(text).toMatch(/Required certifications valid: .* then, 0% \(0 of 1\) now/);
      await checkA11y(page, 'people page with trend summary');
      await moves.getByRole('link', { name: org.team.name, exact: true }).click();
      await page.waitForURL(`${base}/app/team/trends/${org.team.id}`);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain('trends');
      const rows = page.getByTestId('trends-table').locator('tbody tr');
      await expect(rows.count()).resolves.toBe(13);
      // The last row is today's, from the daily job: 1 person, the rated skill covered, the certification missing.
      const last = await rows.last().locator('td').allInnerTexts();
      expect(last[1]).toBe('daily');
      expect(last[2]).toBe('1');
      expect(last[3]).toMatch(/^1 of \d+$/);
      expect(last[8]).toBe('1');
      await expect(page.getByTestId('backfill-note').isVisible()).resolves.toBe(true);
      // The island mounts when scrolled into view and draws three lines.
      await page.locator('.trend-chart').scrollIntoViewIfNeeded();
      await page.locator('.trend-chart[data-mounted] .recharts-line').first().waitFor();
      await expect(page.locator('.trend-chart .recharts-line').count()).resolves.toBe(3);
      await checkA11y(page, 'team trends');
      const csv = await context.request.get(`${base}/app/team/trends/${org.team.id}.csv`);
      expect(csv.status()).toBe(200);
      expect((await csv.text()).split('\r\n').filter(Boolean)).toHaveLength(14);
    } finally {
      await context.close();
    }
  });

  it('works without JavaScript: the table is server-rendered', async () => {
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password, { javaScriptEnabled: false });
    try {
      await page.goto(`${base}/app/team/trends/${org.team.id}`);
      await expect(page.getByTestId('trends-table').locator('tbody tr').count()).resolves.toBe(13);
      await page.goto(`${base}/app/admin/trends/`);
      await expect(page.getByTestId('trends-table').locator('tbody tr').count()).resolves.toBe(13);
    } finally {
      await context.close();
    }
  });

  it('a member is refused the team’s trends and the organisation’s', async () => {
    const member = await signedIn(org.member.email, org.member.password);
    expect((await member.get(`/app/team/trends/${org.team.id}`)).status).toBe(403);
    expect((await member.get(`/app/team/trends/${org.team.id}.csv`)).status).toBe(403);
    expect((await member.get('/app/admin/trends/')).status).toBe(403);
  });
});
