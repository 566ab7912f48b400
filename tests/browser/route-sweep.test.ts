// The route sweep: every page and endpoint under src/pages/app and
// src/pages/calendar, found on disk (tests/support/routes.ts) instead of
// listed by hand, tried by everyone who must not reach a Warehouse Operations
// member's data. A new page, form intent or endpoint is covered the day it is
// added: unless the ALLOW list below says a persona may use it, it must
// refuse them, so this file fails until someone decides.
//
// The target: a fresh member of Warehouse Operations (demo organisation) with
// a ramp plan started by their manager, a certification record and a calendar
// feed, all made through the app. Route parameters are their ids ([id] the
// person, [planId] the plan, [taskId] one of its tasks, [token] their feed
// token with its secret altered: the token is the feed's only key;
// [messageId] a message to them in the outbox; [importId] a people import
// preview that would rename them; [reviewId] and [cycleId] their review in a
// cycle their manager opened).
// The personas, none of whom has any claim on the target:
// - anonymous;
// - otherMember: a member of Customer Operations, buddy on nothing;
// - otherManager: the manager of Customer Operations (manager2@);
// - foreignAdmin and foreignMember: of a second organisation.
// For every action (GET; POST of each form intent the page declares, and of
// a form without intent when it has a default; each method of an endpoint,
// with a JSON body) a persona is not allowed: the refusal status (anonymous:
// 303 to /login for a page, 401 for an endpoint; signed in: 403 or 404; a
// calendar feed with a wrong token: 404 for all), nothing changed in any
// table of the server's database, and neither the target's name nor email in
// the answer. Allowed GETs must answer 200 and not show the target either.
// Last, every route answers an unsupported method (PUT) with 405 and Allow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, rampTasks } from '#server/db/schema.ts';
import { discoverRoutes, fillPattern, type Route } from '../support/routes.ts';
import { previewPeopleImport } from '#server/people-import/index.ts';
import { openCycle } from '#server/reviews/index.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { actorByEmail, TEST_CATALOG } from '../support/db.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot, type TableSnapshot } from '../support/db-state.ts';
import {
  baseUrl,
  createOrganisation,
  createPerson,
  queueOutboxMessage,
  serverDatabase,
  signedIn,
  teamId,
  uniqueEmail,
  Visitor,
} from '../support/app.ts';

type Persona = 'anonymous' | 'otherMember' | 'otherManager' | 'foreignAdmin' | 'foreignMember';
const PERSONAS: Persona[] = ['anonymous', 'otherMember', 'otherManager', 'foreignAdmin', 'foreignMember'];
type SignedIn = Exclude<Persona, 'anonymous'>;
const SIGNED_IN: SignedIn[] = ['otherMember', 'otherManager', 'foreignAdmin', 'foreignMember'];

// --- what is legitimately open -------------------------------------------------------------

/**
 * (persona, route) pairs that are open, and which of the route's actions:
 * 'GET', a form intent by name, or 'POST' for an endpoint. Everything else is
 * refused. These are all pages without a target id, where a persona sees or
 * changes their own things (their account, skills, certifications, ramp
 * page; an admin their own organisation). Intents that name the target (a
 * team, a person, a record, a task by id) are left out on purpose: the sweep
 * posts them with the target's ids and they must be refused.
 */
