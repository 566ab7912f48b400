// The security regression suite, against the built server and the demo
// organisation:
// 1. the authorization table of app-access.test.ts extended to every feature:
//    skills, certifications, ramp plans, exports and the JSON endpoints, as
//    anonymous, a member, the manager of another team, the team's manager, an
//    admin and (for ramp plans) the new hire whose plan it is; every denied
//    form post and JSON call changes nothing;
// 2. the calendar feed, whose only credential is the token in its URL;
// 3. URL-encoding variants of protected paths (encoded slashes and letters,
//    double encoding, duplicate and trailing slashes, upper case, dot
//    segments, ";", backslashes, NUL), sent byte for byte over a socket:
//    without a session every one is refused (401/403/404, or 303 to /login)
//    and none shows protected content; with a member's session the manager and
//    admin areas stay closed whatever the spelling. The same markers are first
//    shown to be on the real pages, so their absence means something.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { rampPlans, rampTasks, users } from '#server/db/schema.ts';
import {
  accessVisitors,
  baseUrl,
  casesPerPersona,
  createPerson,
  expectSignInRedirect,
  type FormPostRow,
  serverDatabase,
  teamId,
  type Visitor,
} from '../support/app.ts';
import { expectUnchanged, tableSnapshot, type TableSnapshot } from '../support/db-state.ts';
import { postFormRaw } from '../support/processes.ts';

type Persona = 'anonymous' | 'member' | 'otherManager' | 'manager' | 'admin' | 'newHire';
const PERSONAS: Persona[] = ['anonymous', 'member', 'otherManager', 'manager', 'admin', 'newHire'];

const base = baseUrl();
let database: Database;
const visitors = {} as Record<Persona, Visitor>;
const id = {
  warehouse: 0,
  customer: 0,
  tom: 0,
  priya: 0,
  nina: 0,
  member: 0,
  ninaPlan: 0,
  ninaTask: 0,
  jonasPlan: 0,
  jonasTask: 0,
  tomRecord: 0,
  memberRecord: 0,
};

beforeAll(async () => {
  database = serverDatabase();
  id.warehouse = await teamId(database, 'Warehouse Operations');
  id.customer = await teamId(database, 'Customer Operations');
  const idOf = async (email: string) => (await database.db.select().from(users).where(eq(users.email, email)))[0]!.id;
  id.tom = await idOf('tom.becker@demo.opspath.test');
  id.priya = await idOf('priya.raman@demo.opspath.test');
  id.nina = await idOf('newhire@demo.opspath.test');
  const planOf = async (userId: number) =>
    (
      await database.db
        .select()
        .from(rampPlans)
        .where(and(eq(rampPlans.userId, userId), eq(rampPlans.status, 'active')))
    )[0]!.id;
  id.ninaPlan = await planOf(id.nina);
  id.jonasPlan = await planOf(await idOf('jonas.weber@demo.opspath.test'));
  id.ninaTask = (await database.db.select().from(rampTasks).where(eq(rampTasks.planId, id.ninaPlan))).find(
    (t) => t.owner === 'new-hire',
  )!.id;
  id.jonasTask = (await database.db.select().from(rampTasks).where(eq(rampTasks.planId, id.jonasPlan)))[0]!.id;
  id.tomRecord = (
    await database.db.all<{ id: number }>(sql`select id from certification_records where user_id = ${id.tom} order by id limit 1`)
  )[0]!.id;

  // A fresh member of Warehouse Operations (not a demo account), with a certification record of their own.
  const member = await createPerson(database, { label: 'variants-member', team: 'Warehouse Operations' });
  id.member = member.id;
  Object.assign(visitors, await accessVisitors(member, ['otherManager', 'manager', 'admin', 'newHire']));
  expect(
    (await visitors.member.post('/app/certifications/me/', { intent: 'add', certificationId: 'pmi-pmp', status: 'planned' })).status,
  ).toBe(303);
  id.memberRecord = (await database.db.all<{ id: number }>(sql`select id from certification_records where user_id = ${id.member}`))[0]!.id;
});
afterAll(() => database?.close());

/**
 * Nothing changes: every table (sessions and the sign-in throttle aside, which
 * the test's own sign-ins move) and every audit row that is not a sign-in.
 */
