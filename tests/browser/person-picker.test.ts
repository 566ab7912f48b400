// The person picker (decision 043) in Chromium, with JavaScript off and on, on
// an organisation of its own with more managers and more teammates than a
// picker offers (PICKER_LIMIT): an admin finds a team's manager by typing the
// start of a name and sets them; on a plan, a buddy is found the same way and
// named on the task, and the task's edit form keeps its buddy whatever the search;
// Find keeps what was already chosen and typed in the start-a-plan form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { checkA11y, launchBrowser, signedInPage } from '../support/browser.ts';
import { baseUrl, createOrganisation, expectRejectedForm, serverDatabase, signedIn, uniqueEmail } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { rampPlans, rampTasks, teamMemberships, teams, users } from '#server/db/schema.ts';
import { PICKER_LIMIT } from '#domain/people-search.ts';

const base = baseUrl();
let database: Database;
let browser: Browser;
let org: Awaited<ReturnType<typeof createOrganisation>>;
/** The people each run looks for, by name. */
const wanted = new Map<string, number>();
const TEAM_SIZE = PICKER_LIMIT + 10;

beforeAll(async () => {
  database = serverDatabase();
  org = await createOrganisation(database, `picker${Date.now().toString(36)}`);
  const person = (displayName: string, role: 'manager' | 'member') => ({
    orgId: org.orgId,
    email: uniqueEmail(displayName.toLowerCase().replace(/\W+/g, '-')),
    displayName,
    passwordHash: org.admin.passwordHash,
    role,
    jobRole: 'operations-coordinator',
    tier: 'junior',
    startDate: '2026-10-01',
  });
  // One insert each, as a spreadsheet import would leave them: more than a picker shows.
  const managers = await database.db
    .insert(users)
    .values([
      ...Array.from({ length: TEAM_SIZE }, (_, i) => person(`Manager ${String(i + 1).padStart(2, '0')}`, 'manager')),
      person('Quinn Offline', 'manager'),
      person('Rowan Online', 'manager'),
    ])
    .returning();
  const colleagues = await database.db
    .insert(users)
    .values([
      ...Array.from({ length: TEAM_SIZE }, (_, i) => person(`Colleague ${String(i + 1).padStart(2, '0')}`, 'member')),
      person('Zelda Buddy', 'member'),
      person('Yusuf Buddy', 'member'),
      person('Hire Offline', 'member'),
      person('Hire Online', 'member'),
      person('Starter Offline', 'member'),
      person('Starter Online', 'member'),
    ])
    .returning();
  await database.db.insert(teamMemberships).values(colleagues.map((c) => ({ teamId: org.team.id, userId: c.id })));
  for (const p of [...managers, ...colleagues]) wanted.set(p.displayName, p.id);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

const selectedText = (page: Page, selector: string) => page.locator(`${selector} option:checked`).textContent();

describe.each([
  {
    js: false,
    manager: 'Quinn Offline',
    search: 'quinn',
    hire: 'Hire Offline',
    buddy: 'Zelda Buddy',
    buddySearch: 'zel',
    starter: 'Starter Offline',
  },
  {
    js: true,
    manager: 'Rowan Online',
    search: 'ROW',
    hire: 'Hire Online',
    buddy: 'Yusuf Buddy',
    buddySearch: 'yus',
    starter: 'Starter Online',
  },
])('person pickers, JavaScript $js', ({ js, manager, search, hire, buddy, buddySearch, starter }) => {
  it('Find keeps the template and day 1 typed before it, and the plan starts with them', async () => {
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password, { javaScriptEnabled: js });
    await page.goto(`${base}/app/ramp/`);
    // Not the template their job role would give (operations-coordinator): it can only come from the form.
    const template = 'operations-manager';
    const day = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
    await page.selectOption('#templateRole', template);
    await page.getByLabel('Start date (day 1)').fill(day);
    await page.getByLabel('Find the new hire').fill(starter.toLowerCase());
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.waitForURL(/hire=/);
    await expect(page.locator('#hire-count').textContent()).resolves.toContain('1 person whose name or email starts with');
    await expect(page.locator('#templateRole').inputValue()).resolves.toBe(template);
    await expect(page.getByLabel('Start date (day 1)').inputValue()).resolves.toBe(day);
    await expect(page.getByLabel('Find the new hire').inputValue()).resolves.toBe(starter.toLowerCase());
    await page.selectOption('#personId', String(wanted.get(starter)));
    await page.getByRole('button', { name: 'Start the plan' }).click();
    await page.waitForURL(/\/app\/ramp\/\d+\/\?done=started/);
    const [plan] = await database.db
      .select()
      .from(rampPlans)
      .where(eq(rampPlans.userId, wanted.get(starter)!));
    expect(plan).toMatchObject({ templateRole: template, startDate: day });
    await context.close();
  });

  it('an admin finds a team manager by the start of a name and sets them', async () => {
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password, { javaScriptEnabled: js });
    const teamName = org.team.name;
    // The team list's own search stays in the address through the picker.
    await page.goto(`${base}/app/admin/?q=${encodeURIComponent(teamName)}`);
    await page.getByRole('link', { name: `Change the manager of ${teamName}` }).click();
    await page.waitForURL(/managerOf=/);
    const status = page.locator('#team-manager-status');
    await expect(status.textContent()).resolves.toContain(`The first ${PICKER_LIMIT} by name`);
    // "No manager" and the first 25 managers; the team's manager is chosen, so offered too when not among them.
    const firstCount = await page.locator('#team-manager option').count();
    expect(firstCount).toBeGreaterThanOrEqual(PICKER_LIMIT + 1);
    expect(firstCount).toBeLessThanOrEqual(PICKER_LIMIT + 2);
    await page.getByLabel('Find a manager').fill(search);
    await page.getByRole('button', { name: `Find a manager of ${teamName}` }).click();
    await page.waitForURL(new RegExp(`manager=${search}`));
    const url = new URL(page.url());
    expect(url.searchParams.get('q')).toBe(teamName);
    expect(url.searchParams.get('managerOf')).toBe(String(org.team.id));
    await expect(page.getByLabel('Find a manager').inputValue()).resolves.toBe(search);
    await expect(status.textContent()).resolves.toContain(`1 person whose name or email starts with “${search}”`);
    const offered = (await page.locator('#team-manager option').allTextContents()).filter((o) => o !== 'No manager');
    // The match, and the team's current manager (chosen, so the form keeps its value).
    expect(offered.some((o) => o.startsWith(manager))).toBe(true);
    expect(offered.length).toBeLessThanOrEqual(2);
    await page.selectOption('#team-manager', String(wanted.get(manager)));
    await page.getByRole('button', { name: `Set manager of ${teamName}` }).click();
    await page.waitForURL(/done=manager-set/);
    await expect(page.getByRole('row', { name: new RegExp(teamName) }).textContent()).resolves.toContain(manager);
    const [team] = await database.db.select().from(teams).where(eq(teams.id, org.team.id));
    expect(team!.managerUserId).toBe(wanted.get(manager));
    // A search matching no one says so, and still offers the chosen manager.
    await page.goto(`${base}/app/admin/?managerOf=${org.team.id}&manager=nobody-by-this-name#change-manager`);
    await expect(status.textContent()).resolves.toContain('No one whose name or email starts with “nobody-by-this-name”');
    await expect(selectedText(page, '#team-manager')).resolves.toContain(manager);
    if (js) await checkA11y(page, 'team manager picker');
    await context.close();
  });

  it('a buddy is found by the start of a name and named on the task', async () => {
    const { context, page } = await signedInPage(browser, base, org.admin.email, org.admin.password, { javaScriptEnabled: js });
    // The new hire through the start-a-plan picker: the same component.
    await page.goto(`${base}/app/ramp/`);
    await page.getByLabel('Find the new hire').fill(hire.toLowerCase());
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.waitForURL(/hire=/);
    await expect(page.locator('#hire-count').textContent()).resolves.toContain('1 person whose name or email starts with');
    await page.selectOption('#personId', String(wanted.get(hire)));
    await page.getByRole('button', { name: 'Start the plan' }).click();
    await page.waitForURL(/\/app\/ramp\/\d+\/\?done=started/);
    const planPath = new URL(page.url()).pathname;

    const status = page.locator('#add-buddyUserId-status');
    await expect(status.textContent()).resolves.toContain(`The first ${PICKER_LIMIT} by name`);
    await expect(page.locator('#add-buddyUserId option').count()).resolves.toBe(PICKER_LIMIT + 1);
    // Search first: the search is a GET, so it comes back with the form as it was.
    await page.getByLabel('Find a buddy').fill(buddySearch);
    await page.getByRole('button', { name: 'Find a buddy for the new task' }).click();
    await page.waitForURL(new RegExp(`buddy=${buddySearch}`));
    await expect(status.textContent()).resolves.toContain(`1 person whose name or email starts with “${buddySearch}”`);
    const offered = (await page.locator('#add-buddyUserId option').allTextContents()).filter((o) => o !== 'No one named yet');
    expect(offered).toEqual([buddy]);
    await page.selectOption('#add-buddyUserId', String(wanted.get(buddy)));
    const title = `Shadow a shift (${js ? 'with' : 'without'} JavaScript)`;
    await page.getByLabel('Task', { exact: true }).fill(title);
    await page.selectOption('#add-owner', 'buddy');
    await page.getByLabel('Due on day').fill('5');
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.waitForURL(/done=/);
    const task = page.locator('li.ramp-task', { hasText: title });
    await expect(task.textContent()).resolves.toContain(`Buddy: ${buddy}`);
    const [row] = await database.db.select().from(rampTasks).where(eq(rampTasks.title, title));
    expect(row!.buddyUserId).toBe(wanted.get(buddy));

    // The edit form keeps the task's buddy, whatever its own search finds.
    await page.goto(`${base}${planPath}?edit=${row!.id}&editBuddy=colleague#task-${row!.id}`);
    const editSelect = `#edit-${row!.id}-buddyUserId`;
    await expect(selectedText(page, editSelect)).resolves.toBe(buddy);
    const editOptions = (await page.locator(`${editSelect} option`).allTextContents()).filter((o) => o !== 'No one named yet');
    expect(editOptions[0]).toBe(buddy);
    expect(editOptions.slice(1).every((o) => o.startsWith('Colleague'))).toBe(true);
    expect(editOptions).toHaveLength(PICKER_LIMIT + 1);
    if (js) await checkA11y(page, 'buddy pickers');
    await context.close();
  });
});

describe('the pickers refuse a choice outside their set', () => {
  it('a hand-made form naming someone outside the set is refused with the rule in words', async () => {
    const visitor = await signedIn(org.admin.email, org.admin.password);
    const colleague = String(wanted.get('Colleague 01'));
    await expectRejectedForm(
      await visitor.post('/app/admin/', { intent: 'set-manager', teamId: String(org.team.id), managerUserId: colleague }),
      ['Choose an active person with the manager role.'],
    );
    const [plan] = await database.db
      .select({ id: rampPlans.id })
      .from(rampPlans)
      .where(eq(rampPlans.userId, wanted.get('Hire Offline')!));
    const outsider = String(wanted.get('Manager 01'));
    await expectRejectedForm(
      await visitor.post(`/app/ramp/${plan!.id}/`, { intent: 'add', title: 'Refused', owner: 'buddy', dueDay: '5', buddyUserId: outsider }),
      ['Choose a buddy from the list: someone in the new hire’s team.'],
    );
    const [team] = await database.db.select().from(teams).where(eq(teams.id, org.team.id));
    expect(team!.managerUserId).toBe(wanted.get('Rowan Online'));
  });
});
