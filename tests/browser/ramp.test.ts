// Ramp plans against the built server.
// 1. Access over HTTP for every ramp page, form action and the JSON toggle
//    endpoint: anonymous, a member looking at someone else's plan, the manager
//    of another team, the new hire, the team's manager and an admin, with
//    tampered plan and task ids; a denied request changes no ramp row.
// 2. In Chromium at 390×844 and 1280×800: a manager starts a plan from a
//    template for a fresh member and edits a task; the new hire checks tasks
//    off (without JavaScript on the phone for the first one, instantly with it
//    otherwise) and sees progress and the RAG status change; axe finds nothing.
// 3. A refused check-off is shown at once and rolled back with the server's reason.
// 4. The checklist page's JavaScript (React islands) stays within 90 KB gzip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser } from '../support/browser.ts';
import {
  accessVisitors,
  baseUrl,
  createPerson,
  expectRejectedForm,
  expectSignInRedirect,
  serverDatabase,
  type Visitor,
} from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { rampPlans, rampTasks, users } from '#server/db/schema.ts';
import { addDays, organisationToday } from '#domain/calendar.ts';
import { DEMO_TIME_ZONE } from '#server/demo/index.ts';
import { pageJavaScript } from '../bench/lib.mjs';

const base = baseUrl();
let database: Database;
let browser: Browser;

type Persona = 'anonymous' | 'member' | 'otherManager' | 'newHire' | 'manager' | 'admin';
const visitors = {} as Record<Persona, Visitor>;
let ninaPlan: number;
let ninaOpenTask: number;
let ninaManagerTask: number;
let jonasTask: number;

