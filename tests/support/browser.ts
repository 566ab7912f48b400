// Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core
// (Playwright cannot download its own browsers here).
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.mjs';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, '--disable-sync', '--disable-quic'] });
}

/** Fills in and submits the sign-in form on the page, which must already show it. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A new browser context signed in through the login page, waiting until it lands on the workspace home. */
export async function signedInPage(
  browser: Browser,
  base: string,
  email: string,
  password: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await submitSignIn(page, email, password);
  await page.waitForURL(`${base}/app/`);
  return { context, page };
}

/** Runs axe-core (WCAG 2.0-2.2 A/AA rules) and fails with a readable list of violations. */
export async function checkA11y(page: Page, context?: string) {
  // A frame sandboxed without scripts (the outbox's rendered message) cannot run axe: since Chromium 156,
  // evaluating in it never returns, and the check hung until the test's timeout. Its document is the
  // message's HTML, served on its own at .../html, where a test can check it.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .exclude('iframe[sandbox=""]')
    .analyze();
  const summary = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(' | ')}`,
  );
  expect(summary, `axe violations${context ? ` on ${context}` : ''}`).toEqual([]);
}

/**
 * Brings an island in as a reader does (the tools' islands hydrate on
 * interaction, decision 037): moves the pointer over the element that starts
 * it, then waits for the island's own markup. Before that, the page is the
 * server's copy, and a click follows its no-JavaScript link.
 */
export async function islandTakesOver(page: Page, ready: string, startedBy = '#main') {
  await page.locator(startedBy).hover({ position: { x: 5, y: 5 } });
  await page.locator(ready).first().waitFor();
}

/** The skills matrix island, started from its heatmap. */
export const matrixIsland = (page: Page) => islandTakesOver(page, 'table[data-island]', '#matrix-heatmap');