const SIGN_IN_TABLES = ['sessions', 'rate_limit_buckets', 'audit_log'];
const AUDIT = sql`select count(*) as n, coalesce(max(id), 0) as last from audit_log where action not like 'auth.%'`;
const strayAudit = (after: number) =>
  database.db.all(sql`select action, target_type, target_id from audit_log where id > ${after} and action not like 'auth.%'`);
async function unchangedBy<T>(request: () => Promise<T>): Promise<T> {
  const before = await tableSnapshot(database);
  const auditBefore = await database.db.all(AUDIT);
  const result = await request();
  await expectUnchanged(database, before, { ignore: SIGN_IN_TABLES });
  expect(await database.db.all(AUDIT)).toEqual(auditBefore);
  return result;
}

/**
 * The same check around a whole table of requests, in a describe block: a
 * snapshot before its first case, compared by a last test. Two snapshots of
 * every table per case cost ~2.8 s a case once earlier files had grown the
 * shared database (233 cases, 650 s of a CI run). A change still shows its
 * table and rows, and a stray audit row its action and target, which names
 * the request; the requests only read or are refused, so no case undoes another's.
 */
function nothingChangesAcrossTheCases(): () => void {
  let before: TableSnapshot;
  let auditBefore: { n: number; last: number }[];
  beforeAll(async () => {
    before = await tableSnapshot(database);
    auditBefore = (await database.db.all(AUDIT)) as { n: number; last: number }[];
  });
  return () =>
    it('and none of these requests changed anything', async () => {
      expect(await strayAudit(auditBefore[0]!.last)).toEqual([]);
      expect(await database.db.all(AUDIT)).toEqual(auditBefore);
      await expectUnchanged(database, before, { ignore: SIGN_IN_TABLES });
    });
}

// --- 1. the authorization table --------------------------------------------------------