/** Every ramp row, for "nothing changed". */
async function rampSnapshot() {
  const out: Record<string, unknown> = {};
  for (const table of ['ramp_plans', 'ramp_tasks', 'ramp_plan_history']) {
    out[table] = await database.db.all(sql.raw(`select * from ${table} order by rowid`));
  }
  const [audit] = await database.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action like 'ramp.%'`);
  out.audit = audit?.n;
  return JSON.stringify(out);
}

async function unchangedBy(request: () => Promise<Response>) {
  const before = await rampSnapshot();
  const res = await request();
  expect(await rampSnapshot()).toBe(before);
  return res;
}

beforeAll(async () => {
  database = serverDatabase();
  const idOf = async (email: string) => (await database.db.select().from(users).where(eq(users.email, email)))[0]!.id;
  const [nina] = await database.db
    .select()
    .from(rampPlans)
    .where(and(eq(rampPlans.userId, await idOf('newhire@demo.opspath.test')), eq(rampPlans.status, 'active')));
  ninaPlan = nina!.id;
  const tasks = await database.db.select().from(rampTasks).where(eq(rampTasks.planId, ninaPlan));
  ninaOpenTask = tasks.find((t) => t.owner === 'new-hire' && t.doneAt === null)!.id;
  ninaManagerTask = tasks.find((t) => t.owner === 'manager' && t.doneAt === null)!.id;
  const [jonas] = await database.db
    .select()
    .from(rampPlans)
    .where(eq(rampPlans.userId, await idOf('jonas.weber@demo.opspath.test')));
  jonasTask = (await database.db.select().from(rampTasks).where(eq(rampTasks.planId, jonas!.id)))[0]!.id;

  const member = await createPerson(database, {
    label: 'ramp-access-member',
    team: 'Warehouse Operations',
    jobRole: 'operations-assistant',
  });
  Object.assign(visitors, await accessVisitors(member, ['otherManager', 'newHire', 'manager', 'admin']));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('access over HTTP', () => {
  const pages: [string, () => string, Record<Persona, number>][] = [
    [
      'overview / checklist',
      () => '/app/ramp/',
      { anonymous: 303, member: 200, otherManager: 200, newHire: 200, manager: 200, admin: 200 },
    ],
    [
      'Nina’s plan',
      () => `/app/ramp/${ninaPlan}/`,
      { anonymous: 303, member: 404, otherManager: 404, newHire: 200, manager: 200, admin: 200 },
    ],
    [
      'Nina’s printable plan',
      () => `/app/ramp/${ninaPlan}/print`,
      { anonymous: 303, member: 404, otherManager: 404, newHire: 200, manager: 200, admin: 200 },
    ],
    [
      'a tampered plan id',
      () => '/app/ramp/abc/',
      { anonymous: 303, member: 404, otherManager: 404, newHire: 404, manager: 404, admin: 404 },
    ],
    [
      'a plan id that does not exist',
      () => '/app/ramp/999999/',
      { anonymous: 303, member: 404, otherManager: 404, newHire: 404, manager: 404, admin: 404 },
    ],
    [
      'print of a missing plan',
      () => '/app/ramp/999999/print',
      { anonymous: 303, member: 404, otherManager: 404, newHire: 404, manager: 404, admin: 404 },
    ],
  ];
  for (const [name, path, expected] of pages) {
    it(`GET ${name}`, async () => {
      for (const persona of Object.keys(expected) as Persona[]) {
        const res = await visitors[persona].get(path());
        if (expected[persona] === 303) expectSignInRedirect(res);
        else expect(res.status, `${persona} ${path()}`).toBe(expected[persona]);
      }
    });
  }

  it('the manager’s plan page offers editing; the new hire’s view of it does not', async () => {
    const asManager = await (await visitors.manager.get(`/app/ramp/${ninaPlan}/`)).text();
    expect(asManager).toContain('Add a task');
    expect(asManager).toContain('How the status is worked out');
    const asHire = await (await visitors.newHire.get(`/app/ramp/${ninaPlan}/`)).text();
    expect(asHire).not.toContain('Add a task');
    expect(asHire).not.toContain('>Remove<');
  });

  const task = { title: 'Injected', owner: 'new-hire', dueDay: '5' };
  const forms: [string, () => Record<string, string>, Partial<Record<Persona, number>>][] = [
    ['add a task', () => ({ intent: 'add', ...task }), { anonymous: 303, member: 404, otherManager: 404, newHire: 403 }],
    [
      'edit a task',
      () => ({ intent: 'update', taskId: String(ninaOpenTask), ...task }),
      { anonymous: 303, member: 404, otherManager: 404, newHire: 403 },
    ],
    [
      'move a task',
      () => ({ intent: 'move', taskId: String(ninaOpenTask), direction: 'down' }),
      { anonymous: 303, member: 404, otherManager: 404, newHire: 403 },
    ],
    [
      'remove a task',
      () => ({ intent: 'remove', taskId: String(ninaOpenTask) }),
      { anonymous: 303, member: 404, otherManager: 404, newHire: 403 },
    ],
    ['close the plan', () => ({ intent: 'close' }), { anonymous: 303, member: 404, otherManager: 404, newHire: 403 }],
    ['complete the plan', () => ({ intent: 'complete' }), { anonymous: 303, member: 404, otherManager: 404, newHire: 403 }],
    ['check off her task', () => ({ intent: 'done', taskId: String(ninaOpenTask) }), { anonymous: 303, member: 404, otherManager: 404 }],
    ['check off a manager task', () => ({ intent: 'done', taskId: String(ninaManagerTask) }), { newHire: 403 }],
    [
      'check off another plan’s task through this plan',
      () => ({ intent: 'done', taskId: String(jonasTask) }),
      { manager: 404, admin: 404 },
    ],
    ['check off a tampered task id', () => ({ intent: 'done', taskId: 'abc' }), { manager: 404, newHire: 404 }],
  ];
  for (const [name, form, expected] of forms) {
    it(`POST ${name} on Nina’s plan is refused and changes nothing`, async () => {
      for (const [persona, status] of Object.entries(expected) as [Persona, number][]) {
        const res = await unchangedBy(() => visitors[persona].post(`/app/ramp/${ninaPlan}/`, form()));
        if (status === 303) expectSignInRedirect(res);
        else expect(res.status, persona).toBe(status);
      }
    });
  }

  it('POST to a tampered plan id changes nothing', async () => {
    for (const raw of ['abc', '0', '999999']) {
      const res = await unchangedBy(() => visitors.admin.post(`/app/ramp/${raw}/`, { intent: 'add', ...task }));
      expect(res.status).toBe(404);
    }
  });

  it('starting a plan: members 403, another team’s manager 404, and a cross-site post is refused', async () => {
    const [someone] = await database.db.select().from(users).where(eq(users.email, 'lena.fischer@demo.opspath.test'));
    const form = { intent: 'start', personId: String(someone!.id), startDate: organisationToday(new Date(), DEMO_TIME_ZONE) };
    expectSignInRedirect(await unchangedBy(() => visitors.anonymous.post('/app/ramp/', form)));
    expect((await unchangedBy(() => visitors.member.post('/app/ramp/', form))).status).toBe(403);
    expect((await unchangedBy(() => visitors.otherManager.post('/app/ramp/', form))).status).toBe(404);
    expect((await unchangedBy(() => visitors.manager.post('/app/ramp/', form, { origin: 'https://evil.example' }))).status).toBe(403);
  });

  it('starting a plan with bad input re-renders with every error and keeps what was typed', async () => {
    const res = await unchangedBy(() =>
      visitors.manager.post('/app/ramp/', { intent: 'start', personId: '', templateRole: 'astronaut', startDate: '2026-02-31' }),
    );
    await expectRejectedForm(res, [
      'Choose the person the plan is for.',
      'Choose a template from the list.',
      'Pick a date that exists on the calendar.',
      'value="2026-02-31"',
    ]);
  });

  it('editing with bad input shows the errors next to the fields and saves nothing', async () => {
    const res = await unchangedBy(() =>
      visitors.manager.post(`/app/ramp/${ninaPlan}/`, {
        intent: 'update',
        taskId: String(ninaOpenTask),
        title: '',
        owner: 'ceo',
        dueDay: '120',
      }),
    );
    await expectRejectedForm(res, [
      'Enter a task title.',
      'Choose who owns this task: the new hire, the manager or a buddy.',
      'The plan has 90 days: enter a due day from 1 to 90.',
      'value="120"',
    ]);
  });

  describe('JSON toggle endpoint', () => {
    const path = (id: number | string) => `/app/ramp/tasks/${id}/done`;
    it('refuses anonymous (401), cross-origin (403), people who may not see the plan (404) and wrong owners (403)', async () => {
      expect((await unchangedBy(() => visitors.anonymous.postJson(path(ninaOpenTask), { done: true }, base))).status).toBe(401);
      expect((await unchangedBy(() => visitors.newHire.postJson(path(ninaOpenTask), { done: true }, 'https://evil.example'))).status).toBe(
        403,
      );
      expect((await unchangedBy(() => visitors.member.postJson(path(ninaOpenTask), { done: true }, base))).status).toBe(404);
      expect((await unchangedBy(() => visitors.otherManager.postJson(path(ninaOpenTask), { done: true }, base))).status).toBe(404);
      expect((await unchangedBy(() => visitors.newHire.postJson(path(ninaManagerTask), { done: true }, base))).status).toBe(403);
      expect((await unchangedBy(() => visitors.admin.postJson(path('abc'), { done: true }, base))).status).toBe(404);
    });

    it('rejects bad bodies (400/415) without changing anything', async () => {
      expect((await unchangedBy(() => visitors.newHire.postJson(path(ninaOpenTask), { done: 'yes' }, base))).status).toBe(400);
      const bad = await unchangedBy(() =>
        visitors.newHire.postJson(path(ninaOpenTask), { done: true, evidenceUrl: 'javascript:alert(1)' }, base),
      );
      expect(bad.status).toBe(400);
      expect((await bad.json()).fieldErrors).toHaveProperty('evidenceUrl');
      const form = await unchangedBy(() => visitors.newHire.post(path(ninaOpenTask), { done: 'true' }));
      expect(form.status).toBe(415);
    });

    it('lets the new hire check her task off and back, answering progress and RAG', async () => {
      const on = await visitors.newHire.postJson(path(ninaOpenTask), { done: true, note: 'via API' }, base);
      expect(on.status).toBe(200);
      const body = await on.json();
      expect(body).toMatchObject({ changed: true, task: { id: ninaOpenTask, done: true, note: 'via API' } });
      expect(body.progress.done).toBeGreaterThan(0);
      expect(['red', 'amber', 'green']).toContain(body.rag.level);
      const off = await visitors.newHire.postJson(path(ninaOpenTask), { done: false }, base);
      expect((await off.json()).task.done).toBe(false);
    });
  });
});

// ---------------------------------------------------------------------------------

async function signInPage(context: BrowserContext, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/app/`), page.click('main button[type="submit"]')]);
  return page;
}

