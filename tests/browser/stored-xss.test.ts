// Stored XSS and CSV formula injection, against the built server.
// HTML and script payloads go into every free-text field through the real
// forms and endpoints (a person's name, team names, skill names and
// descriptions added by an admin, self, manager and imported rating notes,
// certification credential ids and notes, ramp task titles, details and
// check-off notes) and into the CSV import's file name; web links carrying
// markup go into every URL field. Then every page that shows them is loaded
// in Chromium with the Content-Security-Policy switched off (so escaping alone
// has to hold): each payload is there as text, no script ran (window.__xss
// unset, no dialog, no page error), no element or event handler came from it,
// and every link's href is exactly the stored web address. javascript:, data:
// and vbscript: links are refused in every URL field (forms and JSON), so no
// page can hold one. Both CSV exports neutralise cells that start with = + - @,
// a tab or a carriage return. Everything lives in a scratch organisation, so
// no other test file sees the payloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Papa from 'papaparse';
import { eq, sql } from 'drizzle-orm';
import { launchBrowser } from '../support/browser.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, rampTasks, teamMemberships, teams } from '#server/db/schema.ts';
import { baseUrl, createOrganisation, createPerson, serverDatabase, signedIn, uniqueEmail, type Visitor } from '../support/app.ts';

const base = baseUrl();
const suffix = Date.now().toString(36);

// The payloads, one per field, each with its own marker; together they try to
// break out of text, attributes, <textarea>, <title>, table cells and headings.
const P = {
  name: `Nina <img src=x onerror="window.__xss='name'"> "><svg onload=window.__xss=1>`,
  team: `Ops "><script>window.__xss='team'</script>`,
  skill: `Forklift <img src=x onerror=window.__xss=1> ${suffix}`,
  skillDescription: `</dd></dl><script>window.__xss='skill-description'</script> Drives the forklift safely.`,
  selfNote: `</textarea><script>window.__xss='self-note'</script> my own note`,
  managerNote: `"><img src=x onerror="window.__xss='manager-note'"> manager note`,
  importNote: `<svg/onload=window.__xss='import-note'> imported, with a comma`,
  credential: `"><script>window.__xss='credential'</script>`,
  certNote: `</td></tr></table><img src=x onerror="window.__xss='cert-note'">`,
  taskTitle: `</h3><script>window.__xss='task-title'</script> Meet the team`,
  taskDetail: `<iframe srcdoc="<script>parent.__xss='task-detail'</script>"></iframe> details`,
  buddyTask: `<img src=x onerror="window.__xss='buddy-task'"> Shadow a shift`,
  renamedTask: `'"><svg onload=window.__xss='renamed'> Renamed task`,
  doneNote: `<script>window.__xss='done-note'</script> done note`,
  jsonNote: `<img src=x onerror="window.__xss='json-note'"> checked via JSON`,
  fileName: `<img src=x onerror="window.__xss='file'">.csv`,
};
// Real web links whose query tries to break out of the href attribute.
const URLS = {
  // No whitespace: a web link with a space is refused (#domain/fields.ts optionalWebLink); "/" separates the attribute instead.
  rating: `https://example.test/proof?q="><svg/onload=window.__xss=1>`,
  cert: `https://example.test/verify?"><script>window.__xss=1</script>`,
  done: `https://example.test/evidence?'><svg/onload=window.__xss=1>`,
};
const SCRIPT_URLS = [
  'javascript:window.__xss=1',
  'JavaScript:window.__xss=1',
  '  javascript:window.__xss=1',
  'java\tscript:window.__xss=1',
  'javascript://example.test/%0Awindow.__xss=1',
  'data:text/html,<script>window.__xss=1</script>',
  'vbscript:msgbox(1)',
  '//evil.example/x',
];
// Display names, team and skill names that a spreadsheet would run as formulas.
const FORMULA_NAMES = ['=1+1', '+1+1', '-1+1', '@SUM(1+1)', '\t=1+1', '\r=1+1'];
const FORMULA_FORM_NAME = '=HYPERLINK("http://evil.example","x")';
const FORMULA_TEAM = `=cmd|' /C calc'!A0 ${suffix}`;
const FORMULA_SKILL = `@SUM(1+1) skill ${suffix}`;

