// Debian's /usr/bin/chromium, started the same way by the browser tests
// (through playwright-core) and the Lighthouse bench (through chrome-launcher).

export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Headless, and without the background work (updates, first-run pages) that could skew a run. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