/**
 * A button's accessible name "Mark done: <task>": the task title is visually
 * hidden text, which Chromium joins with a space ("Mark done : <task>").
 */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const action = (verb: string, title: string) => new RegExp(`^${escape(verb)}\\s*:\\s*${escape(title)}$`);

const badge = (page: Page) => page.locator('[data-testid="plan-status"] .ramp-rag').first();
const overall = (page: Page, planId: number) => page.locator(`#progress-${planId}-label`);
const task = (page: Page, title: string) => page.locator('.ramp-task', { has: page.getByRole('heading', { name: title }) });

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

for (const size of SIZES) {
  describe(`ramp plan in Chromium (${size.name} ${size.width}×${size.height})`, () => {
    it('a manager starts a plan and edits a task; the new hire checks tasks off and sees progress and status change', async () => {
      const hire = await createPerson(database, {
        label: `ramp-${size.name}`,
        team: 'Warehouse Operations',
        jobRole: 'operations-assistant',
      });
      const today = organisationToday(new Date(), DEMO_TIME_ZONE);
      // Today is day 15: day 1, 5 and 10 tasks are overdue, day 15's is due today.
      const startDate = addDays(today, -14);

      // --- the manager -------------------------------------------------------------
      const managerContext = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const manager = await signInPage(managerContext, 'manager@demo.opspath.test', 'opspath-demo');
      await manager.goto(`${base}/app/ramp/`);
      await expect(manager.locator('h1').textContent()).resolves.toBe('Ramp plans');
      await checkA11y(manager, `overview ${size.name}`);
      // The picker is a server-side search: find the hire by the start of their name, then choose them.
      await manager.getByLabel('Find the new hire').fill(hire.displayName.slice(0, 12));
      await Promise.all([manager.waitForURL(/hire=/), manager.getByRole('button', { name: 'Find', exact: true }).click()]);
      await expect(manager.getByLabel('Find the new hire').inputValue()).resolves.toBe(hire.displayName.slice(0, 12));
      const offered = await manager.locator('#personId option').allTextContents();
      expect(
        offered.filter((o) => o !== 'Choose…').every((o) => o.toLowerCase().startsWith(hire.displayName.slice(0, 12).toLowerCase())),
      ).toBe(true);
      await manager.selectOption('#personId', String(hire.id));
      // Template left at "their job role's template" (operations assistant).
      await manager.fill('#startDate', startDate);
      await Promise.all([manager.waitForURL(/\/app\/ramp\/\d+\/\?done=started/), manager.click('button:has-text("Start the plan")')]);
      const planId = Number(/\/app\/ramp\/(\d+)\//.exec(manager.url())![1]);
      await expect(manager.locator('h1').textContent()).resolves.toBe(`${hire.displayName}: 90-day plan`);
      await expect(manager.locator('[data-testid="plan-position"]').textContent()).resolves.toBe('Day 15 of 90');
      await expect(badge(manager).textContent()).resolves.toBe('Red: Off track');
      await expect(overall(manager, planId).textContent()).resolves.toContain('0 of 22 done (0%)');
      await checkA11y(manager, `new plan ${size.name}`);

      // The manager checks off the overdue manager and buddy tasks (a manager may check any task).
      for (const title of ['Set up accounts and system access', 'Walk the new hire through the purchasing and invoice workflow']) {
        await task(manager, title)
          .getByRole('button', { name: action('Mark done', title) })
          .click();
        await expect.poll(() => task(manager, title).getAttribute('data-done')).toBe('true');
      }
      await expect(overall(manager, planId).textContent()).resolves.toContain('2 of 22 done (9%)');

      // ...and edits a task: new title, due day 20 -> 21.
      const old = 'Refresh the team dashboards and trackers yourself';
      await Promise.all([
        manager.waitForURL(/\?edit=\d+/),
        task(manager, old)
          .getByRole('link', { name: `Edit ${old}` })
          .click(),
      ]);
      const form = manager.getByRole('form', { name: `Edit ${old}` });
      await checkA11y(manager, `edit form ${size.name}`);
      await form.getByLabel('Task', { exact: true }).fill('Refresh the warehouse dashboards yourself');
      await form.getByLabel('Due on day').fill('21');
      await Promise.all([manager.waitForURL(/done=updated/), form.getByRole('button', { name: 'Save task' }).click()]);
      await expect(manager.locator('.notice').textContent()).resolves.toContain('Task saved.');
      const edited = task(manager, 'Refresh the warehouse dashboards yourself');
      await expect(edited.locator('.ramp-meta').textContent()).resolves.toContain('(day 21)');
      const history = await manager.locator('[data-testid="plan-history"]').innerText();
      expect(history).toContain(`Changed title from “${old}” to “Refresh the warehouse dashboards yourself”; due day from 20 to 21`);
      expect(history).toContain('Checked off “Set up accounts and system access”');
      await managerContext.close();

      // --- the new hire ------------------------------------------------------------
      // On the phone the first check-off runs without JavaScript (plain form post and redirect).
      const noScript = size.name === 'phone';
      const hireContext = await browser.newContext({ viewport: { width: size.width, height: size.height }, javaScriptEnabled: !noScript });
      const page = await signInPage(hireContext, hire.email, hire.password);
      await page.goto(`${base}/app/ramp/`);
      await expect(page.locator('h1').textContent()).resolves.toBe('My first 90 days');
      await expect(badge(page).textContent()).resolves.toBe('Red: Off track');
      await expect(overall(page, planId).textContent()).resolves.toContain('2 of 22 done (9%)');
      await expect(page.locator('[data-testid="overdue-list"]').innerText()).resolves.toContain('Learn the team');
      // Manager tasks are not hers to check off.
      await expect(task(page, 'Hold the 30-day check-in').getByRole('button').count()).resolves.toBe(0);
      // axe runs inside the page, so only where JavaScript is on (page2 below covers the phone).
      if (!noScript) await checkA11y(page, `checklist ${size.name}`);

      const first = "Learn the team's tool stack";
      if (noScript) {
        await Promise.all([
          page.waitForURL(/done=checked/),
          task(page, first)
            .getByRole('button', { name: action('Mark done', first) })
            .click(),
        ]);
        await expect(page.locator('.notice').textContent()).resolves.toBe('Task checked off.');
      } else {
        await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
        await task(page, first).getByText('Add a note or evidence link').click();
        await task(page, first).getByLabel('Note', { exact: true }).fill('Links page is in my drive.');
        await task(page, first)
          .getByRole('button', { name: action('Mark done', first) })
          .click();
        await expect.poll(() => task(page, first).getAttribute('data-done')).toBe('true');
        // Updated in place: same document, focus on the task's new button, change announced.
        expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
        await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Mark not done');
        await expect.poll(() => page.locator('#ramp-announce').textContent()).toBe('Task checked off.');
        await expect(task(page, first).locator('.ramp-done-info').textContent()).resolves.toContain('Links page is in my drive.');
      }
      await expect(badge(page).textContent()).resolves.toBe('Amber: At risk');
      // 13.6 %, rounded to the nearest (it showed 13 % when progress rounded down).
      await expect(overall(page, planId).textContent()).resolves.toContain('3 of 22 done (14%)');

      await hireContext.close();
      const scripted = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const page2 = await signInPage(scripted, hire.email, hire.password);
      await page2.goto(`${base}/app/ramp/`);
      const second = 'Shadow the core processes end to end';
      await task(page2, second)
        .getByRole('button', { name: action('Mark done', second) })
        .click();
      await expect.poll(() => badge(page2).textContent()).toBe('Green: On track');
      await expect(overall(page2, planId).textContent()).resolves.toContain('4 of 22 done (18%)');
      await expect(page2.locator('[data-testid="due-week-list"]').innerText()).resolves.toContain(
        'Refresh the warehouse dashboards yourself',
      );
      await checkA11y(page2, `checklist after check-offs ${size.name}`);

      // Unchecking works too and the status follows.
      await task(page2, second)
        .getByRole('button', { name: action('Mark not done', second) })
        .click();
      await expect.poll(() => badge(page2).textContent()).toBe('Amber: At risk');

      // Fits the width: no horizontal scrolling.
      expect(await page2.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      // The printable plan.
      await page2.goto(`${base}/app/ramp/${planId}/print`);
      await expect(page2.locator('h1').textContent()).resolves.toBe(`${hire.displayName}: 90-day plan`);
      await page2.emulateMedia({ media: 'print' });
      await expect(page2.locator('.site-header').isVisible()).resolves.toBe(false);
      await page2.emulateMedia({ media: 'screen' });
      await checkA11y(page2, `print ${size.name}`);
      await scripted.close();
    }, 150_000);
  });
}

describe('a refused check-off in Chromium', () => {
  it('shows the task done at once, then puts it back with the reason, and saves nothing', async () => {
    const hire = await createPerson(database, { label: 'ramp-refused', team: 'Warehouse Operations', jobRole: 'operations-assistant' });
    const today = organisationToday(new Date(), DEMO_TIME_ZONE);
    const managerContext = await browser.newContext();
    const manager = await signInPage(managerContext, 'manager@demo.opspath.test', 'opspath-demo');
    await manager.goto(`${base}/app/ramp/?hire=${encodeURIComponent(hire.displayName.slice(0, 12))}`);
    await manager.selectOption('#personId', String(hire.id));
    await manager.fill('#startDate', addDays(today, -14));
    await Promise.all([manager.waitForURL(/\/app\/ramp\/\d+\/\?done=started/), manager.click('button:has-text("Start the plan")')]);
    await managerContext.close();

    const context = await browser.newContext();
    const page = await signInPage(context, hire.email, hire.password);
    await page.goto(`${base}/app/ramp/`);
    const before = await rampSnapshot();
    const title = "Learn the team's tool stack";
    const item = task(page, title);
    const percent = await page.locator('[id^="progress-"][id$="-label"]').first().textContent();
    await item.getByText('Add a note or evidence link').click();
    await item.getByLabel('Evidence link').fill('not a link');
    await item.getByRole('button', { name: action('Mark done', title) }).click();
    const alert = item.locator('[role="alert"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/^Not saved: /);
    await expect(item.getAttribute('data-done')).resolves.toBe('false');
    await expect(item.getByRole('button', { name: action('Mark done', title) }).count()).resolves.toBe(1);
    await expect(page.locator('[id^="progress-"][id$="-label"]').first().textContent()).resolves.toBe(percent);
    // What was typed is kept, the field is named in the message, and nothing was written.
    await expect(item.getByLabel('Evidence link').inputValue()).resolves.toBe('not a link');
    expect(await rampSnapshot()).toBe(before);
    await checkA11y(page, 'checklist with a refused check-off');
    await context.close();
  }, 60_000);
});

describe('quick edit of a task in Chromium', () => {
  it('a manager renames a task and moves its day in place; a refused edit is undone with the reason; a new hire may not', async () => {
    const hire = await createPerson(database, { label: 'ramp-quick', team: 'Warehouse Operations', jobRole: 'operations-assistant' });
    const today = organisationToday(new Date(), DEMO_TIME_ZONE);
    const context = await browser.newContext();
    const page = await signInPage(context, 'manager@demo.opspath.test', 'opspath-demo');
    await page.goto(`${base}/app/ramp/?hire=${encodeURIComponent(hire.displayName.slice(0, 12))}`);
    await page.selectOption('#personId', String(hire.id));
    await page.fill('#startDate', addDays(today, -14));
    await Promise.all([page.waitForURL(/\/app\/ramp\/\d+\/\?done=started/), page.click('button:has-text("Start the plan")')]);
    const planId = Number(/\/app\/ramp\/(\d+)\//.exec(page.url())![1]);
    await page.waitForSelector('[data-quick-edit]');
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    const old = 'Refresh the team dashboards and trackers yourself';
    await task(page, old)
      .getByRole('button', { name: action('Quick edit', old) })
      .click();
    const form = page.getByRole('form', { name: `Quick edit ${old}` });
    await expect(form.getByLabel('Task').evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await form.getByLabel('Task').fill('Refresh the shift dashboards yourself');
    await form.getByLabel('Due on day').fill('22');
    await form.getByRole('button', { name: 'Save' }).click();
    const edited = task(page, 'Refresh the shift dashboards yourself');
    await expect(edited.locator('.ramp-meta').textContent()).resolves.toContain('(day 22)');
    await expect.poll(() => page.locator('#ramp-announce').textContent()).toBe('Task saved.');
    const [row] = await database.db
      .select()
      .from(rampTasks)
      .where(and(eq(rampTasks.planId, planId), eq(rampTasks.title, 'Refresh the shift dashboards yourself')));
    expect(row?.dueDay).toBe(22);

    // Day 120 is refused by the server: the old day comes back and the reason sits next to the field.
    const before = await rampSnapshot();
    await edited.getByRole('button', { name: action('Quick edit', 'Refresh the shift dashboards yourself') }).click();
    await page.getByRole('form', { name: 'Quick edit Refresh the shift dashboards yourself' }).getByLabel('Due on day').fill('120');
    await page
      .getByRole('form', { name: 'Quick edit Refresh the shift dashboards yourself' })
      .getByRole('button', { name: 'Save' })
      .click();
    const again = page.getByRole('form', { name: 'Quick edit Refresh the shift dashboards yourself' });
    await again.locator('[role="alert"]').waitFor();
    await expect(again.locator('.field-error').textContent()).resolves.toBe('The plan has 90 days: enter a due day from 1 to 90.');
    await expect(again.getByLabel('Due on day').inputValue()).resolves.toBe('120');
    await expect(edited.locator('.ramp-meta').textContent()).resolves.toContain('(day 22)');
    expect(await rampSnapshot()).toBe(before);
    await checkA11y(page, 'quick edit refused');
    await page.keyboard.press('Escape');
    await expect(page.locator('.ramp-quick-edit').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).resolves.toBe(true);
    await context.close();

    // The endpoint refuses anyone who may not edit the plan: another new hire does not even see it.
    const res = await unchangedBy(() =>
      visitors.newHire.postJson(`/app/ramp/tasks/${row!.id}/update`, { planId, title: 'Mine now', owner: 'new-hire', dueDay: 5 }, base),
    );
    expect(res.status).toBe(404);
    // And a member posting to her own plan's task is refused too (403: she sees it, may not edit it).
    const ninaRes = await unchangedBy(() =>
      visitors.newHire.postJson(
        `/app/ramp/tasks/${ninaOpenTask}/update`,
        { planId: ninaPlan, title: 'Mine now', owner: 'new-hire', dueDay: 5 },
        base,
      ),
    );
    expect([403, 404]).toContain(ninaRes.status);
  }, 90_000);
});

describe('JavaScript budget', () => {
  it('the checklist page loads at most 90 KB gzip of JavaScript, React included', async () => {
    const js = await pageJavaScript(base, '/app/ramp/', { cookie: visitors.newHire.cookie! });
    expect(js.totalGzip).toBeGreaterThan(0); // the check-off islands are there
    expect(js.islands.some((i) => i.component?.startsWith('RampTask.'))).toBe(true);
    console.log(`checklist page: ${js.totalGzip} B gzip of JavaScript in ${js.files} file(s)`);
    expect(js.totalGzip).toBeLessThanOrEqual(90 * 1024);
  });
});