let database: Database;
let browser: Browser;
let org: Awaited<ReturnType<typeof createOrganisation>>;
type Persona = 'admin' | 'manager' | 'member' | 'buddy';
const visitors = {} as Record<Persona, Visitor>;
let skillId: string;
let formulaSkillId: string;
let formulaTeamId: number;
let planId: number;
let titleTaskId: number;
const formulaPeople: number[] = [];

/** A form post that must succeed (303, or 200 for the forms that answer in place). */
async function submit(persona: Persona, path: string, form: Record<string, string>, status = 303) {
  const res = await visitors[persona].post(path, form);
  const body = await res.text();
  expect(res.status, `${path} ${JSON.stringify(form)}: ${body.match(/role="alert"[^>]*>.{0,300}/)?.[0] ?? body.slice(0, 300)}`).toBe(
    status,
  );
  return { res, body };
}

function isoDaysFromNow(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  database = serverDatabase();
  org = await createOrganisation(database, 'xss');
  const buddy = await createPerson(database, {
    label: 'xss-buddy',
    orgId: org.orgId,
    teamId: org.team.id,
    jobRole: 'operations-coordinator',
    tier: 'mid',
  });
  visitors.admin = await signedIn(org.admin.email, org.admin.password);
  visitors.manager = await signedIn(org.manager.email, org.manager.password);
  visitors.member = await signedIn(org.member.email, org.member.password);
  visitors.buddy = await signedIn(buddy.email, buddy.password);
  const m = org.member.id;

  // An admin names the member, renames their team, adds a team, a person and two skills.
  await submit('admin', `/app/team/${m}/`, {
    intent: 'update',
    displayName: P.name,
    position: 'operations-coordinator/junior',
    startDate: '2026-10-01',
  });
  await submit('admin', '/app/admin/', { intent: 'rename-team', teamId: String(org.team.id), name: P.team });
  await submit('admin', '/app/admin/', { intent: 'create-team', name: FORMULA_TEAM, managerUserId: String(org.manager.id) });
  formulaTeamId = (await database.db.select().from(teams).where(eq(teams.name, FORMULA_TEAM)))[0]!.id;
  const added = await submit('admin', '/app/skills/catalog/', {
    intent: 'add-skill',
    name: P.skill,
    category: 'technical',
    description: P.skillDescription,
  });
  skillId = /#skill-(.+)$/.exec(added.res.headers.get('location')!)![1]!;
  const formulaSkill = await submit('admin', '/app/skills/catalog/', {
    intent: 'add-skill',
    name: FORMULA_SKILL,
    category: 'soft',
    description: 'A skill whose name a spreadsheet would run.',
  });
  formulaSkillId = /#skill-(.+)$/.exec(formulaSkill.res.headers.get('location')!)![1]!;
  await submit(
    'admin',
    '/app/team/',
    {
      teamId: String(formulaTeamId),
      email: uniqueEmail('xss-formula'),
      displayName: FORMULA_FORM_NAME,
      position: 'operations-coordinator/junior',
      startDate: '2026-10-01',
      passwordMode: 'generate',
    },
    200,
  );

  // Ratings: the member's own, the manager's, and an imported one, each with a note.
  await submit('member', '/app/skills/me/', { intent: 'rate', skillId, level: '2', note: P.selfNote, evidenceUrl: URLS.rating });
  await submit('manager', `/app/skills/people/${m}/`, { intent: 'rate', skillId, level: '3', note: P.managerNote });
  const csv = `email,skill,level,date,note\n${org.member.email},spreadsheets,3,2026-10-01,"${P.importNote.replace(/"/g, '""')}"\n`;
  const form = new FormData();
  form.set('file', new File([csv], 'ratings.csv', { type: 'text/csv' }));
  const imported = await fetch(`${base}/app/skills/import`, {
    method: 'POST',
    headers: { cookie: visitors.manager.cookie!, origin: base },
    body: form,
    redirect: 'manual',
  });
  expect(imported.status, await imported.text()).toBe(303);

  // A certification with a credential id, a note and a verification link; it expires soon, so a reminder is due.
  await submit('member', '/app/certifications/me/', {
    intent: 'add',
    certificationId: 'pmi-pmp',
    status: 'earned',
    earnedOn: '2024-01-15',
    expiresOn: isoDaysFromNow(10),
    credentialId: P.credential,
    verificationUrl: URLS.cert,
    note: P.certNote,
  });

  // A ramp plan with hostile task titles, a buddy task, check-offs with notes and links, and a renamed task.
  const started = await submit('manager', '/app/ramp/', {
    intent: 'start',
    personId: String(m),
    templateRole: '',
    startDate: isoDaysFromNow(-5),
  });
  planId = Number(/\/app\/ramp\/(\d+)\//.exec(started.res.headers.get('location')!)![1]);
  const plan = `/app/ramp/${planId}/`;
  await submit('manager', plan, { intent: 'add', title: P.taskTitle, detail: P.taskDetail, owner: 'new-hire', dueDay: '1' });
  await submit('manager', plan, { intent: 'add', title: P.buddyTask, owner: 'buddy', buddyUserId: String(buddy.id), dueDay: '2' });
  const tasks = await database.db.select().from(rampTasks).where(eq(rampTasks.planId, planId));
  titleTaskId = tasks.find((t) => t.title === P.taskTitle)!.id;
  await submit('member', plan, { intent: 'done', taskId: String(titleTaskId), note: P.doneNote, evidenceUrl: URLS.done });
  const other = tasks.find((t) => t.owner === 'new-hire' && t.title !== P.taskTitle)!;
  const json = await visitors.member.postJson(`/app/ramp/tasks/${other.id}/done`, { done: true, note: P.jsonNote }, base);
  expect(json.status).toBe(200);
  const renamed = tasks.find((t) => t.owner === 'manager')!;
  await submit('manager', plan, {
    intent: 'update',
    taskId: String(renamed.id),
    title: P.renamedTask,
    detail: '',
    owner: 'manager',
    dueDay: String(renamed.dueDay),
  });

  // People whose names a spreadsheet would run, in the formula team, each with a certification record and a rating.
  for (const [i, name] of FORMULA_NAMES.entries()) {
    const person = await createPerson(database, {
      label: `xss-formula-${i}`,
      orgId: org.orgId,
      teamId: formulaTeamId,
      displayName: name,
      jobRole: 'operations-coordinator',
      tier: 'junior',
    });
    formulaPeople.push(person.id);
    await database.db
      .insert(certificationRecords)
      .values({ orgId: org.orgId, userId: person.id, certificationId: 'pmi-pmp', status: 'planned', createdBy: person.id });
  }
  const [formPerson] = await database.db.all<{ id: number }>(
    sql`select id from users where display_name = ${FORMULA_FORM_NAME} and org_id = ${org.orgId}`,
  );
  formulaPeople.push(formPerson!.id);
  await database.db
    .insert(certificationRecords)
    .values({ orgId: org.orgId, userId: formPerson!.id, certificationId: 'pmi-pmp', status: 'planned', createdBy: formPerson!.id });
  await submit('manager', `/app/skills/people/${formulaPeople[0]}/`, { intent: 'rate', skillId: formulaSkillId, level: '2' });
  expect((await database.db.select().from(teamMemberships).where(eq(teamMemberships.teamId, formulaTeamId))).length).toBe(
    FORMULA_NAMES.length + 1,
  );

  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  database?.close();
});

