// The admin outbox against the built server (JOBS=off: nothing is delivered
// behind the test's back). In Chromium an admin of a scratch organisation
// opens a message from the list: recipient, headers, the HTML in a sandboxed
// frame (served with its own strict policy), the text with its link; then sends it again (audited). Over HTTP:
// filters and keyset paging keep each other in the URL, a bad filter is
// explained, and a manager is refused the list, the message and the resend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import type { Database } from '#server/db/client.ts';
import { auditLog, outboxMessages } from '#server/db/schema.ts';
import { enqueueMessage, OUTBOX_PAGE_SIZE } from '#server/outbox/index.ts';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createOrganisation, serverDatabase, signedIn, type Visitor } from '../support/app.ts';

const base = baseUrl();
let browser: Browser;
let database: Database;
let org: Awaited<ReturnType<typeof createOrganisation>>;
let admin: Visitor;
let messageId: number;
const LINK = `${base}/app/ramp/`;

beforeAll(async () => {
  browser = await launchBrowser();
  database = serverDatabase();
  org = await createOrganisation(database, 'outbox');
  const recipient = { id: org.member.id, email: org.member.email };
  // Older ones first: team summaries to page through, then the message the browser reads.
  for (let i = 1; i <= OUTBOX_PAGE_SIZE + 5; i++) {
    await enqueueMessage(database.db, {
      orgId: org.orgId,
      kind: 'team-summary',
      recipient,
      subject: `Team summary number ${i}`,
      content: { heading: `Summary ${i}`, paragraphs: ['Nothing is due.'] },
      idempotencyKey: `outbox-admin-test:${org.orgId}:summary:${i}`,
    });
  }
  const queued = await enqueueMessage(database.db, {
    orgId: org.orgId,
    kind: 'ramp-task-assigned',
    recipient,
    subject: 'Shadow a shift lead: due 14 Dec 2026',
    content: {
      heading: 'A task was assigned to you',
      paragraphs: ['Shadow a shift lead for one full shift.'],
      action: { label: 'Open your ramp plan', url: LINK },
    },
    idempotencyKey: `outbox-admin-test:${org.orgId}:task`,
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  if (!queued.queued) throw new Error('not queued');
  messageId = queued.id;
  admin = await signedIn(org.admin.email, org.admin.password);
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('the admin outbox', () => {
  it('lets an admin read a message, rendered and as text, and send it again', async () => {
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password);
    try {
      await page.goto(`${base}/app/admin/`);
      await page.getByRole('link', { name: 'Outbox and scheduled jobs' }).click();
      await page.waitForURL(`${base}/app/admin/outbox/`);
      await checkA11y(page, 'outbox list');
      const row = page.getByRole('row', { name: /Shadow a shift lead/ });
      await expect.poll(() => row.textContent()).toContain(org.member.email);
      expect(await row.textContent()).toContain('Pending');
      await row.getByRole('link').click();
      await page.waitForURL(`${base}/app/admin/outbox/${messageId}/`);
      await checkA11y(page, 'outbox message');

      const text = await page.locator('main').textContent();
      expect(text).toContain(`${org.member.displayName} <${org.member.email}>`);
      expect(text).toContain('List-Unsubscribe-Post');
      expect(text).toMatch(/Message-ID<[0-9a-f]{32}@/);
      expect(await page.locator('pre.text-version').textContent()).toContain(`Open your ramp plan: ${LINK}`);

      // The HTML renders in a frame that may run nothing and reach nothing of the page.
      const frameElement = page.locator('iframe.rendered');
      expect(await frameElement.getAttribute('sandbox')).toBe('');
      const frame = page.frameLocator('iframe.rendered');
      await expect.poll(() => frame.getByRole('heading', { level: 1 }).textContent()).toBe('A task was assigned to you');
      expect(await frame.getByRole('link', { name: 'Open your ramp plan' }).first().getAttribute('href')).toBe(LINK);
      const served = await admin.get(`/app/admin/outbox/${messageId}/html`);
      expect(served.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
      expect(served.headers.get('x-frame-options')).toBe('SAMEORIGIN');

      // Mark it failed, as the worker would after its last attempt, then resend.
      await database.db
        .update(outboxMessages)
        .set({ state: 'failed', attempts: 8, lastError: '550 Mailbox unavailable' })
        .where(eq(outboxMessages.id, messageId));
      await page.reload();
      expect(await page.locator('main').textContent()).toContain('550 Mailbox unavailable');
      await page.getByRole('button', { name: 'Resend now' }).click();
      await page.waitForURL(`${base}/app/admin/outbox/${messageId}/?done=resent`);
      expect(await page.getByRole('status').textContent()).toContain('Queued again');
      const [stored] = await database.db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId));
      expect(stored).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
      const audit = await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'outbox.message_resent'), eq(auditLog.targetId, String(messageId))));
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorUserId: org.admin.id, orgId: org.orgId });
    } finally {
      await context.close();
    }
  });

  it('filters by state and kind, newest first, and pages with the filters kept in the URL', async () => {
    const first = await (await admin.get('/app/admin/outbox/?kind=team-summary')).text();
    const subjects = (html: string) => [...html.matchAll(/Team summary number (\d+)/g)].map((m) => Number(m[1]));
    expect(subjects(first)).toEqual(Array.from({ length: OUTBOX_PAGE_SIZE }, (_, i) => OUTBOX_PAGE_SIZE + 5 - i));
    expect(first).not.toContain('Shadow a shift lead');
    const older = /href="(\/app\/admin\/outbox\/\?kind=team-summary&amp;before=\d+)"/.exec(first);
    expect(older).not.toBeNull();
    const second = await (await admin.get(older![1]!.replaceAll('&amp;', '&'))).text();
    expect(subjects(second)).toEqual([5, 4, 3, 2, 1]);
    expect(second).not.toContain('Older messages');

    const failed = await (await admin.get('/app/admin/outbox/?state=sent')).text();
    expect(subjects(failed)).toEqual([]);
    expect(failed).toContain('No messages yet.');

    const bad = await admin.get('/app/admin/outbox/?state=lost');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Choose a state from the list.');
  });

  it('refuses a manager the list, the message and the resend, and changes nothing', async () => {
    const manager = await signedIn(org.manager.email, org.manager.password);
    expect((await manager.get('/app/admin/outbox/')).status).toBe(403);
    const page = await manager.get(`/app/admin/outbox/${messageId}/`);
    expect(page.status).toBe(403);
    expect(await page.text()).not.toContain('Shadow a shift lead');
    const html = await manager.get(`/app/admin/outbox/${messageId}/html`);
    expect(html.status).toBe(403);
    expect(await html.text()).not.toContain('Shadow a shift lead');
    const before = await database.db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId));
    expect((await manager.post(`/app/admin/outbox/${messageId}/`, { intent: 'resend' })).status).toBe(403);
    expect(await database.db.select().from(outboxMessages).where(eq(outboxMessages.id, messageId))).toEqual(before);
  });
});