describe('feature pages and endpoints (GET)', () => {
  const checkNothingChanged = nothingChangesAcrossTheCases();
  type Row = [path: () => string, expected: Partial<Record<Persona, number>>];
  const all = (status: number) =>
    Object.fromEntries(PERSONAS.filter((p) => p !== 'anonymous').map((p) => [p, status])) as Partial<
      Record<Exclude<Persona, 'anonymous'>, number>
    >;
  const rows: Row[] = [
    // skills
    [() => '/app/skills/', { anonymous: 303, member: 303, otherManager: 200, manager: 200, admin: 200 }],
    [() => `/app/skills/?team=${id.warehouse}`, { anonymous: 303, member: 303, otherManager: 404, manager: 200, admin: 200 }],
    [() => `/app/skills/?team=${id.customer}`, { anonymous: 303, otherManager: 200, manager: 404, admin: 200 }],
    [() => '/app/skills/me/', { anonymous: 303, ...all(200) }],
    [() => `/app/skills/people/${id.tom}/`, { anonymous: 303, member: 404, otherManager: 404, manager: 200, admin: 200, newHire: 404 }],
    [() => `/app/skills/people/${id.priya}/`, { anonymous: 303, member: 404, otherManager: 200, manager: 404, admin: 200 }],
    [
      () => `/app/skills/people/${id.tom}%2F..%2F${id.priya}/`,
      { anonymous: 303, member: 404, otherManager: 404, manager: 404, admin: 404 },
    ],
    [() => '/app/skills/catalog/', { anonymous: 303, ...all(200) }],
    [() => '/app/skills/import', { anonymous: 303, member: 403, otherManager: 200, manager: 200, admin: 200, newHire: 403 }],
    [() => '/app/skills/export.csv', { anonymous: 401, member: 403, otherManager: 200, manager: 200, admin: 200, newHire: 403 }],
    [() => `/app/skills/export.csv?team=${id.warehouse}`, { anonymous: 401, member: 403, otherManager: 404, manager: 200, admin: 200 }],
    [() => `/app/skills/export.csv?team=${id.customer}`, { anonymous: 401, otherManager: 200, manager: 404 }],
    [() => '/app/skills/rating', { anonymous: 405, member: 405, manager: 405 }],
    // certifications
    // A member is sent to their own certifications (303), as /app/skills/ sends them to their own skills.
    [() => '/app/certifications/', { anonymous: 303, member: 303, otherManager: 200, manager: 200, admin: 200, newHire: 303 }],
    [() => `/app/certifications/?team=${id.warehouse}`, { anonymous: 303, member: 303, otherManager: 404, manager: 200, admin: 200 }],
    [() => `/app/certifications/?team=${id.customer}`, { anonymous: 303, otherManager: 200, manager: 404, admin: 200 }],
    [() => '/app/certifications/me/', { anonymous: 303, ...all(200) }],
    [() => '/app/certifications/reminders', { anonymous: 303, ...all(200) }],
    [() => '/app/certifications/settings', { anonymous: 303, member: 403, otherManager: 403, manager: 403, admin: 200, newHire: 403 }],
    [() => '/app/certifications/export.csv', { anonymous: 401, member: 403, otherManager: 200, manager: 200, admin: 200, newHire: 403 }],
    [
      () => `/app/certifications/export.csv?team=${id.warehouse}`,
      { anonymous: 401, member: 403, otherManager: 404, manager: 200, admin: 200 },
    ],
    [() => `/app/certifications/export.csv?team=${id.customer}`, { anonymous: 401, otherManager: 200, manager: 404 }],
    // ramp plans
    [() => '/app/ramp/', { anonymous: 303, ...all(200) }],
    [() => `/app/ramp/${id.ninaPlan}/`, { anonymous: 303, member: 404, otherManager: 404, manager: 200, admin: 200, newHire: 200 }],
    [() => `/app/ramp/${id.ninaPlan}/print`, { anonymous: 303, member: 404, otherManager: 404, manager: 200, admin: 200, newHire: 200 }],
    [() => `/app/ramp/${id.jonasPlan}/`, { anonymous: 303, member: 404, otherManager: 200, manager: 404, admin: 200, newHire: 404 }],
    [() => `/app/ramp/${id.jonasPlan}/print`, { anonymous: 303, member: 404, otherManager: 200, manager: 404, admin: 200, newHire: 404 }],
    [() => '/app/ramp/999999/', { anonymous: 303, member: 404, manager: 404, admin: 404 }],
    [() => `/app/ramp/${id.ninaPlan}%20OR%201=1/`, { anonymous: 303, manager: 404, admin: 404 }],
    [() => `/app/ramp/tasks/${id.ninaTask}/done`, { anonymous: 405, newHire: 405, manager: 405 }],
  ];
  it.each(
    rows.flatMap(([path, expected]) =>
      (Object.entries(expected) as [Persona, number][]).map(([p, s]) => [path.toString().replace(/^\(\) => /, ''), p, s, path] as const),
    ),
  )('GET %s as %s -> %i', async (_shown, persona, status, path) => {
    const res = await visitors[persona].get(path());
    expect(res.status).toBe(status);
    if (status === 303 && persona === 'anonymous') expectSignInRedirect(res);
    // A member asking for a managers' matrix is sent to their own view of the same feature.
    if (status === 303 && persona === 'member') {
      expect(res.headers.get('location')).toBe(path().startsWith('/app/certifications/') ? '/app/certifications/me/' : '/app/skills/me/');
    }
    if (status === 401) expect(await res.text()).toMatch(/^Sign in/);
  });
  checkNothingChanged();
});