const ALLOW: Record<string, Partial<Record<SignedIn, readonly string[]>>> = {
  '/app/': everyone(['GET']),
  // Their own account: the email change asks to confirm their own new address (the target's is never touched).
  '/app/account/': everyone(['GET', 'change-password', 'sign-out-everywhere', 'change-email']),
  '/app/account/password/': everyone(['GET', 'change-password']),
  // Their own notification choices.
  '/app/account/notifications/': everyone(['GET', 'save']),
  // The foreign admin's own organisation; renaming a team, appointing a manager, changing a role by the target's ids: refused.
  '/app/admin/': { foreignAdmin: ['GET', 'create-team', 'time-zone', 'spreadsheets'] },
  // Its own organisation's outbox; the target's message ([messageId]) and its resend: refused.
  '/app/admin/outbox/': { foreignAdmin: ['GET'] },
  // Its own organisation's audit log and its export (the target is in another organisation's log).
  '/app/admin/audit/': { foreignAdmin: ['GET'] },
  '/app/admin/audit/export.csv': { foreignAdmin: ['GET'] },
  // Its own organisation's people import (upload, and the JSON for scripts); another organisation's import by id: refused.
  '/app/admin/import/': { foreignAdmin: ['GET', 'preview'] },
  '/app/admin/import/people.json': { foreignAdmin: ['POST'] },
  // Its own organisation's people in bulk: the target's ids are "not found" there (tests/integration/bulk-people.test.ts).
  '/app/admin/people/': { foreignAdmin: ['GET', 'bulk'] },
  // The page that explains how to pick a person; correcting the target's email by its id: refused.
  '/app/admin/people/email/': { foreignAdmin: ['GET'] },
  // Its own organisation's trends and their CSV.
  '/app/admin/trends/': { foreignAdmin: ['GET'] },
  '/app/admin/trends.csv': { foreignAdmin: ['GET'] },
  // The People list's bulk form acts on its own people: the target's ids count as "not found" (tests/integration/bulk-people.test.ts).
  '/app/team/': { otherManager: ['GET', 'bulk'], foreignAdmin: ['GET', 'bulk'] },
  '/app/skills/': { otherManager: ['GET'], foreignAdmin: ['GET'] },
  '/app/skills/me/': everyone(['GET', 'rate']),
  '/app/skills/catalog/': { ...everyone(['GET']), foreignAdmin: ['GET', 'add-skill'] },
  // Its own organisation's targets; the form sets a target there, never in the target's organisation.
  '/app/skills/targets/': { foreignAdmin: ['GET', 'set-target'] },
  // Its own organisation's resources; removing one by id (not its own): refused.
  '/app/skills/resources/': { foreignAdmin: ['GET', 'add-resource'] },
  '/app/skills/import/': { otherManager: ['GET'], foreignAdmin: ['GET'] },
  '/app/skills/export.csv': { otherManager: ['GET'], foreignAdmin: ['GET'] },
  '/app/skills/import-template.csv': { otherManager: ['GET'], foreignAdmin: ['GET'] },
  '/app/certifications/': { otherManager: ['GET'], foreignAdmin: ['GET'] },
  '/app/certifications/export.csv': { otherManager: ['GET'], foreignAdmin: ['GET'] },
  // Own records; editing or renewing the target's record by its id: refused.
  '/app/certifications/me/': everyone(['GET', 'add', 'feed-create', 'feed-revoke']),
  '/app/certifications/reminders/': everyone(['GET']),
  '/app/certifications/settings/': { foreignAdmin: ['GET', 'settings', 'require-add', 'require-remove'] },
  // Own ramp page; checking off the target's task, starting a plan for the target: refused.
  '/app/ramp/': everyone(['GET']),
  '/app/reviews/': everyone(['GET']),
};

function everyone(actions: readonly string[]) {
  return Object.fromEntries(SIGNED_IN.map((p) => [p, actions])) as Record<SignedIn, readonly string[]>;
}

/** Refusals that are a redirect elsewhere: a member asking for the managers' skills or compliance matrix is sent to their own view. */
const REDIRECTED: Record<string, { to: string; personas: readonly SignedIn[] }> = {
  '/app/skills/': { to: '/app/skills/me/', personas: ['otherMember', 'foreignMember'] },
  '/app/certifications/': { to: '/app/certifications/me/', personas: ['otherMember', 'foreignMember'] },
};

/**
 * Refusals that are refused input: the CSV import checks the whole file before
 * writing anything and answers 400 listing each bad line; a row for a person
 * outside the importer's teams is one.
 */
const INPUT_REFUSED: Record<string, { actions: readonly string[]; says: string }> = {
  '/app/skills/import/': { actions: ['POST import', 'POST (no intent)'], says: 'Nothing was imported' },
};

// --- the routes --------------------------------------------------------------------------------

const routes = discoverRoutes(['app', 'calendar']);

type Action = {
  /** 'GET', 'POST <intent>', 'POST (no intent)', 'POST (no forms)', or an endpoint's method. */
  name: string;
  method: string;
  /** The ALLOW key that decides it. */
  decidedBy: string;
  form?: { intent: string | null };
  json?: boolean;
  /** Asks with the target's ids in the query string. */
  query?: boolean;
};