describe('script links are refused in every URL field', () => {
  const stored = async () =>
    JSON.stringify(
      await database.db.all(sql`
        select 'rating' as k, evidence_url as u from skill_ratings where org_id = ${org.orgId} and evidence_url is not null
        union all select 'cert', verification_url from certification_records where org_id = ${org.orgId} and verification_url is not null
        union all select 'task', evidence_url from ramp_tasks where plan_id = ${planId} and evidence_url is not null
        order by 1, 2`),
    );

  it.each(SCRIPT_URLS)('%j: refused with a field error, nothing stored', async (url) => {
    const before = await stored();
    const m = org.member.id;
    const open = (await database.db.select().from(rampTasks).where(eq(rampTasks.planId, planId))).find(
      (t) => t.owner === 'new-hire' && t.doneAt === null,
    )!;
    const [record] = await database.db.select().from(certificationRecords).where(eq(certificationRecords.userId, m));
    const forms: [Persona, string, Record<string, string>, string][] = [
      ['member', '/app/skills/me/', { intent: 'rate', skillId: 'spreadsheets', level: '1', evidenceUrl: url }, 'evidenceUrl'],
      ['manager', `/app/skills/people/${m}/`, { intent: 'rate', skillId: 'spreadsheets', level: '1', evidenceUrl: url }, 'evidenceUrl'],
      [
        'member',
        '/app/certifications/me/',
        { intent: 'add', certificationId: 'asq-cssyb', status: 'planned', verificationUrl: url },
        'verificationUrl',
      ],
      [
        'member',
        '/app/certifications/me/',
        { intent: 'edit', recordId: String(record!.id), status: 'earned', earnedOn: '2024-01-15', verificationUrl: url },
        'verificationUrl',
      ],
      ['member', `/app/ramp/${planId}/`, { intent: 'done', taskId: String(open.id), evidenceUrl: url }, 'evidence'],
      ['member', '/app/ramp/', { intent: 'done', taskId: String(open.id), evidenceUrl: url }, 'evidence'],
    ];
    for (const [persona, path, form, field] of forms) {
      const res = await visitors[persona].post(path, form);
      expect(res.status, `${path} ${form.intent}`).toBe(400);
      expect(await res.text(), path).toMatch(new RegExp(`<p class="field-error" id="[^"]*${field}[^"]*-error"[^>]*>[^<]*(web|https)`, 'i'));
    }
    const rating = await visitors.manager.postJson(
      '/app/skills/rating',
      { personId: m, skillId: 'spreadsheets', level: 1, evidenceUrl: url },
      base,
    );
    expect(rating.status).toBe(400);
    expect(((await rating.json()) as { fieldErrors: Record<string, string> }).fieldErrors.evidenceUrl).toMatch(/https/);
    const done = await visitors.member.postJson(`/app/ramp/tasks/${open.id}/done`, { done: true, evidenceUrl: url }, base);
    expect(done.status).toBe(400);
    expect(await stored()).toBe(before);
  });
});

