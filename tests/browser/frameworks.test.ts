// Organisation frameworks in Chromium against the built server (ADR 035): an
// admin overrides a target and sees it labelled as the organisation's where
// the others stay OpsPath's suggestion; a member's My skills then measures
// readiness and the next step against it; the admin adds a learning resource
// and the member finds it, with the covering certification, under "What to
// learn next". Every page axe-clean. The shared server's data is put back
// afterwards (the target handed back to the suggestion, the resource removed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createPerson, DEMO_PASSWORD, serverDatabase, signedIn } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { learningResources } from '#server/db/schema.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;
let member: Awaited<ReturnType<typeof createPerson>>;
const TITLE = `Lookup functions workshop ${Math.random().toString(36).slice(2, 8)}`;
const TARGETS = '/app/skills/targets/?role=operations-assistant&tier=coordinator';

beforeAll(async () => {
  database = serverDatabase();
  // An Operations Assistant: the next tier is Operations Coordinator, which suggests spreadsheets at 3.
  member = await createPerson(database, {
    label: 'frameworks-member',
    team: 'Warehouse Operations',
    jobRole: 'operations-assistant',
    tier: 'assistant',
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  // Put the shared server back as other files expect it.
  const admin = await signedIn('admin@demo.opspath.test');
  await admin.post('/app/skills/targets/', {
    intent: 'set-target',
    jobRole: 'operations-assistant',
    tier: 'coordinator',
    skillId: 'spreadsheets',
    level: 'suggestion',
  });
  const rows = database ? await database.db.select().from(learningResources).where(eq(learningResources.title, TITLE)) : [];
  for (const r of rows) await admin.post('/app/skills/resources/', { intent: 'remove-resource', resourceId: String(r.id) });
  await browser?.close();
  database?.close();
});

describe('organisation frameworks in the browser', () => {
  it('an admin overrides a target, labelled as the organisation’s, and a member’s page follows it', async () => {
    const { context, page } = await signedInPage(browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    try {
      await page.goto(base + TARGETS);
      const row = page.locator('#skill-spreadsheets');
      await expect.poll(() => row.textContent()).toContain('OpsPath suggestion');
      await checkA11y(page, 'targets page');
      await page.getByLabel('Skill', { exact: true }).selectOption('spreadsheets');
      await page.getByLabel('Target', { exact: true }).selectOption('4');
      await page.getByRole('button', { name: 'Save target' }).click();
      await page.waitForURL(/done=set/);
      expect(await row.textContent()).toContain('Set by your organisation (Alex Morgan');
      // Another skill of the same tier is still OpsPath's.
      expect(await page.locator('#skill-time-management').textContent()).toContain('OpsPath suggestion');
      expect(await page.locator('#history-title ~ *').first().textContent()).toContain('Alex Morgan');
    } finally {
      await context.close();
    }

    const mine = await signedInPage(browser, base, member.email, member.password);
    try {
      await mine.page.goto(`${base}/app/skills/me/`);
      const learn = mine.page.locator('section[aria-labelledby="learn-title"]');
      const step = learn.locator('li', { hasText: 'Spreadsheets' }).first();
      expect(await step.textContent()).toMatch(/to 4/);
      const readiness = mine.page.locator('section[aria-labelledby="readiness-title"]');
      expect(await readiness.textContent()).toMatch(/0 of \d+\s*targets of the next tier, Operations Coordinator/);
      expect(await readiness.textContent()).toMatch(/Spreadsheets[^:]*: target 4/);
      await checkA11y(mine.page, 'my skills with readiness');
    } finally {
      await mine.context.close();
    }
  });

  it('an admin adds a learning resource, refused first for a bad link, and the member sees it under what to learn next', async () => {
    const { context, page } = await signedInPage(browser, base, 'admin@demo.opspath.test', DEMO_PASSWORD);
    try {
      await page.goto(`${base}/app/skills/catalog/`);
      await page.getByRole('link', { name: 'Learning resources' }).click();
      await page.waitForURL(`${base}/app/skills/resources/`);
      await checkA11y(page, 'resources page');
      const form = page.locator('section[aria-labelledby="add-title"]');
      await form.getByLabel('Skill', { exact: true }).selectOption('spreadsheets');
      await form.getByLabel('Title').fill(TITLE);
      await form.getByLabel('Link').fill('javascript:alert(1)');
      await form.getByLabel('Kind').selectOption('course');
      await form.getByLabel(/Time needed/).fill('90');
      await form.getByRole('button', { name: 'Add resource' }).click();
      await expect.poll(() => form.textContent()).toContain('Enter a whole link starting with https:// or http://.');
      expect(await database.db.select().from(learningResources).where(eq(learningResources.title, TITLE))).toEqual([]);
      await checkA11y(page, 'resources page with an error');

      await form.getByLabel('Link').fill('https://example.com/lookups');
      await form.getByRole('button', { name: 'Add resource' }).click();
      await page.waitForURL(/done=added/);
      expect(await page.getByRole('link', { name: TITLE }).getAttribute('href')).toBe('https://example.com/lookups');
    } finally {
      await context.close();
    }
    const [stored] = await database.db
      .select()
      .from(learningResources)
      .where(and(eq(learningResources.title, TITLE), eq(learningResources.skillId, 'spreadsheets')));
    expect(stored).toMatchObject({ kind: 'course', minutes: 90 });

    const mine = await signedInPage(browser, base, member.email, member.password);
    try {
      await mine.page.goto(`${base}/app/skills/me/`);
      const step = mine.page.locator('section[aria-labelledby="learn-title"] ol > li', { hasText: 'Spreadsheets' }).first();
      expect(await step.getByRole('link', { name: TITLE }).getAttribute('href')).toBe('https://example.com/lookups');
      expect(await step.textContent()).toContain('Course, 1 h 30 min');
      // content/certifications.yaml lists spreadsheets among a certification's topics.
      expect(await step.locator('a[href^="/certifications/#"]').count()).toBeGreaterThan(0);
      await checkA11y(mine.page, 'my skills with resources');
    } finally {
      await mine.context.close();
    }
  });
});