describe('feature form actions (POST), denied: nothing changes', () => {
  const checkNothingChanged = nothingChangesAcrossTheCases();
  type Row = FormPostRow<Persona>;
  const rate = () => ({ intent: 'rate', skillId: 'spreadsheets', level: '4', note: 'denied' });
  const task = () => ({ intent: 'add', title: 'Denied task', owner: 'new-hire', dueDay: '5' });
  const ninaPlanPage = () => `/app/ramp/${id.ninaPlan}/`;
  const rows: Row[] = [
    ['rate Tom', () => `/app/skills/people/${id.tom}/`, rate, { anonymous: 303, member: 404, otherManager: 404, newHire: 404 }],
    ['rate Priya', () => `/app/skills/people/${id.priya}/`, rate, { manager: 404 }],
    ['rate oneself as a manager rating (own id)', () => `/app/skills/people/${id.member}/`, rate, { anonymous: 303, otherManager: 404 }],
    [
      'add a skill',
      () => '/app/skills/catalog/',
      () => ({ intent: 'add-skill', name: 'Denied skill', category: 'soft', description: 'Must never be created.' }),
      { anonymous: 303, member: 403, otherManager: 403, manager: 403, newHire: 403 },
    ],
    [
      'edit someone else’s certification',
      () => '/app/certifications/me/',
      () => ({ intent: 'edit', recordId: String(id.tomRecord), status: 'planned', note: 'denied' }),
      { member: 404, otherManager: 404, manager: 404, admin: 404, newHire: 404 },
    ],
    [
      'renew someone else’s certification',
      () => '/app/certifications/me/',
      () => ({ intent: 'renew', recordId: String(id.tomRecord), earnedOn: '2026-06-01' }),
      { member: 404, manager: 404, admin: 404 },
    ],
    [
      'add a certification, anonymously',
      () => '/app/certifications/me/',
      () => ({ intent: 'add', certificationId: 'pmi-pmp', status: 'planned' }),
      { anonymous: 303 },
    ],
    ['create a feed, anonymously', () => '/app/certifications/me/', () => ({ intent: 'feed-create' }), { anonymous: 303 }],
    [
      'mark a reminder of Tom handled',
      () => '/app/certifications/reminders',
      () => ({ recordId: String(id.tomRecord), reminderOn: '2026-01-01' }),
      { anonymous: 303, member: 404, otherManager: 404, newHire: 404 },
    ],
    [
      'mark the member’s reminder handled from another team',
      () => '/app/certifications/reminders',
      () => ({ recordId: String(id.memberRecord), reminderOn: '2026-01-01' }),
      { otherManager: 404 },
    ],
    [
      'change reminder settings',
      () => '/app/certifications/settings',
      () => ({ intent: 'settings', leadDays: '1' }),
      { anonymous: 303, member: 403, otherManager: 403, manager: 403, newHire: 403 },
    ],
    [
      'require a certification',
      () => '/app/certifications/settings',
      () => ({ intent: 'require-add', position: 'operations-coordinator/junior', certificationId: 'pmi-pmp' }),
      { anonymous: 303, member: 403, manager: 403 },
    ],
    [
      'start a plan for Tom',
      () => '/app/ramp/',
      () => ({ intent: 'start', personId: String(id.tom), templateRole: '', startDate: '' }),
      { anonymous: 303, member: 403, otherManager: 404, newHire: 403 },
    ],
    [
      'check off Nina’s task from the overview',
      () => '/app/ramp/',
      () => ({ intent: 'done', taskId: String(id.ninaTask) }),
      { anonymous: 303, member: 404, otherManager: 404 },
    ],
    [
      'check off Jonas’s task',
      () => '/app/ramp/',
      () => ({ intent: 'done', taskId: String(id.jonasTask) }),
      { manager: 404, newHire: 404 },
    ],
    [
      'check off Jonas’s task through Nina’s plan page',
      ninaPlanPage,
      () => ({ intent: 'done', taskId: String(id.jonasTask) }),
      { manager: 404, admin: 404, newHire: 404 },
    ],
    ['add a task to Nina’s plan', ninaPlanPage, task, { anonymous: 303, member: 404, otherManager: 404, newHire: 403 }],
    [
      'remove a task of Nina’s plan',
      ninaPlanPage,
      () => ({ intent: 'remove', taskId: String(id.ninaTask) }),
      { member: 404, otherManager: 404, newHire: 403 },
    ],
    [
      'move a task of Nina’s plan',
      ninaPlanPage,
      () => ({ intent: 'move', taskId: String(id.ninaTask), direction: 'down' }),
      { otherManager: 404, newHire: 403 },
    ],
    [
      'complete Nina’s plan',
      ninaPlanPage,
      () => ({ intent: 'complete' }),
      { anonymous: 303, member: 404, otherManager: 404, newHire: 403 },
    ],
    ['close Jonas’s plan', () => `/app/ramp/${id.jonasPlan}/`, () => ({ intent: 'close' }), { manager: 404, newHire: 404 }],
  ];
  it.each(casesPerPersona(rows))('%s as %s -> %i', async (_label, persona, status, path, form) => {
    const res = await visitors[persona].post(path(), form());
    expect(res.status).toBe(status);
    if (status === 303) expectSignInRedirect(res);
  });

  it('a CSV import by anonymous or a member writes nothing', async () => {
    for (const [persona, status] of [
      ['anonymous', 303],
      ['member', 403],
      ['newHire', 403],
    ] as const) {
      const form = new FormData();
      form.set('file', new File([`email,skill,level\ntom.becker@demo.opspath.test,spreadsheets,4\n`], 'x.csv', { type: 'text/csv' }));
      const cookie = visitors[persona].cookie;
      const res = await unchangedBy(() =>
        fetch(`${base}/app/skills/import`, {
          method: 'POST',
          headers: { origin: base, ...(cookie ? { cookie } : {}) },
          body: form,
          redirect: 'manual',
        }),
      );
      expect(res.status, persona).toBe(status);
    }
  });
  checkNothingChanged();
});