function actionsOf(route: Route): Action[] {
  if (route.kind === 'page') {
    const actions: Action[] = [{ name: 'GET', method: 'GET', decidedBy: 'GET' }];
    for (const intent of route.intents) actions.push({ name: `POST ${intent}`, method: 'POST', decidedBy: intent, form: { intent } });
    if (route.defaultIntent)
      actions.push({ name: 'POST (no intent)', method: 'POST', decidedBy: route.defaultIntent, form: { intent: null } });
    // The same page asked about the target by query (?team=, ?person=…): where the page is open it
    // may ignore them or refuse, but must not show the target.
    actions.push({ name: 'GET ?ids', method: 'GET', decidedBy: 'GET', query: true });
    // A page without forms refuses a POST whoever sends it (405, pageGet): never allowed.
    if (!route.pagePost) actions.push({ name: 'POST (no forms)', method: 'POST', decidedBy: 'POST (no forms)', form: { intent: 'sweep' } });
    return actions;
  }
  return route.methods
    .filter((m) => m !== 'HEAD')
    .flatMap((method): Action[] =>
      method === 'GET'
        ? [
            { name: 'GET', method, decidedBy: 'GET' },
            { name: 'GET ?ids', method, decidedBy: 'GET', query: true },
          ]
        : [{ name: method, method, decidedBy: method, json: true }],
    );
}

/**
 * Endpoints that need a query to be a real address: without it they answer
 * 400 even to whoever may read them (after the access check, so the personas
 * below are refused either way). The positive control asks with it.
 */
const QUERY_FOR_INSIDER: Record<string, () => string> = {
  '/app/skills/people/[id]/cell': () => 'skill=spreadsheets',
};

/** A route whose only credential is a token in its URL (the calendar feed): no session opens it. */
const tokenRoute = (route: Route) => route.params.includes('token');

// --- fixtures ------------------------------------------------------------------------------

const base = baseUrl();
let database: Database;
const visitors = {} as Record<Persona, Visitor>;
const target = {
  id: 0,
  name: '',
  email: '',
  planId: 0,
  taskId: 0,
  recordId: 0,
  token: '',
  forgedToken: '',
  messageId: 0,
  importId: 0,
  reviewId: 0,
  cycleId: 0,
};
let warehouse = 0;
let manager: Visitor;
/** The demo organisation's admin: may open everything there (the positive control). */
let insider: Visitor;
const timings: string[] = [];

