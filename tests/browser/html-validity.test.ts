// The W3C Nu HTML Checker (vnu-jar, on the machine's Java) on one page of each
// type (tests/support/pages.ts), the app's pages reached as an admin and as a
// manager. One checker run reads all of them; any error fails with its page
// and message.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedIn, Visitor } from '../support/app.ts';
import { appPatterns, PUBLIC_PAGES, samplesOfEveryAppPage } from '../support/pages.ts';
import { vnu } from '../support/vnu.ts';

describe('the Nu HTML Checker', () => {
  it('finds no error on one page of each type', { timeout: 180_000 }, async () => {
    const admin = await signedIn('admin@demo.opspath.test');
    const manager = await signedIn('manager@demo.opspath.test');
    const samples = await samplesOfEveryAppPage([admin, manager]);
    expect(
      appPatterns.map((p) => p.pattern).filter((p) => !samples.has(p)),
      'app pages no link reaches',
    ).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'opspath-vnu-'));
    try {
      const files = new Map<string, string>();
      const pages = [...PUBLIC_PAGES.map((path) => ({ path, visitor: new Visitor() })), ...[...samples.values()]];
      for (const [i, { path, visitor }] of pages.entries()) {
        const res = await visitor.get(path);
        expect([200, 404], path).toContain(res.status);
        expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
        const file = join(dir, `${i}.html`);
        writeFileSync(file, await res.text());
        files.set(`file:${file}`, path);
      }
      const messages = await vnu([...files.keys()].map((url) => url.slice('file:'.length)));
      const errors = messages
        .filter((m) => m.type === 'error' || m.subType === 'fatal')
        .map(
          (m) => `${files.get(m.url) ?? m.url}:${m.lastLine ?? '?'}: ${m.message}${m.extract ? ` [${m.extract.trim().slice(0, 80)}]` : ''}`,
        );
      expect(errors).toEqual([]);
      expect(files.size).toBeGreaterThanOrEqual(PUBLIC_PAGES.length + appPatterns.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
