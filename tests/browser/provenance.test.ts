// The labels that say where a timetable, a case study or a due day comes from
// are on the page and visible to a reader, not only in the content files.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, signedInPage } from '../support/browser.ts';
import { DEMO_PASSWORD } from '../support/app.ts';
import { SOURCE_DOCUMENTS } from '#content/source-documents.ts';
import { DUE_DAY_GUIDANCE, DUE_DAY_GUIDANCE_LABEL, DUE_DAY_GUIDANCE_SHORT } from '#domain/ramp.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;
let context: BrowserContext;

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  const res = await page.goto(baseUrl + path);
  expect(res?.status(), path).toBe(200);
  return page;
}
const schedules = (page: Page) => page.locator('#day article.schedule');

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
});

describe('day in the life', () => {
  for (const slug of ['operations-assistant', 'operations-manager']) {
    it(`${slug}: the one schedule is visibly OpsPath's illustration`, async () => {
      const page = await open(`/roles/${slug}/`);
      await expect(schedules(page).count()).resolves.toBe(1);
      const label = schedules(page).first().locator('.provenance');
      expect(await label.isVisible()).toBe(true);
      await expect(label.getAttribute('data-provenance')).resolves.toBe('illustration');
      expect(await label.innerText()).toMatch(/^OpsPath illustration Not taken from a source document\./);
    });
  }

  it("operations-support-specialist: the guide's own day and the article's, each with its source", async () => {
    const page = await open('/roles/operations-support-specialist/');
    await expect(schedules(page).count()).resolves.toBe(2);
    const [guide, article] = [schedules(page).nth(0), schedules(page).nth(1)];
    expect(await guide.locator('.provenance').isVisible()).toBe(true);
    expect(await guide.locator('.provenance').innerText()).toContain(
      `From the career guide “${SOURCE_DOCUMENTS['support-specialist-guide']}”.`,
    );
    await expect(guide.locator('time').first().textContent()).resolves.toBe('09:00');
    await expect(guide.locator('time').last().textContent()).resolves.toBe('18:00');
    expect(await article.locator('.provenance').isVisible()).toBe(true);
    expect(await article.locator('.provenance').innerText()).toContain(`From the article “${SOURCE_DOCUMENTS['day-in-the-life-article']}”`);
    await expect(article.locator('time').first().textContent()).resolves.toBe('07:45');
    await expect(article.locator('time').last().textContent()).resolves.toBe('17:30');
  });

  it('operations-officer: case studies name their source, the fourth included', async () => {
    const page = await open('/roles/operations-officer/');
    const cases = page.locator('#cases .case');
    await expect(cases.count()).resolves.toBe(4);
    for (let i = 0; i < 4; i++) {
      expect(await cases.nth(i).innerText()).toContain(`Source\nthe career guide “${SOURCE_DOCUMENTS['officer-guide']}”`);
    }
    expect(await cases.nth(3).innerText()).toContain('Delivery delays dropped by 30%');
  });
});

describe('playbook and certifications', () => {
  it('the playbook names the article and shows its routines', async () => {
    const page = await open('/playbook/');
    const source = page.locator('[data-testid="playbook-source"]');
    expect(await source.isVisible()).toBe(true);
    expect(await source.innerText()).toContain(`the article “${SOURCE_DOCUMENTS['day-in-the-life-article']}”`);
    expect(await page.getByRole('heading', { name: 'A 30-minute daily control cycle' }).isVisible()).toBe(true);
    expect(await page.locator('#compliance').innerText()).toContain('ISO 9001');
  });

  it('certifications never print "No data" twice in a row', async () => {
    const page = await open('/certifications/');
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('No data');
    expect(text).not.toMatch(/No data\.? No data/);
  });
});

describe('ramp due days', () => {
  it("the new hire's dashboard card and checklist label due days as OpsPath guidance", async () => {
    const { context: hire, page } = await signedInPage(browser, baseUrl, 'newhire@demo.opspath.test', DEMO_PASSWORD);
    // The dashboard card shows the next task's due date, so it carries the one-line label.
    const card = page.locator('.ramp-widget [data-testid="due-day-guidance"]');
    expect(await card.isVisible()).toBe(true);
    expect((await card.innerText()).replace(/\s+/g, ' ')).toBe(`${DUE_DAY_GUIDANCE_LABEL} ${DUE_DAY_GUIDANCE_SHORT}`);
    await page.goto(`${baseUrl}/app/ramp/`);
    const note = page.locator('[data-testid="checklist"] [data-testid="due-day-guidance"]');
    expect(await note.isVisible()).toBe(true);
    expect((await note.innerText()).replace(/\s+/g, ' ')).toBe(`${DUE_DAY_GUIDANCE_LABEL} ${DUE_DAY_GUIDANCE}`);
    await hire.close();
  });
});