beforeAll(async () => {
  const started = performance.now();
  database = serverDatabase();
  warehouse = await teamId(database, 'Warehouse Operations');
  const suffix = Math.random().toString(36).slice(2, 8);
  const person = await createPerson(database, {
    label: 'sweep-target',
    team: 'Warehouse Operations',
    displayName: `Sweep Target ${suffix}`,
    jobRole: 'operations-coordinator',
  });
  Object.assign(target, { id: person.id, name: person.displayName, email: person.email });

  // The target's things, made through the app as their manager and they themselves would.
  manager = await signedIn('manager@demo.opspath.test');
  const startedPlan = await manager.post('/app/ramp/', { intent: 'start', personId: String(person.id), templateRole: '', startDate: '' });
  expect(startedPlan.status, await startedPlan.text()).toBe(303);
  target.planId = Number(/^\/app\/ramp\/(\d+)\//.exec(startedPlan.headers.get('location') ?? '')?.[1]);
  expect(target.planId).toBeGreaterThan(0);
  const [task] = await database.db.select().from(rampTasks).where(eq(rampTasks.planId, target.planId)).orderBy(rampTasks.id).limit(1);
  target.taskId = task!.id;

  const self = await signedIn(person.email, person.password);
  const added = await self.post('/app/certifications/me/', { intent: 'add', certificationId: 'pmi-pmp', status: 'planned' });
  expect(added.status).toBe(303);
  const [record] = await database.db
    .select()
    .from(certificationRecords)
    .where(and(eq(certificationRecords.userId, person.id), eq(certificationRecords.certificationId, 'pmi-pmp')));
  target.recordId = record!.id;
  const feed = await self.post('/app/certifications/me/', { intent: 'feed-create' });
  expect(feed.status).toBe(200);
  target.token = /\/calendar\/([^".<?\s]+)\.ics/.exec(await feed.text())![1]!;
  // The same token id with one character of its secret changed: a guess, not the key.
  const last = target.token.at(-1)!;
  target.forgedToken = `${target.token.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`;

  target.messageId = (await queueOutboxMessage(database, person.email)).id;
  const importer = await actorByEmail(database.db, 'admin@demo.opspath.test');
  const preview = await previewPeopleImport(
    database.db,
    testContext(importer),
    {
      text: `email,name,role\n${person.email},Renamed Target,member\n`,
      fileName: 'sweep.csv',
      format: 'csv',
      options: { deactivateAbsent: false, invite: false },
    },
    TEST_CATALOG,
  );
  if (!preview.ok) throw new Error(preview.message);
  target.importId = preview.value.id;
  const cycle = await openCycle(
    database.db,
    testContext(await actorByEmail(database.db, 'manager@demo.opspath.test')),
    loadCatalogsFromDisk().ladders,
    { name: 'Sweep cycle', dueOn: '2099-12-31', teamIds: [warehouse], personIds: [person.id] },
  );
  if (!cycle.ok) throw new Error(cycle.message);
  Object.assign(target, { cycleId: cycle.value.cycleId, reviewId: cycle.value.reviewIds[0]! });

  insider = await signedIn('admin@demo.opspath.test');
  const other = await createPerson(database, { label: 'sweep-other-member', team: 'Customer Operations' });
  const foreign = await createOrganisation(database, 'sweep');
  visitors.anonymous = new Visitor();
  [visitors.otherMember, visitors.otherManager, visitors.foreignAdmin, visitors.foreignMember] = await Promise.all([
    signedIn(other.email, other.password),
    signedIn('manager2@demo.opspath.test'),
    signedIn(foreign.admin.email, foreign.admin.password),
    signedIn(foreign.member.email, foreign.member.password),
  ]);
  timings.push(`fixtures ${Math.round(performance.now() - started)} ms`);
});

afterAll(async () => {
  // Leave no active plan behind for the other files that list Warehouse plans.
  if (manager && target.planId) await manager.post(`/app/ramp/${target.planId}/`, { intent: 'close' });
  database?.close();
  console.log(`route sweep: ${timings.join(', ')}`);
});

/**
 * SQLite's count of commits by other connections, as this connection sees it
 * (a hint of which request wrote; the snapshots are the proof).
 */
const dataVersion = async () => Number((await database.client.execute('pragma data_version')).rows[0]![0]);

const paramsOf = () => ({
  id: target.id,
  planId: target.planId,
  taskId: target.taskId,
  token: target.forgedToken,
  messageId: target.messageId,
  importId: target.importId,
  reviewId: target.reviewId,
  cycleId: target.cycleId,
  teamId: warehouse,
});

/** Fields every form of the app might read, all pointing at the target: extra ones are ignored. */
function formFields(): Record<string, string> {
  const t = String(target.id);
  return {
    teamId: String(warehouse),
    userId: t,
    personId: t,
    managerUserId: t,
    buddyUserId: t,
    planId: String(target.planId),
    taskId: String(target.taskId),
    recordId: String(target.recordId),
    name: 'Sweep',
    displayName: 'Sweep',
    email: uniqueEmail('sweep'),
    role: 'admin',
    position: 'operations-officer/junior',
    startDate: '2026-11-01',
    passwordMode: 'generate',
    skillId: 'spreadsheets',
    level: '4',
    note: 'sweep',
    category: 'soft',
    description: 'Made by the route sweep: must never exist.',
    certificationId: 'pmi-pmp',
    status: 'planned',
    earnedOn: '2026-06-01',
    reminderOn: '2026-01-01',
    leadDays: '1',
    timeZone: 'UTC',
    spreadsheetLocale: 'iso',
    title: 'Sweep task',
    detail: '',
    owner: 'new-hire',
    dueDay: '5',
    direction: 'down',
    templateRole: '',
    evidenceUrl: '',
    next: '/app/',
  };
}

const jsonBody = () => ({
  personId: target.id,
  userId: target.id,
  teamId: warehouse,
  taskId: target.taskId,
  planId: target.planId,
  recordId: target.recordId,
  // /app/certifications/records: renew the target's record, which is nobody else's to renew (404).
  intent: 'renew',
  skillId: 'spreadsheets',
  level: 4,
  note: 'sweep',
  done: true,
});

/** The query parameters pages filter by, pointing at the target's team and things. */
const idQuery = () =>
  new URLSearchParams({
    // A skill the organisation uses: the matrix cell's read (/app/skills/people/[id]/cell) names one.
    skill: 'spreadsheets',
    team: String(warehouse),
    person: String(target.id),
    user: String(target.id),
    plan: String(target.planId),
    task: String(target.taskId),
    record: String(target.recordId),
    edit: String(target.taskId),
  }).toString();

type Answer = { status: number; location: string | null; allow: string | null; body: string; sent: string };

/** One request as a browser on the site sends it (Origin: the site), with the persona's session. */
async function send(persona: Persona, route: Route, action: Action, path: string): Promise<Answer> {
  const cookie = visitors[persona].cookie;
  const headers: Record<string, string> = { origin: base, ...(cookie ? { cookie } : {}) };
  let body: BodyInit | undefined;
  let sent = '';
  if (action.form) {
    const fields = formFields();
    if (action.form.intent !== null) fields.intent = action.form.intent;
    if (route.multipart) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      const csv = `email,skill,level,date,note\n${target.email},spreadsheets,4,2026-10-01,sweep\n`;
      form.set('file', new File([csv], 'sweep.csv', { type: 'text/csv' }));
      body = form;
      sent = `${JSON.stringify(fields)} ${csv}`;
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(fields);
      sent = JSON.stringify(fields);
    }
  } else if (action.json) {
    headers['content-type'] = 'application/json';
    sent = JSON.stringify(jsonBody());
    body = sent;
  }
  const url = action.query ? `${base}${path}?${idQuery()}` : base + path;
  const res = await fetch(url, { method: action.method, headers, body, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), allow: res.headers.get('allow'), body: await res.text(), sent };
}

/** Neither the target's name nor their email in the answer (unless the request itself carried it, as the CSV does). */
function expectNoLeak(answer: Answer, label: string) {
  for (const secret of [target.name, target.email]) {
    if (answer.sent.includes(secret)) continue;
    expect.soft(answer.body.includes(secret), `${label} shows ${secret}`).toBe(false);
    expect.soft(answer.location ?? '', label).not.toContain(secret);
  }
}

function expectRefused(persona: Persona, route: Route, action: Action, answer: Answer, label: string) {
  const detail = `${label}: ${answer.status} ${answer.location ?? ''} ${answer.body.slice(0, 200)}`;
  if (action.name === 'POST (no forms)') {
    expect.soft(answer.status, detail).toBe(405);
    return;
  }
  if (tokenRoute(route)) {
    expect.soft(answer.status, detail).toBe(404);
    return;
  }
  if (persona === 'anonymous') {
    if (route.kind === 'page') {
      expect.soft(answer.status, detail).toBe(303);
      expect.soft(answer.location, detail).toMatch(/^\/login\?next=/);
    } else expect.soft(answer.status, detail).toBe(401);
    return;
  }
  const redirected = REDIRECTED[route.pattern];
  if (redirected?.personas.includes(persona)) {
    expect.soft(answer.status, detail).toBe(303);
    expect.soft(answer.location, detail).toBe(redirected.to);
    return;
  }
  const input = INPUT_REFUSED[route.pattern];
  if (input?.actions.includes(action.name) && answer.status === 400) {
    expect.soft(answer.body, detail).toContain(input.says);
    return;
  }
  expect.soft([403, 404], detail).toContain(answer.status);
}

describe('the routes found on disk', () => {
  it('are the app’s pages and endpoints and the calendar feed, each fully read', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => r.unreadable.length > 0).map((r) => `${r.file}: ${r.unreadable.join('; ')}`)).toEqual([]);
    // Every route parameter is one the sweep can fill with the target's ids.
    for (const route of routes) for (const p of route.params) expect(Object.keys(paramsOf()), `${route.file} [${p}]`).toContain(p);
  });

  it('the ALLOW list names only routes and actions that exist', () => {
    for (const [pattern, personas] of Object.entries(ALLOW)) {
      const route = routes.find((r) => r.pattern === pattern);
      expect(route, pattern).toBeDefined();
      const known = new Set(actionsOf(route!).map((a) => a.decidedBy));
      for (const actions of Object.values(personas)) for (const a of actions!) expect([...known], `${pattern} ${a}`).toContain(a);
      expect(route!.params, `${pattern}: routes with a target id are never open`).toEqual([]);
    }
    for (const pattern of [...Object.keys(REDIRECTED), ...Object.keys(INPUT_REFUSED), ...Object.keys(QUERY_FOR_INSIDER)])
      expect(
        routes.map((r) => r.pattern),
        pattern,
      ).toContain(pattern);
  });

  it('are real addresses once filled: the demo organisation’s admin opens every one, and the pages with an id show the target', async () => {
    // Without this, a wrongly filled address would be refused (404) for everyone and the sweep would pass for nothing.
    for (const route of routes.filter((r) => r.methods.includes('GET') && !tokenRoute(r))) {
      const query = QUERY_FOR_INSIDER[route.pattern];
      const path = fillPattern(route.pattern, paramsOf()) + (query ? `?${query()}` : '');
      const res = await insider.get(path);
      const body = await res.text();
      expect(res.status, path).toBe(200);
      // A team's page (trends) names the target's team; every other page with an id names the target person.
      const shown = route.params.every((p) => p === 'teamId') ? 'Warehouse Operations' : target.name;
      if ((route.kind === 'page' || query) && route.params.length > 0) expect(body, path).toContain(shown);
    }
  });

  it('the calendar feed answers the target’s real token without a session (so the forged one below means something)', async () => {
    const route = routes.find(tokenRoute)!;
    const real = await visitors.anonymous.get(fillPattern(route.pattern, { token: target.token }));
    expect(real.status).toBe(200);
    expect(await real.text()).toMatch(/^BEGIN:VCALENDAR/);
    // The target manages no team: their own token does not open Warehouse's feed either.
    const team = await visitors.anonymous.get(`${fillPattern(route.pattern, { token: target.token })}?team=${warehouse}`);
    expect(team.status).toBe(404);
  });
});

