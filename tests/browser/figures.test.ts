// Every figure on the built pages carries its label (decision 020): kind,
// source and year on the element and in the words beside the number; summary
// pages show no money or percentage outside a labelled figure; the ladder's
// disagreements are shown with their sources wherever the ladder is.
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { ROLE_SLUGS } from '#content/schema.ts';
import { FIGURE_KINDS } from '#domain/figure.ts';

const baseUrl = inject('baseUrl');
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext();
});
afterAll(async () => {
  await browser?.close();
});

async function open(path: string): Promise<Page> {
  const page = await context.newPage();
  const res = await page.goto(baseUrl + path);
  expect(res?.status(), path).toBe(200);
  return page;
}

type Rendered = { kind: string | null; source: string | null; year: string | null; label: string };

async function figuresOn(page: Page): Promise<Rendered[]> {
  return page.locator('[data-figure-kind]').evaluateAll((els) =>
    els.map((el) => ({
      kind: el.getAttribute('data-figure-kind'),
      source: el.getAttribute('data-figure-source'),
      year: el.getAttribute('data-figure-year'),
      label: (el.querySelector('.figure-label') as HTMLElement | null)?.innerText ?? '',
    })),
  );
}

function expectLabelled(figures: Rendered[], path: string) {
  expect(figures.length, path).toBeGreaterThan(0);
  for (const f of figures) {
    expect(FIGURE_KINDS, `${path}: kind`).toContain(f.kind);
    expect(f.source, `${path}: source`).toBeTruthy();
    expect(f.year, `${path}: year`).toMatch(/^(\d{4}|not stated)$/);
    expect(f.label, path).toContain(f.source!);
    expect(f.label, path).toContain(f.year === 'not stated' ? 'year not stated' : f.year!);
  }
}

/** Money ("$60,000", "4,500 RON") and percentages ("+7%") in the page's main text that sit outside any labelled figure. */
async function unlabelledNumbers(page: Page): Promise<string[]> {
  return page.locator('main').evaluate((main) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    const pattern = /\$\d[\d,]*|\d[\d,]* (?:RON|EUR)|[+−-]\d+(?:\.\d+)?\s?%/g;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      if (pattern.test(text) && !n.parentElement?.closest('[data-figure-kind], [data-sources-differ], .figure-note, details')) {
        found.push(text.trim());
      }
      pattern.lastIndex = 0;
    }
    return found;
  });
}

const guides = ROLE_SLUGS.map((slug) => `/roles/${slug}/`);
const compares = ROLE_SLUGS.flatMap((a) => ROLE_SLUGS.filter((b) => b !== a).map((b) => `/compare/${a}/${b}/`));

describe('figures carry their label', () => {
  for (const path of ['/', '/roles/', ...guides, ...compares, '/salaries/']) {
    it(`${path}: every figure names its kind, source and year`, async () => {
      const page = await open(path);
      expectLabelled(await figuresOn(page), path);
      await page.close();
    });
  }

  for (const path of ['/', '/roles/', ...compares]) {
    it(`${path}: shows no pay or growth number outside a labelled figure`, async () => {
      const page = await open(path);
      expect(await unlabelledNumbers(page), path).toEqual([]);
      await page.close();
    });
  }

  it('the self-check shows a tier pay figure with its label, or says none is published', async () => {
    const page = await open('/self-check/?role=operations-officer&tier=senior');
    await page.waitForSelector('astro-island:not([ssr])', { state: 'attached' });
    const pay = page.getByTestId('tier-pay');
    await pay.waitFor();
    expectLabelled(await figuresOn(page), 'self-check');
    expect(await pay.innerText()).toContain('$89,000');
    expect(await pay.innerText()).toContain('No source publishes pay for operations managers');
    await page.selectOption('#sc-tier', 'lead');
    await expect.poll(() => pay.innerText()).toContain('No pay figure published for this tier.');
    await page.close();
  });
});

describe('the one ladder on the pages', () => {
  it('the home page shows both sources where they differ, and the shared rung', async () => {
    const page = await open('/');
    const differ = page.locator('[data-sources-differ="Operations Manager"]');
    const text = (await differ.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Operations Coordinator career guide (OpsPath source material) says 8+ years');
    expect(text).toContain('Operations Officer career guide (OpsPath source material) says 5–10 years');
    expect(text).toContain("OpsPath's guidance");
    const rung2 = page.locator('[data-rung="2"]');
    expect(await rung2.locator('h3 a').allInnerTexts()).toEqual(['Operations Coordinator', 'Operations Support Specialist']);
    // Team Lead no longer sits at 2-5 years.
    expect(await page.locator('main').innerText()).not.toMatch(/Operations Team Lead\s+2–5 years/);
    await page.close();
  });

  it('the officer guide pairs no manager title with officer pay without saying whose it is', async () => {
    const page = await open('/roles/operations-officer/');
    const tiers = page.locator('#tiers .timeline > li');
    const senior = (await tiers.nth(2).innerText()).replace(/\s+/g, ' ');
    expect(senior).toContain('Senior Operations Officer / Operations Manager');
    expect(senior).toContain('$89,000');
    expect(senior).toContain('No source publishes pay for operations managers.');
    const lead = (await tiers.nth(3).innerText()).replace(/\s+/g, ' ');
    expect(lead).toContain('No pay figure published for this tier.');
    expect(await page.locator('#tiers [data-sources-differ]').count()).toBe(2);
    // The guides never say gross or net, and the heading no longer claims gross.
    expect(await page.locator('#pay caption').first().innerText()).toBe(
      'US annual pay by level (USD; the guide does not say gross or net)',
    );
    await page.close();
  });

  it('compare says when it sets unlike figures side by side', async () => {
    const page = await open('/compare/operations-coordinator/operations-manager/');
    const notes = await page.locator('[data-unlike]').allInnerTexts();
    expect(notes.join('\n')).toContain('Growth: Not like for like');
    expect(notes.join('\n')).toContain('one for the role itself, one for a proxy occupation');
    const same = await open('/compare/operations-coordinator/operations-support-specialist/');
    // Identical published figures from two guides: only the source differs, and the page says so.
    expect((await same.locator('[data-unlike]').allInnerTexts()).join('\n')).toContain('from different sources');
    await page.close();
    await same.close();
  });
});