describe('stored payloads are shown as text and never run (Chromium, CSP off)', () => {
  type Check = { path: string; shows: string[]; links?: string[] };
  const m = () => org.member.id;
  const pages: () => Record<Persona, Check[]> = () => ({
    member: [
      { path: '/app/', shows: [P.name] },
      { path: '/app/skills/me/', shows: [P.name, P.skill, P.selfNote, P.managerNote, P.importNote], links: [URLS.rating] },
      { path: `/app/skills/me/?skill=${encodeURIComponent(skillId)}`, shows: [P.skill, P.selfNote] },
      { path: '/app/skills/catalog/', shows: [P.skill, P.skillDescription] },
      { path: '/app/certifications/me/', shows: [P.credential, P.certNote], links: [URLS.cert] },
      { path: '/app/certifications/reminders', shows: [P.name] },
      { path: '/app/ramp/', shows: [P.taskTitle, P.taskDetail, P.doneNote, P.jsonNote, P.buddyTask, URLS.done], links: [URLS.done] },
      { path: `/app/ramp/${planId}/`, shows: [P.name, P.taskTitle, P.taskDetail, P.doneNote, P.renamedTask], links: [URLS.done] },
      { path: `/app/ramp/${planId}/print`, shows: [P.name, P.taskTitle, P.buddyTask] },
      { path: '/app/account/', shows: [P.name] },
    ],
    manager: [
      { path: '/app/', shows: [P.name, P.team] },
      { path: '/app/team/', shows: [P.name, P.team, FORMULA_FORM_NAME] },
      { path: `/app/team/${m()}/`, shows: [P.name, P.team] },
      { path: '/app/skills/', shows: [P.name, P.team, P.skill] },
      { path: `/app/skills/?team=${org.team.id}`, shows: [P.name, P.team] },
      { path: `/app/skills/people/${m()}/`, shows: [P.name, P.skill, P.selfNote, P.managerNote, P.importNote], links: [URLS.rating] },
      { path: `/app/skills/people/${m()}/?skill=${encodeURIComponent(skillId)}`, shows: [P.name, P.skill] },
      { path: '/app/certifications/', shows: [P.name, P.team] },
      { path: '/app/certifications/reminders', shows: [P.name] },
      { path: '/app/ramp/', shows: [P.name] },
      { path: `/app/ramp/${planId}/`, shows: [P.name, P.taskTitle, P.buddyTask, P.renamedTask], links: [URLS.done] },
      { path: `/app/ramp/${planId}/?edit=${titleTaskId}#task-${titleTaskId}`, shows: [P.name, P.taskDetail] },
      { path: `/app/ramp/${planId}/print`, shows: [P.name, P.taskTitle] },
    ],
    admin: [
      { path: '/app/', shows: [] },
      // People moved from the admin page to the searchable People list (decision 027); teams stay here.
      { path: '/app/admin/', shows: [P.team, FORMULA_TEAM] },
      { path: '/app/team/', shows: [P.name, P.team] },
      { path: `/app/team/?q=${encodeURIComponent('Nina <')}`, shows: [P.name] },
      { path: `/app/team/${m()}/`, shows: [P.name, P.team] },
      { path: '/app/skills/', shows: [P.name, P.skill] },
      { path: '/app/skills/catalog/', shows: [P.skill, P.skillDescription] },
      { path: '/app/certifications/', shows: [P.name, P.team] },
      { path: '/app/ramp/', shows: [P.name] },
    ],
    buddy: [
      { path: '/app/ramp/', shows: [P.buddyTask, P.name] },
      { path: `/app/ramp/${planId}/`, shows: [P.name, P.buddyTask] },
    ],
  });

  async function contextFor(persona: Persona) {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const [name, value] = visitors[persona].cookie!.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    return context;
  }

  type Findings = {
    xss: unknown;
    text: string;
    scripts: number;
    handlers: string[];
    frames: number;
    scriptLinks: string[];
    hrefs: string[];
  };

  /** What a page holds that a payload could have put there. */
  function inspect(page: Page): Promise<Findings> {
    return page.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return {
        xss: (window as unknown as { __xss?: unknown }).__xss,
        text: document.documentElement.textContent ?? '',
        // Scripts that would run and mention the payloads' variable.
        scripts: [...document.scripts].filter(
          (s) => (!s.type || /javascript|module/.test(s.type)) && (s.textContent ?? '').includes('__xss'),
        ).length,
        handlers: all.flatMap((el) =>
          [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName} ${a.name}=${a.value}`),
        ),
        frames: document.querySelectorAll('iframe, object, embed').length,
        scriptLinks: [...document.querySelectorAll<HTMLAnchorElement | HTMLAreaElement>('a[href], area[href]')]
          .map((a) => a.href)
          .concat([...document.querySelectorAll<HTMLFormElement>('form')].map((f) => f.action))
          .filter((h) => /^(javascript|data|vbscript):/i.test(h)),
        hrefs: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')!),
      };
    });
  }

  it('the checks catch a payload that is not escaped (the detector works)', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    try {
      const raw = [P.name, P.team, P.taskDetail, `<a href="javascript:void 0">x</a>`].map((p) => `<p>${p}</p>`).join('');
      await page.setContent(`<!doctype html><html><body>${raw}</body></html>`, { waitUntil: 'load' });
      const found = await inspect(page);
      expect(found.xss).toBeDefined();
      expect(found.scripts).toBe(1);
      expect(found.handlers.length).toBeGreaterThanOrEqual(2);
      expect(found.frames).toBe(1);
      expect(found.scriptLinks).toEqual(['javascript:void 0']);
      expect(found.text).not.toContain(P.name);
    } finally {
      await context.close();
    }
  });

  it.each(['member', 'manager', 'admin', 'buddy'] as const)('as the %s', async (persona) => {
    const context = await contextFor(persona);
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      for (const check of pages()[persona]) {
        const res = await page.goto(base + check.path, { waitUntil: 'load' });
        expect(res?.status(), check.path).toBe(200);
        expect(page.url(), `${check.path} redirected`).not.toMatch(/\/login/);
        const found = await inspect(page);
        expect(found.xss, `${check.path}: a payload ran`).toBeUndefined();
        expect(found.scripts, check.path).toBe(0);
        expect(found.handlers, `${check.path}: event handler attributes`).toEqual([]);
        expect(found.frames, check.path).toBe(0);
        expect(found.scriptLinks, check.path).toEqual([]);
        for (const text of check.shows) expect(found.text, `${check.path} shows ${JSON.stringify(text)} as text`).toContain(text);
        for (const href of check.links ?? []) expect(found.hrefs, `${check.path}: link kept exactly`).toContain(href);
      }
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the import page shows a hostile file name as text, through the real upload form', async () => {
    const context = await contextFor('manager');
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto(`${base}/app/skills/import`);
      await page.setInputFiles('#file', {
        name: P.fileName,
        mimeType: 'text/csv',
        buffer: Buffer.from(`email,skill,level\n${org.member.email},no-such-skill,9\n`),
      });
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/app/skills/import')),
        page.click('form[enctype="multipart/form-data"] button[type=submit]'),
      ]);
      await page.waitForSelector('#problems-title');
      expect(await page.textContent('#problems-title')).toBe(`Problems in ${P.fileName}`);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the calendar feed (holding the credential id and notes) is served as a calendar, never as HTML', async () => {
    const created = await submit('member', '/app/certifications/me/', { intent: 'feed-create' }, 200);
    const url = /(http:\/\/[^"<\s]+\/calendar\/[^"<\s?]+\.ics)/.exec(created.body)![1]!;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toMatch(/^BEGIN:VCALENDAR\r\n/);
  });
});

describe('CSV exports neutralise formulas', () => {
  const FORMULA_START = /^[=+\-@\t\r]/;
  /** Every cell that starts like a formula is either a number or neutralised with a leading apostrophe. */
  function expectSafe(rows: string[][], what: string) {
    for (const row of rows) {
      for (const cell of row) {
        if (FORMULA_START.test(cell)) expect(cell, `${what}: ${JSON.stringify(row)}`).toMatch(/^-\d+(\.\d+)?$/);
      }
    }
  }
  async function exported(path: string, persona: Persona) {
    const res = await visitors[persona].get(path);
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = (await res.text()).replace(/^\uFEFF/, '');
    const parsed = Papa.parse<string[]>(text.trimEnd(), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    return parsed.data;
  }

  it.each([
    ['skills', (team: number) => `/app/skills/export.csv?team=${team}`],
    ['certifications', (team: number) => `/app/certifications/export.csv?team=${team}`],
  ] as const)('the %s export of a team whose people, team and skill names start with = + - @ tab or CR', async (label, path) => {
    for (const persona of ['manager', 'admin'] as const) {
      const rows = await exported(path(formulaTeamId), persona);
      expectSafe(rows, `${label} as ${persona}`);
      const names = rows.slice(1).map((r) => r[0]);
      for (const name of [...FORMULA_NAMES, FORMULA_FORM_NAME]) expect(names, `${label}: ${JSON.stringify(name)}`).toContain(`'${name}`);
      if (label === 'certifications') expect(rows.slice(1).map((r) => r[1])).toContain(`'${FORMULA_TEAM}`);
      if (label === 'skills') expect(rows.slice(1).map((r) => r[5])).toContain(`'${FORMULA_SKILL}`);
    }
  });

  it('the whole-organisation exports (with the XSS payloads) are safe too, and keep the payloads as plain text', async () => {
    const skills = await exported('/app/skills/export.csv', 'admin');
    expectSafe(skills, 'skills');
    expect(skills.slice(1).map((r) => r[0])).toContain(P.name);
    const certs = await exported('/app/certifications/export.csv', 'admin');
    expectSafe(certs, 'certifications');
    expect(certs.slice(1).map((r) => r[1])).toContain(P.team);
  });
});