/**
 * Nothing changed, checked cheaply: SQLite's data_version moves whenever
 * another connection (the server) commits, so a case whose requests moved it
 * is compared, table by table, with a snapshot taken before its block, and a
 * case that did not move it cannot have changed a row. Two snapshots of every
 * table per case took 1,207 s of a CI run once earlier files had grown the
 * shared database. A last test per block compares once more, whatever
 * data_version said.
 */
function snapshotBeforeTheBlock(): () => TableSnapshot {
  let baseline: TableSnapshot;
  beforeAll(async () => {
    baseline = await tableSnapshot(database);
  });
  return () => baseline;
}

describe.each(PERSONAS)('as %s', (persona) => {
  const baseline = snapshotBeforeTheBlock();
  it.each(routes.map((r) => [r.pattern, r] as const))('%s: refused unless allowed, and nothing changes', async (_pattern, route) => {
    const started = performance.now();
    const path = fillPattern(route.pattern, paramsOf());
    const allowed = persona === 'anonymous' ? [] : (ALLOW[route.pattern]?.[persona] ?? []);
    let version = await dataVersion();
    const committed: string[] = [];
    for (const action of actionsOf(route)) {
      const label = `${persona} ${action.name} ${path}`;
      const open = allowed.includes(action.decidedBy);
      // An allowed form would change the persona's own things: only allowed GETs are sent.
      if (open && action.method !== 'GET') continue;
      const answer = await send(persona, route, action, path);
      // Soft: one case reports every action that went wrong, not only the first.
      if (open && action.query) expect.soft([200, 403, 404], `${label}: ${answer.body.slice(0, 200)}`).toContain(answer.status);
      else if (open) expect.soft(answer.status, `${label}: ${answer.body.slice(0, 200)}`).toBe(200);
      else expectRefused(persona, route, action, answer, label);
      expectNoLeak(answer, label);
      const now = await dataVersion();
      if (now !== version) committed.push(action.name);
      version = now;
    }
    if (committed.length > 0)
      await expectUnchanged(database, baseline(), { message: `${persona} ${path} (commits after: ${committed.join(', ')})` });
    timings.push(`${persona} ${route.pattern} ${Math.round(performance.now() - started)} ms`);
  });
  it('and, over every route, nothing changed', async () => {
    await expectUnchanged(database, baseline(), { message: `as ${persona}, all routes` });
  });
});

describe('an unsupported method', () => {
  const baseline = snapshotBeforeTheBlock();
  for (const route of routes) {
    it(`PUT ${route.pattern} answers 405 with Allow`, async () => {
      const path = fillPattern(route.pattern, paramsOf());
      const version = await dataVersion();
      const answer = await send('foreignAdmin', route, { name: 'PUT', method: 'PUT', decidedBy: 'PUT' }, path);
      expect(answer.status, `${path}: ${answer.body.slice(0, 200)}`).toBe(405);
      const allow = (answer.allow ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean)
        .sort();
      // pagePost's Allow is GET, HEAD, POST; pageGet's (a page without forms) GET, HEAD. An endpoint lists what it exports.
      const expected = route.kind === 'endpoint' ? [route.methods] : route.pagePost ? [['GET', 'HEAD', 'POST']] : [['GET', 'HEAD']];
      expect(
        expected.map((m) => [...m].sort()),
        `Allow: ${answer.allow}`,
      ).toContainEqual(allow);
      if ((await dataVersion()) !== version) await expectUnchanged(database, baseline(), { message: `PUT ${path}` });
    });
  }
  it('and, over every route, nothing changed', async () => {
    await expectUnchanged(database, baseline(), { message: 'PUT, all routes' });
  });
});