describe('feature JSON endpoints, denied: nothing changes', () => {
  const checkNothingChanged = nothingChangesAcrossTheCases();
  type Row = [label: string, path: () => string, body: () => unknown, persona: Persona, status: number, origin?: string];
  const rating = (personId: unknown) => ({ personId, skillId: 'spreadsheets', level: 4 });
  const rows: Row[] = [
    ['rate Tom', () => '/app/skills/rating', () => rating(id.tom), 'anonymous', 401],
    ['rate Tom', () => '/app/skills/rating', () => rating(id.tom), 'member', 404],
    ['rate Tom', () => '/app/skills/rating', () => rating(id.tom), 'otherManager', 404],
    ['rate Tom', () => '/app/skills/rating', () => rating(id.tom), 'newHire', 404],
    ['rate Priya', () => '/app/skills/rating', () => rating(id.priya), 'manager', 404],
    ['rate Tom cross-site', () => '/app/skills/rating', () => rating(id.tom), 'manager', 403, 'https://evil.example'],
    [
      'rate Tom from a look-alike origin',
      () => '/app/skills/rating',
      () => rating(id.tom),
      'manager',
      403,
      base.replace('127.0.0.1', 'localhost'),
    ],
    ['check off Nina’s task', () => `/app/ramp/tasks/${id.ninaTask}/done`, () => ({ done: true }), 'anonymous', 401],
    ['check off Nina’s task', () => `/app/ramp/tasks/${id.ninaTask}/done`, () => ({ done: true }), 'member', 404],
    ['check off Nina’s task', () => `/app/ramp/tasks/${id.ninaTask}/done`, () => ({ done: true }), 'otherManager', 404],
    ['check off Jonas’s task', () => `/app/ramp/tasks/${id.jonasTask}/done`, () => ({ done: true }), 'newHire', 404],
    [
      'check off Nina’s task cross-site',
      () => `/app/ramp/tasks/${id.ninaTask}/done`,
      () => ({ done: true }),
      'newHire',
      403,
      'https://evil.example',
    ],
    ['check off a task by a tampered id', () => `/app/ramp/tasks/${id.ninaTask}%20OR%201=1/done`, () => ({ done: true }), 'newHire', 404],
  ];
  it.each(rows)('%s as %s -> %i', async (_label, path, body, persona, status, origin) => {
    const res = await visitors[persona].postJson(path(), body(), origin ?? base);
    expect(res.status).toBe(status);
    expect(typeof ((await res.json()) as { error?: unknown }).error).toBe('string');
  });
  checkNothingChanged();
});

// --- 2. the calendar feed ----------------------------------------------------------------

describe('the calendar feed: the token is the only key', () => {
  const tokenFrom = async (v: Visitor) => {
    const res = await v.post('/app/certifications/me/', { intent: 'feed-create' });
    expect(res.status).toBe(200);
    return /\/calendar\/([^".<?\s]+)\.ics/.exec(await res.text())![1]!;
  };

  it('answers its holder’s dates without a session, a managed team only to its manager, and nothing to a guessed or revoked token', async () => {
    const memberToken = await tokenFrom(visitors.member);
    const managerToken = await tokenFrom(visitors.manager);
    const get = (path: string) => unchangedBy(() => visitors.anonymous.get(path));
    const [tokenId, secret] = memberToken.split('-') as [string, string];
    const cases: [string, number][] = [
      [`/calendar/${memberToken}.ics`, 200],
      [`/calendar/${memberToken}.ics?team=${id.warehouse}`, 404],
      [`/calendar/${managerToken}.ics?team=${id.warehouse}`, 200],
      [`/calendar/${managerToken}.ics?team=${id.customer}`, 404],
      [`/calendar/${managerToken}.ics?team=999999`, 404],
      [`/calendar/${tokenId}-${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}.ics`, 404],
      [`/calendar/${tokenId}.ics`, 404],
      [`/calendar/${memberToken}`, 404],
      [`/calendar/${memberToken.toUpperCase()}.ics`, 404],
      [`/calendar/${encodeURIComponent(`${memberToken}' OR 1=1 --`)}.ics`, 404],
    ];
    for (const [path, status] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      const body = await res.text();
      if (status === 200) expect(body).toMatch(/^BEGIN:VCALENDAR/);
      // The feed's own refusal, or (no .ics: no such route) the site's 404 page; never a feed.
      else expect(body === 'Not found' || body.includes('<title>Page not found · OpsPath</title>'), path).toBe(true);
    }
    // Turning the feed off kills the address; a replaced address is dead too.
    expect((await visitors.member.post('/app/certifications/me/', { intent: 'feed-revoke' })).status).toBe(303);
    expect((await get(`/calendar/${memberToken}.ics`)).status).toBe(404);
    const replacement = await tokenFrom(visitors.manager);
    expect((await get(`/calendar/${managerToken}.ics`)).status).toBe(404);
    expect((await get(`/calendar/${replacement}.ics?team=${id.warehouse}`)).status).toBe(200);
  });
});

// --- 3. URL-encoding variants ---------------------------------------------------------------

type Raw = { status: number; location: string | null; type: string; body: string };

/** A GET with the path sent exactly as written (fetch and URL would normalise dots, slashes and encodings). */
function rawGet(path: string, cookie: string | null): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: 'GET', headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          location: (res.headers.location as string | undefined) ?? null,
          type: String(res.headers['content-type'] ?? ''),
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Spellings of one protected path that a naive prefix check, a decoder or a router might treat differently. */
function variants(path: string): string[] {
  const segments = path.split('/').filter(Boolean); // e.g. ['app', 'team']
  const [first, ...rest] = segments as [string, ...string[]];
  const tail = rest.join('/');
  const enc = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  const out = [
    `/${first}%2F${tail}/`,
    `/${first}%2f${tail}/`,
    `/${first}%252F${tail}/`,
    `/${enc(first[0]!)}${first.slice(1)}/${tail}/`,
    `/${first}/${enc(tail[0]!)}${tail.slice(1)}/`,
    `/${enc(first)}/${enc(tail)}/`,
    `/%25${first.charCodeAt(0).toString(16)}${first.slice(1)}/${tail}/`,
    `//${first}/${tail}/`,
    `/${first}//${tail}/`,
    `/${first}/${tail}//`,
    `/${first}/${tail}`,
    `/${first}/${tail}/`,
    `/${first.toUpperCase()}/${tail}/`,
    `/${first}/${tail.toUpperCase()}/`,
    `/${first[0]!.toUpperCase()}${first.slice(1)}/${tail}/`,
    `/${first}/./${tail}/`,
    `/./${first}/${tail}/`,
    `/${first}/${tail}/.`,
    `/${first}/${tail}/%2e/`,
    `/${first}/x/../${tail}/`,
    `/${first}/x/%2e%2e/${tail}/`,
    `/${first}/x/%2E%2E%2F${tail}/`,
    `/${first}/${tail}/%2e%2e/admin/`,
    `/${first}/${tail}/..%2Fadmin/`,
    `/${first}/${tail}/..;/admin/`,
    `/${first}/${tail};x/`,
    `/${first};/${tail}/`,
    `/${first}\\${tail}/`,
    `/${first}/${tail}%00/`,
    `/${first}/${tail}%20/`,
    `/${first}/${tail}%09/`,
    `/${first}/${tail}?x=/../`,
    `/${first}/${tail}#/`,
    `/%2F${first}/${tail}/`,
    `/static/../${first}/${tail}/`,
    `/${first}%2F..%2F${first}%2F${tail}/`,
  ];
  return [...new Set(out.map((p) => p.replace(/\/(\?|#)/, '$1')))];
}

// Protected paths, each with what only its real content shows (checked below on the real page).
const PROTECTED = () => [
  { path: '/app/team/', marker: 'Tom Becker', who: 'manager' as Persona },
  { path: '/app/admin/', marker: 'Create a team', who: 'admin' as Persona },
  { path: `/app/team/${id.tom}/`, marker: 'tom.becker@demo.opspath.test', who: 'manager' as Persona },
  { path: '/app/skills/', marker: 'Tom Becker', who: 'manager' as Persona },
  { path: `/app/skills/people/${id.tom}/`, marker: 'Tom Becker', who: 'manager' as Persona },
  { path: '/app/skills/export.csv', marker: 'tom.becker@demo.opspath.test', who: 'manager' as Persona },
  { path: '/app/skills/import', marker: 'Upload a CSV file', who: 'manager' as Persona },
  { path: '/app/certifications/', marker: 'Tom Becker', who: 'manager' as Persona },
  { path: '/app/certifications/settings', marker: 'Required certifications by tier', who: 'admin' as Persona },
  { path: '/app/certifications/export.csv', marker: 'Tom Becker', who: 'manager' as Persona },
  { path: `/app/ramp/${id.ninaPlan}/`, marker: 'Nina Patel', who: 'manager' as Persona },
];
// Anything a signed-in page shows, and the demo people's names.
const SIGNED_IN = [
  'Sign out',
  'Signed in as',
  'Tom Becker',
  'Maria Lopez',
  'Priya Raman',
  'Alex Morgan',
  'Nina Patel',
  '@demo.opspath.test',
];

describe('URL-encoding variants of protected paths', () => {
  it('the markers are on the real pages (so their absence below means something)', async () => {
    for (const { path, marker, who } of PROTECTED()) {
      const res = await rawGet(path, visitors[who].cookie);
      expect(res.status, path).toBe(200);
      expect(res.body, path).toContain(marker);
    }
  });

  it('without a session, every spelling is refused and shows nothing protected', async () => {
    const seen: string[] = [];
    for (const { path } of PROTECTED()) {
      for (const variant of variants(path)) {
        const res = await rawGet(variant, null);
        seen.push(`${res.status} ${variant}`);
        expect([303, 400, 401, 403, 404], `${variant}: ${res.status}`).toContain(res.status);
        if (res.status === 303) expect(res.location, variant).toMatch(/^\/login\?next=/);
        for (const marker of SIGNED_IN) expect(res.body, `${variant} shows ${marker}`).not.toContain(marker);
      }
    }
    // Some spellings do reach the protected pages (and are sent to sign in), so the router does decode them.
    expect(seen.filter((s) => s.startsWith('303 ')).length).toBeGreaterThan(PROTECTED().length);
  });

  it('with a member’s session, every spelling of the manager and admin areas is refused and shows nothing protected', async () => {
    const member = visitors.member.cookie;
    const memberOnly = [
      'Tom Becker',
      'Maria Lopez',
      'Priya Raman',
      'Alex Morgan',
      'Nina Patel',
      'tom.becker@',
      'Add a person',
      'Create a team',
      'Upload a CSV file',
      'Required certifications by tier',
    ];
    for (const { path } of PROTECTED()) {
      for (const variant of variants(path)) {
        const res = await rawGet(variant, member);
        expect([303, 400, 403, 404], `${variant}: ${res.status}`).toContain(res.status);
        if (res.status === 303) expect(res.location, variant).toMatch(/^\/app\/(skills|certifications)\/me\/$/);
        for (const marker of memberOnly) expect(res.body, `${variant} shows ${marker}`).not.toContain(marker);
      }
    }
  });

  // One snapshot of the whole shared database, compared after every variant: nothing may change at
  // all, so the first state is the one to hold each post to (and a snapshot per post took over 60 s
  // once the suite's other files had filled the database).
  it('with a member’s session, a form post to any spelling of the admin area changes nothing', { timeout: 180_000 }, async () => {
    const { hostname, port } = new URL(base);
    const before = await tableSnapshot(database);
    const audit = sql`select count(*) as n, coalesce(max(id), 0) as last from audit_log where action not like 'auth.%'`;
    const auditBefore = await database.db.all(audit);
    const statuses: Record<string, number> = {};
    for (const variant of variants('/app/admin/')) {
      statuses[variant] = await postFormRaw({ host: hostname, port, path: variant }, 'intent=create-team&name=Shadow+team', {
        cookie: visitors.member.cookie!,
        origin: base,
      });
      expect(await database.db.all(audit), variant).toEqual(auditBefore);
    }
    await expectUnchanged(database, before, { ignore: SIGN_IN_TABLES });
    for (const [variant, status] of Object.entries(statuses)) expect([400, 403, 404], variant).toContain(status);
  });
});
