// Hostile input against the built server, as users allowed to use each form
// and endpoint (an admin, a manager, a member of a scratch organisation, so
// what the fuzzing writes never shows up in the demo organisation):
// - property-based (fast-check): random and malformed bodies (random fields
//   and values, repeated fields, wrong types, huge strings, invalid UTF-8,
//   malformed JSON, wrong content types and methods, multipart garbage) to
//   every form action and JSON endpoint, random query strings and path ids to
//   every page, random CSV files to the import. Never a 5xx, never a stack
//   trace or database error in the answer, never a redirect off the site; an
//   error is a 4xx that says what went wrong in words (an alert or field error
//   on an HTML page, an `error` in JSON, a sentence in plain text); an error
//   or a GET changes nothing (the organisation's rows, and everyone else's);
//   a successful import writes exactly the rows it reports;
// - SQL injection strings in every id, path id, query parameter and JSON field
//   change nothing, and stored as text they are stored verbatim; every table
//   is still there;
// - oversized bodies get 413 from the server's limit (1 MiB, 5 MiB for the
//   CSV import) with a Content-Length just above it, with a huge declared
//   length before any body is sent, and with a chunked body that has no
//   Content-Length (counted as it streams, refused before it ends).
// FUZZ_RUNS=<n> sets the number of cases per property (default 20, ~20 s).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { rampTasks, teamMemberships, teams, users } from '#server/db/schema.ts';
import { baseUrl, createOrganisation, createPerson, serverDatabase, signedIn, teamId, Visitor } from '../support/app.ts';

const base = baseUrl();
const MiB = 1024 * 1024;
let database: Database;
let org: Awaited<ReturnType<typeof createOrganisation>>;
/** A member of the scratch team who is only ever acted on (edited, deactivated), never signed in. */
let victim: Awaited<ReturnType<typeof createPerson>>;
type Persona = 'anonymous' | 'admin' | 'manager' | 'member' | 'account';
const visitors = {} as Record<Persona, Visitor>;
let planId: number;
let taskIds: number[];
let recordId: number;
/** Ids of the demo organisation, which the scratch organisation's people must never reach. */
const demo = { teamId: 0, memberId: 0, managerId: 0, taskId: 0, recordId: 0 };

beforeAll(async () => {
  database = serverDatabase();
  org = await createOrganisation(database, 'hostile');
  victim = await createPerson(database, { label: 'hostile-victim', orgId: org.orgId, teamId: org.team.id });
  const account = await createPerson(database, { label: 'hostile-account', orgId: org.orgId, teamId: org.team.id });
  visitors.anonymous = new Visitor();
  visitors.admin = await signedIn(org.admin.email, org.admin.password);
  visitors.manager = await signedIn(org.manager.email, org.manager.password);
  visitors.member = await signedIn(org.member.email, org.member.password);
  visitors.account = await signedIn(account.email, account.password);

  // A ramp plan and a certification record to aim at.
  const started = await visitors.manager.post('/app/ramp/', {
    intent: 'start',
    personId: String(org.member.id),
    templateRole: '',
    startDate: '',
  });
  expect(started.status, await started.text()).toBe(303);
  planId = Number(/\/app\/ramp\/(\d+)\//.exec(started.headers.get('location') ?? '')?.[1]);
  taskIds = (await database.db.select().from(rampTasks).where(eq(rampTasks.planId, planId))).map((t) => t.id);
  expect(taskIds.length).toBeGreaterThan(3);
  const added = await visitors.member.post('/app/certifications/me/', {
    intent: 'add',
    certificationId: 'pmi-pmp',
    status: 'earned',
    earnedOn: '2026-01-15',
  });
  expect(added.status).toBe(303);
  recordId = (await database.db.all<{ id: number }>(sql`select id from certification_records where user_id = ${org.member.id}`))[0]!.id;

  const idOf = async (email: string) => (await database.db.select().from(users).where(eq(users.email, email)))[0]!.id;
  demo.teamId = await teamId(database, 'Warehouse Operations');
  demo.memberId = await idOf('tom.becker@demo.opspath.test');
  demo.managerId = await idOf('manager@demo.opspath.test');
  demo.taskId = (
    await database.db.all<{ id: number }>(
      sql`select id from ramp_tasks where plan_id in (select id from ramp_plans where org_id <> ${org.orgId}) limit 1`,
    )
  )[0]!.id;
  demo.recordId = (
    await database.db.all<{ id: number }>(sql`select id from certification_records where org_id <> ${org.orgId} limit 1`)
  )[0]!.id;
});
afterAll(() => database?.close());

// --- state ----------------------------------------------------------------------------

/** Rows of the scratch organisation (everything but sessions and sign-in audit rows). */
function insideQueries(o: number): Record<string, string> {
  const plans = `select id from ramp_plans where org_id = ${o}`;
  return {
    organisations: `select * from organisations where id = ${o}`,
    users: `select * from users where org_id = ${o} order by id`,
    teams: `select * from teams where org_id = ${o} order by id`,
    team_memberships: `select m.* from team_memberships m join teams t on t.id = m.team_id where t.org_id = ${o} order by m.rowid`,
    ramp_plans: `select * from ramp_plans where org_id = ${o} order by id`,
    ramp_tasks: `select * from ramp_tasks where plan_id in (${plans}) order by id`,
    ramp_plan_history: `select * from ramp_plan_history where plan_id in (${plans}) order by id`,
    skills: `select * from skills where org_id = ${o} order by id`,
    skill_ratings: `select * from skill_ratings where org_id = ${o} order by id`,
    certification_records: `select * from certification_records where org_id = ${o} order by id`,
    certification_requirements: `select * from certification_requirements where org_id = ${o} order by rowid`,
    certification_reminders_handled: `select * from certification_reminders_handled where record_id in (select id from certification_records where org_id = ${o}) order by rowid`,
    calendar_feed_tokens: `select * from calendar_feed_tokens where user_id in (select id from users where org_id = ${o}) order by id`,
    audit_log: `select * from audit_log where org_id = ${o} and action not like 'auth.%' order by id`,
  };
}

/** Everyone else's rows (in full for people and teams, as counts for the big tables) and the schema. */
function outsideQueries(o: number): Record<string, string> {
  const plans = `select id from ramp_plans where org_id <> ${o}`;
  const counted = (table: string, where: string) => `select count(*) as n, coalesce(max(rowid), 0) as last from ${table} where ${where}`;
  return {
    schema: `select type, name, tbl_name, sql from sqlite_master order by type, name`,
    organisations: `select * from organisations where id <> ${o} order by id`,
    users: `select * from users where org_id <> ${o} order by id`,
    teams: `select * from teams where org_id <> ${o} order by id`,
    team_memberships: `select m.* from team_memberships m join teams t on t.id = m.team_id where t.org_id <> ${o} order by m.rowid`,
    ramp_plans: `select * from ramp_plans where org_id <> ${o} order by id`,
    ramp_tasks: counted('ramp_tasks', `plan_id in (${plans})`),
    ramp_tasks_done: `select count(*) as n, coalesce(sum(done_at), 0) as at from ramp_tasks where plan_id in (${plans}) and done_at is not null`,
    ramp_plan_history: counted('ramp_plan_history', `plan_id in (${plans})`),
    skills: `select * from skills where org_id is null or org_id <> ${o} order by id`,
    skill_ratings: counted('skill_ratings', `org_id <> ${o}`),
    certification_records: `select count(*) as n, coalesce(max(rowid), 0) as last, coalesce(max(updated_at), 0) as updated from certification_records where org_id <> ${o}`,
    certification_requirements: counted('certification_requirements', `org_id <> ${o}`),
    certification_reminders_handled: counted(
      'certification_reminders_handled',
      `record_id in (select id from certification_records where org_id <> ${o})`,
    ),
    calendar_feed_tokens: `select id, revoked_at from calendar_feed_tokens where user_id in (select id from users where org_id <> ${o}) order by id`,
    audit_log: counted('audit_log', `(org_id is null or org_id <> ${o}) and action not like 'auth.%'`),
  };
}

async function read(queries: Record<string, string>) {
  const out: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(queries)) out[name] = await database.db.all(sql.raw(query));
  return JSON.stringify(out);
}

type State = { inside: string; outside: string };
async function snapshot(): Promise<State> {
  return { inside: await read(insideQueries(org.orgId)), outside: await read(outsideQueries(org.orgId)) };
}

// --- what a clear answer is -------------------------------------------------------------

/** The words an error page shows: an alert, a field error, or a refusal page's heading. */
function htmlMessage(html: string): string | null {
  const patterns = [
    /<div class="form-error" role="alert"[^>]*>\s*<p[^>]*>(?:<strong[^>]*>)?\s*([^<\s][^<]*)/,
    /<p class="field-error"[^>]*>\s*([^<\s][^<]*)/,
    /<h1[^>]*>(Not found|Not available to you|Page not found)<\/h1>/,
    // Astro's own page for a method a route does not answer (e.g. PUT /logout).
    /<title>(404: Not Found)<\/title>/,
  ];
  for (const p of patterns) {
    const m = p.exec(html);
    if (m) return m[1]!.trim();
  }
  return null;
}

const LEAKS = /SQLITE_|SqliteError|LibsqlError|at [\w$.<>]+ \([^)]*:\d+:\d+\)|node_modules|\/work\/|Internal Server Error/;
const REFLECTED = ['<script>alert(1)</script>', '"><svg onload=alert(1)>', '<img src=x onerror=alert(1)>'];

/** The checks every answer must pass; `what` names the request in failure messages. */
function expectClearAnswer(res: Response, body: string, what: string) {
  expect(res.status, `${what}: ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(body, what).not.toMatch(LEAKS);
  // Inside a double-quoted attribute value (a form echoing what was typed) `<` and `>` are inert
  // text: only the quote must be escaped, and the '"><svg' payload checks that on the raw body.
  const outsideAttributes = body.replace(/="[^"]*"/g, '=""');
  for (const payload of REFLECTED) {
    expect(payload.startsWith('"') ? body : outsideAttributes, `${what} reflects markup unescaped`).not.toContain(payload);
  }
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location') ?? '';
    expect(location, `${what}: redirect`).toMatch(/^\/(?![/\\])/);
    return;
  }
  if (res.status < 400) return;
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    const json = JSON.parse(body) as { error?: unknown };
    expect(typeof json.error, `${what}: JSON error`).toBe('string');
    expect((json.error as string).length, what).toBeGreaterThan(8);
  } else if (type.startsWith('text/html')) {
    expect(htmlMessage(body), `${what}: ${res.status} page without a message`).not.toBeNull();
  } else {
    expect(type, what).toMatch(/^text\/plain/);
    expect(body.trim(), what).toMatch(/^[A-Z][\w ,.:'"()-]{5,}/);
  }
}

// --- arbitraries ------------------------------------------------------------------------

const NASTY = [
  "' OR 1=1 --",
  '1; DROP TABLE users',
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  '%00',
  '\u0000',
  '\uFEFF',
  '../../etc/passwd',
  '..%2F..%2F',
  '${7*7}',
  '{{7*7}}',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x10',
  '1.5',
  '[]',
  '{}',
  'true',
  ' ',
  '\r\n',
  '\t=cmd',
  '\u202Egnp.exe',
  '\uD800',
  '💥🧨',
  'Ω≈ç√',
  '=HYPERLINK("http://evil.example")',
  '@SUM(1+1)',
  '+1',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9'.repeat(40),
  'a'.repeat(5_000),
];
/** Any string a client could send, except a plain positive integer (ids come from pools, so nothing real is hit by chance). */
const hostile = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), 'é'.repeat(60_000)) },
  )
  .filter((s) => !/^[1-9][0-9]{0,15}$/.test(s));

/** Values a field may get besides hostile ones: real ids of this organisation and of another, and valid-looking values. */
function pools(): Record<string, string[]> {
  const s = (n: number) => String(n);
  return {
    teamId: [s(org.team.id), s(demo.teamId)],
    userId: [s(victim.id), s(demo.memberId)],
    managerUserId: [s(org.manager.id), s(demo.managerId)],
    personId: [s(org.member.id), s(victim.id), s(demo.memberId)],
    taskId: [...taskIds.slice(0, 4).map(s), s(demo.taskId)],
    recordId: [s(recordId), s(demo.recordId)],
    role: ['member', 'manager', 'admin', 'owner'],
    position: ['operations-coordinator/junior', 'operations-assistant/assistant', 'operations-manager/nope'],
    startDate: ['2026-10-01', '2999-01-01'],
    earnedOn: ['2026-01-15', '2999-01-01'],
    expiresOn: ['2029-01-15', '2020-01-01'],
    reminderOn: ['2026-10-01'],
    status: ['earned', 'planned', 'in_progress', 'lost'],
    certificationId: ['pmi-pmp', 'asq-cssyb', 'made-up'],
    skillId: ['spreadsheets', 'erp-systems', 'juggling'],
    level: ['0', '2', '4', '5', '2.5', 'expert'],
    category: ['foundational', 'technical', 'soft', 'magic'],
    owner: ['new-hire', 'manager', 'buddy', 'robot'],
    dueDay: ['1', '45', '90', '91'],
    direction: ['up', 'down', 'sideways'],
    passwordMode: ['generate', 'set'],
    email: ['fuzz@example.test', org.member.email],
    timeZone: ['UTC', 'Europe/Berlin', 'Mars/Olympus'],
    leadDays: ['90, 30', '1,2,3,4,5,6,7,8,9', '400'],
    next: ['/app/', '//evil.example/', 'https://evil.example/', 'javascript:alert(1)'],
    evidenceUrl: ['https://example.test/proof', 'javascript:alert(1)', 'http://'],
    verificationUrl: ['https://example.test/verify', 'javascript:alert(1)'],
    templateRole: ['operations-assistant', 'nope'],
    name: ['Fuzzed name'],
    displayName: ['Fuzzed Person'],
    title: ['Fuzzed task'],
  };
}

function valueFor(field: string): fc.Arbitrary<string> {
  const known = pools()[field] ?? [];
  return known.length ? fc.oneof({ weight: 2, arbitrary: hostile }, { weight: 3, arbitrary: fc.constantFrom(...known) }) : hostile;
}

type Target = { label: string; persona: Persona; path: () => string; intents: string[]; fields: string[] };

/** Form fields as name/value pairs (names may repeat, be unknown or be garbage). */
function formPairs(target: Target): fc.Arbitrary<[string, string][]> {
  const known = target.fields.map((f) => fc.tuple(fc.constant(f), valueFor(f)));
  const field = known.length
    ? fc.oneof({ weight: 4, arbitrary: fc.oneof(...known) }, { weight: 1, arbitrary: fc.tuple(hostile, hostile) })
    : fc.tuple(hostile, hostile);
  const intent = target.intents.length
    ? fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...target.intents) }, { weight: 1, arbitrary: hostile }), {
        nil: undefined,
      })
    : fc.constant(undefined);
  return fc
    .tuple(intent, fc.array(field, { maxLength: 8 }))
    .map(([i, rest]) => (i === undefined ? rest : [['intent', i] as [string, string], ...rest]));
}

type Encoding =
  | 'urlencoded'
  | 'multipart'
  | 'multipart-garbage'
  | 'json'
  | 'json-malformed'
  | 'text'
  | 'none'
  | 'raw-invalid-utf8'
  | 'percent-invalid-utf8'
  | 'octet'
  | 'utf16';
const encodings = fc.constantFrom<Encoding>(
  'urlencoded',
  'urlencoded',
  'urlencoded',
  'multipart',
  'multipart',
  'multipart-garbage',
  'json',
  'json-malformed',
  'text',
  'none',
  'raw-invalid-utf8',
  'percent-invalid-utf8',
  'octet',
  'utf16',
);
const methods = fc.constantFrom('POST', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE');

const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
];

/** Encodes pairs as a request body the given (possibly wrong) way. */
function encode(pairs: [string, string][], encoding: Encoding): { headers: Record<string, string>; body?: BodyInit } {
  const urlencoded = new URLSearchParams(pairs).toString();
  switch (encoding) {
    case 'urlencoded':
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: urlencoded };
    case 'multipart': {
      const form = new FormData();
      pairs.forEach(([k, v], i) =>
        i % 3 === 2 ? form.append(k, new File([v], `${v.slice(0, 20)}.csv`, { type: 'text/csv' })) : form.append(k, v),
      );
      return { headers: {}, body: form };
    }
    case 'multipart-garbage': {
      const boundary = pairs.length % 2 ? 'zzz' : '';
      const parts = pairs.map(([k, v]) => `--zzz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}`).join('\r\n');
      return {
        headers: { 'content-type': `multipart/form-data${boundary ? `; boundary=${boundary}` : ''}` },
        body: parts.slice(0, Math.max(0, parts.length - 3)),
      };
    }
    case 'json':
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(pairs)) };
    case 'json-malformed':
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(pairs)).slice(0, -1) + ',' };
    case 'text':
      return { headers: { 'content-type': 'text/plain' }, body: urlencoded };
    case 'none':
      return { headers: {} };
    case 'raw-invalid-utf8':
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.concat(
          pairs.flatMap(([k, v], i) => [
            Buffer.from(`${i ? '&' : ''}${enc(k)}=`),
            INVALID_UTF8[i % INVALID_UTF8.length]!,
            Buffer.from(enc(v)),
          ]),
        ),
      };
    case 'percent-invalid-utf8':
      return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${urlencoded}&x=%FF%FE&y=%C3%28&z=%E0%A4%A&w=%` };
    case 'octet':
      return { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(urlencoded) };
    case 'utf16':
      return {
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16le' },
        body: Buffer.from(urlencoded, 'utf16le'),
      };
  }
}

function send(persona: Persona, path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit }) {
  const cookie = visitors[persona].cookie;
  return fetch(base + path, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { origin: base, ...(cookie ? { cookie } : {}), ...init.headers },
    body: init.body,
  });
}

/** Sends one request and checks the answer and what it did to the database. */
async function probe(
  persona: Persona,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: BodyInit },
  label: string,
) {
  const what = label.length > 300 ? `${label.slice(0, 300)}…` : label;
  const before = await snapshot();
  const res = await send(persona, path, init);
  const body = await res.text();
  expectClearAnswer(res, body, what);
  const after = await snapshot();
  expect(after.outside, `${what}: changed another organisation or the schema`).toBe(before.outside);
  const method = init.method ?? 'GET';
  if (res.status >= 400 || method !== 'POST') expect(after.inside, `${what} (${res.status}) changed something`).toBe(before.inside);
  return { res, body, before, after };
}

/** Percent-encodes any string (a lone surrogate becomes U+FFFD instead of throwing). */
const enc = (s: string) => encodeURIComponent(s.toWellFormed());

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);

// --- forms ------------------------------------------------------------------------------

/**
 * Accepted fuzz cases may legitimately change the scratch organisation: the
 * admin area can leave the team without a manager, demote or deactivate
 * someone (which ends their sessions). Later tests need the starting shape,
 * so it is put back, and anyone signed out by such a change signs in again.
 */
async function restoreScratchOrganisation() {
  await database.db.update(teams).set({ managerUserId: org.manager.id }).where(eq(teams.id, org.team.id));
  for (const [person, role] of [
    [org.admin, 'admin'],
    [org.manager, 'manager'],
    [org.member, 'member'],
    [victim, 'member'],
  ] as const) {
    await database.db.update(users).set({ role, active: true }).where(eq(users.id, person.id));
  }
  await database.db.insert(teamMemberships).values({ teamId: org.team.id, userId: org.member.id }).onConflictDoNothing();
  const people = { admin: org.admin, manager: org.manager, member: org.member } as const;
  for (const persona of ['admin', 'manager', 'member'] as const) {
    const res = await visitors[persona].get('/app/account/');
    if (res.status !== 200) visitors[persona] = await signedIn(people[persona].email, people[persona].password);
  }
}

describe('form actions take any body without a server error or a partial write', () => {
  afterEach(restoreScratchOrganisation);
  const ramp = ['taskId', 'note', 'evidenceUrl', 'personId', 'templateRole', 'startDate'];
  const targets: Target[] = [
    {
      label: 'add a person',
      persona: 'admin',
      path: () => '/app/team/',
      intents: [],
      fields: ['teamId', 'email', 'displayName', 'position', 'startDate', 'passwordMode', 'password', 'role'],
    },
    {
      label: 'edit a person',
      persona: 'admin',
      path: () => `/app/team/${victim.id}/`,
      intents: ['update', 'deactivate', 'activate'],
      fields: ['displayName', 'position', 'startDate'],
    },
    {
      label: 'admin area',
      persona: 'admin',
      path: () => '/app/admin/',
      intents: ['create-team', 'rename-team', 'set-manager', 'change-role', 'deactivate', 'activate', 'time-zone'],
      fields: ['teamId', 'name', 'managerUserId', 'userId', 'role', 'timeZone'],
    },
    {
      label: 'account',
      persona: 'account',
      path: () => '/app/account/',
      intents: ['change-password'],
      fields: ['currentPassword', 'newPassword', 'confirmPassword'],
    },
    {
      label: 'skill catalog',
      persona: 'admin',
      path: () => '/app/skills/catalog/',
      intents: ['add-skill'],
      fields: ['name', 'category', 'description'],
    },
    {
      label: 'rate myself',
      persona: 'member',
      path: () => '/app/skills/me/',
      intents: ['rate'],
      fields: ['skillId', 'level', 'note', 'evidenceUrl'],
    },
    {
      label: 'rate a member',
      persona: 'manager',
      path: () => `/app/skills/people/${org.member.id}/`,
      intents: ['rate'],
      fields: ['skillId', 'level', 'note', 'evidenceUrl'],
    },
    {
      label: 'my certifications',
      persona: 'member',
      path: () => '/app/certifications/me/',
      intents: ['add', 'edit', 'renew', 'feed-create', 'feed-revoke'],
      fields: ['recordId', 'certificationId', 'status', 'earnedOn', 'expiresOn', 'credentialId', 'verificationUrl', 'note'],
    },
    {
      label: 'mark a reminder handled',
      persona: 'member',
      path: () => '/app/certifications/reminders',
      intents: [],
      fields: ['recordId', 'reminderOn', 'next'],
    },
    {
      label: 'certification settings',
      persona: 'admin',
      path: () => '/app/certifications/settings',
      intents: ['settings', 'require-add', 'require-remove'],
      fields: ['leadDays', 'position', 'certificationId'],
    },
    { label: 'ramp overview', persona: 'manager', path: () => '/app/ramp/', intents: ['done', 'undone', 'start'], fields: ramp },
    { label: 'my 90 days', persona: 'member', path: () => '/app/ramp/', intents: ['done', 'undone', 'start'], fields: ramp },
    {
      label: 'a ramp plan',
      persona: 'manager',
      path: () => `/app/ramp/${planId}/`,
      intents: ['done', 'undone', 'add', 'update', 'move', 'remove'],
      fields: ['taskId', 'note', 'evidenceUrl', 'title', 'detail', 'owner', 'dueDay', 'buddyUserId', 'skillId', 'kpiId', 'direction'],
    },
    { label: 'CSV import (form fields)', persona: 'manager', path: () => '/app/skills/import', intents: [], fields: ['file'] },
    { label: 'sign out', persona: 'anonymous', path: () => '/logout', intents: [], fields: [] },
  ];
  it.each(targets.map((t) => [t.label, t] as const))('%s', async (_label, target) => {
    await fc.assert(
      fc.asyncProperty(methods, encodings, formPairs(target), async (method, encoding, pairs) => {
        await probe(
          target.persona,
          target.path(),
          { method, ...encode(pairs, encoding) },
          `${method} ${target.path()} ${encoding} ${JSON.stringify(pairs).slice(0, 300)}`,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('sign in (emails never valid, so no attempt reaches the throttle)', async () => {
    const target: Target = {
      label: 'sign in',
      persona: 'anonymous',
      path: () => '/login',
      intents: [],
      fields: ['email', 'password', 'next'],
    };
    await fc.assert(
      fc.asyncProperty(methods, encodings, formPairs(target), async (method, encoding, pairs) => {
        const safe = pairs.map(([k, v]) => [k, k === 'email' ? v.replace(/@/g, '') : v] as [string, string]);
        const { res } = await probe('anonymous', '/login', { method, ...encode(safe, encoding) }, `${method} /login ${encoding}`);
        expect(res.headers.getSetCookie().some((c) => /^(?:__Host-)?opspath_session=[^;]+\./.test(c))).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('the ramp overview explains a refused action instead of an empty 400', async () => {
    for (const form of [{ intent: 'bogus' }, { intent: 'undone', taskId: 'x' }]) {
      const { res, body } = await probe(
        'manager',
        '/app/ramp/',
        { method: 'POST', ...encode(Object.entries(form), 'urlencoded') },
        JSON.stringify(form),
      );
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(htmlMessage(body)).toMatch(/\w{3,}/);
    }
    const json = await probe('member', '/app/ramp/', { method: 'POST', ...encode([['intent', 'done']], 'json') }, 'JSON to a form page');
    expect(json.res.status).toBe(400);
    expect(htmlMessage(json.body)).toBe('Send one of the forms on this page.');
  });
});

// --- JSON endpoints ---------------------------------------------------------------------

const jsonTypes = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/jsonx',
  '',
);
const weird = fc.oneof(
  hostile,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);
const malformedJson = fc.constantFrom(
  '',
  '{',
  '{"personId":',
  '[',
  'null',
  '"x"',
  '1e999',
  '{"a":1}}',
  '\u0000',
  '['.repeat(50_000),
  `{"note":"${'x'.repeat(20_000)}"}`,
  '{"__proto__":{"admin":true}}',
);

function jsonBody(record: fc.Arbitrary<Record<string, unknown>>) {
  return fc.oneof(
    { weight: 5, arbitrary: record.map((r) => Buffer.from(JSON.stringify(r))) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))) },
    { weight: 2, arbitrary: malformedJson.map((s) => Buffer.from(s)) },
    {
      weight: 1,
      arbitrary: record.map((r) =>
        Buffer.concat([Buffer.from(JSON.stringify(r).slice(0, -1)), Buffer.from(',"n":"'), INVALID_UTF8[0]!, Buffer.from('"}')]),
      ),
    },
  );
}

describe('JSON endpoints take any body without a server error or a partial write', () => {
  it('POST /app/skills/rating', async () => {
    const record = fc.record(
      {
        personId: fc.oneof(
          fc.constantFrom(org.member.id, victim.id, demo.memberId, org.manager.id),
          fc.constantFrom(String(org.member.id)),
          weird,
        ),
        skillId: fc.oneof(fc.constantFrom('spreadsheets', 'erp-systems'), weird),
        level: fc.oneof(fc.integer({ min: -2, max: 6 }), weird),
        note: weird,
        evidenceUrl: weird,
        kind: fc.constantFrom('self', 'manager', 'admin'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Persona>('manager', 'member'), jsonTypes, jsonBody(record), async (persona, type, body) => {
        const { res } = await probe(
          persona,
          '/app/skills/rating',
          { method: 'POST', headers: type ? { 'content-type': type } : {}, body },
          `rating ${type} ${body.toString().slice(0, 200)}`,
        );
        expect([200, 400, 403, 404, 409, 413, 415]).toContain(res.status);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('POST /app/ramp/tasks/<taskId>/done', async () => {
    const record = fc.record(
      {
        done: fc.oneof(fc.boolean(), weird),
        note: weird,
        evidenceUrl: fc.oneof(fc.constantFrom('https://example.test/x', 'javascript:alert(1)'), weird),
      },
      { requiredKeys: [] },
    );
    const taskId = fc.oneof(fc.constantFrom(...taskIds.map(String), String(demo.taskId)), hostile.filter((s) => s.length < 2_000).map(enc));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Persona>('member', 'manager', 'admin'),
        taskId,
        jsonTypes,
        jsonBody(record),
        async (persona, id, type, body) => {
          const path = `/app/ramp/tasks/${id}/done`;
          const { res } = await probe(
            persona,
            path,
            { method: 'POST', headers: type ? { 'content-type': type } : {}, body },
            `${path} ${type} ${body.toString().slice(0, 200)}`,
          );
          expect([200, 400, 403, 404, 409, 413, 415]).toContain(res.status);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

// --- query strings and path ids -----------------------------------------------------------

describe('pages take any query string and path id without a server error or a write', () => {
  const keys = [
    'team',
    'state',
    'certification',
    'category',
    'role',
    'tier',
    'sort',
    'skill',
    'edit',
    'add',
    'done',
    'written',
    'skipped',
    'next',
    'a',
    'b',
    'signedout',
    'reminder',
  ];
  const queryValue = fc.oneof(
    hostile.filter((s) => s.length < 2_000),
    fc.constantFrom('1', '999999', 'expiring', 'technical', 'gap', 'operations-coordinator', 'junior'),
  );
  const query = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(...keys),
              hostile.filter((s) => s.length < 100),
            ),
            queryValue,
          ),
          { maxLength: 6 },
        )
        .map((pairs) => new URLSearchParams(pairs).toString()),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '%',
        'team=%FF',
        'team=%E0%A4%A',
        'a[]=1&a[]=2',
        '&&&==',
        'team=1&team=2',
        'sort=__proto__',
        'team=constructor',
      ),
    },
  );
  const pages = () => [
    '/app/',
    '/app/team/',
    `/app/team/${victim.id}/`,
    '/app/admin/',
    '/app/account/',
    '/app/skills/',
    '/app/skills/me/',
    `/app/skills/people/${org.member.id}/`,
    '/app/skills/catalog/',
    '/app/skills/import',
    '/app/skills/export.csv',
    '/app/certifications/',
    '/app/certifications/me/',
    '/app/certifications/reminders',
    '/app/certifications/settings',
    '/app/certifications/export.csv',
    '/app/ramp/',
    `/app/ramp/${planId}/`,
    `/app/ramp/${planId}/print`,
    '/login',
    '/compare/go',
    '/healthz',
    '/logout',
    '/',
  ];

  it('every page and endpoint, with random query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Persona>('admin', 'manager', 'member'),
        fc.constantFrom(...pages()),
        query,
        async (persona, path, q) => {
          await probe(persona, `${path}?${q}`, {}, `GET ${path}?${q.slice(0, 200)} as ${persona}`);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it('the calendar feed, with random tokens and team ids', async () => {
    const created = await visitors.manager.post('/app/certifications/me/', { intent: 'feed-create' });
    const token = /\/calendar\/([^".<]+)\.ics/.exec(await created.text())?.[1];
    expect(token).toBeTruthy();
    const tokens = fc.oneof(fc.constant(token!), fc.constant(`${token!.slice(0, -1)}x`), hostile.filter((s) => s.length < 500).map(enc));
    await fc.assert(
      fc.asyncProperty(
        tokens,
        fc.option(
          fc.oneof(
            fc.constant(String(org.team.id)),
            fc.constant(String(demo.teamId)),
            hostile.filter((s) => s.length < 500),
          ),
          { nil: undefined },
        ),
        async (t, team) => {
          const path = `/calendar/${t}.ics${team === undefined ? '' : `?${new URLSearchParams({ team })}`}`;
          const { res } = await probe('anonymous', path, {}, `GET ${path.slice(0, 200)}`);
          if (t === token && (team === undefined || team === String(org.team.id))) expect(res.status).toBe(200);
          else expect(res.status).toBe(404);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('a URL too long for the server is a 4xx, and the server keeps answering', async () => {
    for (const path of [`/app/team/${'9'.repeat(100_000)}/`, `/app/skills/?team=${'x'.repeat(100_000)}`]) {
      const res = await send('admin', path, {});
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      await res.arrayBuffer();
    }
    expect((await send('admin', '/app/', {})).status).toBe(200);
  });

  it('every route with an id in its path, with random ids', async () => {
    const templates = [
      '/app/team/{}/',
      '/app/skills/people/{}/',
      '/app/ramp/{}/',
      '/app/ramp/{}/print',
      '/roles/{}/',
      '/compare/{}/{}/',
      '/app/{}/',
      '/{}',
    ];
    const id = fc.oneof(
      hostile.filter((s) => s.length < 500).map(enc),
      fc.constantFrom('%', '%E0%A4%A', '%2e%2e', '..%2F..%2Fadmin', '%00', '-1', '0', '1.0', '1e3', ' 1', '0x1', '%20'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Persona>('admin', 'member', 'anonymous'),
        fc.constantFrom(...templates),
        id,
        fc.constantFrom('GET', 'POST'),
        async (persona, template, raw, method) => {
          const path = template.replaceAll('{}', raw);
          const init =
            method === 'POST'
              ? {
                  method,
                  ...encode(
                    [
                      ['intent', 'update'],
                      ['displayName', 'X'],
                    ],
                    'urlencoded',
                  ),
                }
              : {};
          await probe(persona, path, init, `${method} ${path.slice(0, 200)} as ${persona}`);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });
});

// --- CSV import -------------------------------------------------------------------------

describe('the CSV import takes any file without a server error, and writes all or nothing', () => {
  it('random files: a refused file writes nothing; an accepted one writes exactly what it reports', async () => {
    const cell = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          org.member.email,
          victim.email,
          'tom.becker@demo.opspath.test',
          'spreadsheets',
          'Spreadsheets',
          'erp-systems',
          '3',
          '0',
          'expert',
          '7',
          '2026-10-01',
          '2999-01-01',
          '',
          "=cmd|' /C calc'!A0",
          '"unclosed',
          'a "quoted" word',
        ),
      },
      { weight: 2, arbitrary: hostile.filter((s) => s.length < 2_000) },
    );
    const header = fc.oneof(
      fc.constant('email,skill,level,date,note'),
      fc.constant('email,skill,level'),
      fc.constant('Email , Skill , Level'),
      fc.array(cell, { maxLength: 5 }).map((c) => c.join(',')),
    );
    const quote = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const file = fc
      .record({
        header,
        rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 }),
        eol: fc.constantFrom('\n', '\r\n', '\r'),
        quoted: fc.boolean(),
        bom: fc.boolean(),
        invalidUtf8: fc.nat({ max: 8 }),
      })
      .map(({ header, rows, eol, quoted, bom, invalidUtf8 }) => {
        const text = [header, ...rows.map((r) => r.map((c) => (quoted ? quote(c) : c)).join(','))].join(eol) + eol;
        const bytes = Buffer.from((bom ? '\uFEFF' : '') + text);
        return invalidUtf8 === 1 ? Buffer.concat([bytes, INVALID_UTF8[2]!]) : bytes;
      });
    const upload = fc.record({
      file,
      field: fc.constantFrom('file', 'file', 'file', 'upload'),
      name: fc.oneof(
        fc.constant('ratings.csv'),
        hostile.filter((s) => s.length < 300),
      ),
    });

    await fc.assert(
      fc.asyncProperty(upload, async ({ file: bytes, field, name }) => {
        const form = new FormData();
        form.set(field, new File([bytes], name, { type: 'text/csv' }));
        const ratings = async () =>
          (await database.db.all<{ n: number }>(sql`select count(*) as n from skill_ratings where org_id = ${org.orgId}`))[0]!.n;
        const before = await ratings();
        const { res, body } = await probe(
          'manager',
          '/app/skills/import',
          { method: 'POST', body: form },
          `import ${bytes.toString().slice(0, 300)}`,
        );
        if (res.status === 303) {
          const written = Number(new URL(res.headers.get('location')!, base).searchParams.get('written'));
          expect(await ratings()).toBe(before + written);
        } else {
          expect([400, 413]).toContain(res.status);
          expect(htmlMessage(body)).not.toBeNull();
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('a file with one bad row among good ones writes none of them and names the line', async () => {
    const text = [
      'email,skill,level,date,note',
      `${org.member.email},spreadsheets,3,2026-10-01,good`,
      `${org.member.email},erp-systems,2,2026-10-01,good`,
      `${org.member.email},spreadsheets,9,2026-10-01,bad level`,
    ].join('\n');
    const form = new FormData();
    form.set('file', new File([text], 'mixed.csv', { type: 'text/csv' }));
    const { res, body } = await probe('manager', '/app/skills/import', { method: 'POST', body: form }, 'mixed file');
    expect(res.status).toBe(400);
    expect(body).toMatch(/<th scope="row" class="num"[^>]*>4<\/th>/);
  });
});

// --- SQL injection ------------------------------------------------------------------------

const INJECTIONS = [
  "' OR 1=1 --",
  "1' OR '1'='1",
  '1; DROP TABLE users',
  '1); DROP TABLE skill_ratings; --',
  '1 UNION SELECT password_hash FROM users --',
  "x'; UPDATE users SET role='admin' WHERE '1'='1",
  '1 OR 1=1',
  '" OR ""="',
];

describe('SQL injection strings change nothing', () => {
  let tablesBefore: string;
  beforeAll(async () => {
    tablesBefore = JSON.stringify(await database.db.all(sql`select name from sqlite_master where type = 'table' order by name`));
  });

  it.each(INJECTIONS)('%s in every id, path id, query parameter and JSON field', async (inj) => {
    const e = encodeURIComponent(inj);
    const form = (pairs: Record<string, string>) => ({ method: 'POST', ...encode(Object.entries(pairs), 'urlencoded') });
    const json = (value: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    const requests: [Persona, string, Parameters<typeof probe>[2]][] = [
      // path ids
      ['admin', `/app/team/${e}/`, {}],
      [
        'admin',
        `/app/team/${e}/`,
        form({ intent: 'update', displayName: 'Injected', position: 'operations-coordinator/junior', startDate: '2026-10-01' }),
      ],
      ['admin', `/app/team/${e}/`, form({ intent: 'deactivate' })],
      ['manager', `/app/skills/people/${e}/`, {}],
      ['manager', `/app/skills/people/${e}/`, form({ intent: 'rate', skillId: 'spreadsheets', level: '3' })],
      ['manager', `/app/ramp/${e}/`, {}],
      ['manager', `/app/ramp/${e}/`, form({ intent: 'add', title: 'Injected', owner: 'new-hire', dueDay: '5' })],
      ['manager', `/app/ramp/${e}/print`, {}],
      ['member', `/app/ramp/tasks/${e}/done`, json({ done: true })],
      ['anonymous', `/calendar/${e}.ics`, {}],
      ['anonymous', `/roles/${e}/`, {}],
      // ids in forms
      [
        'admin',
        '/app/team/',
        form({
          teamId: inj,
          email: 'injected@example.test',
          displayName: 'Injected',
          position: 'operations-coordinator/junior',
          startDate: '2026-10-01',
          passwordMode: 'generate',
        }),
      ],
      ['admin', '/app/admin/', form({ intent: 'rename-team', teamId: inj, name: 'Injected' })],
      ['admin', '/app/admin/', form({ intent: 'set-manager', teamId: String(org.team.id), managerUserId: inj })],
      ['admin', '/app/admin/', form({ intent: 'change-role', userId: inj, role: 'admin' })],
      ['admin', '/app/admin/', form({ intent: 'change-role', userId: String(victim.id), role: inj })],
      ['admin', '/app/admin/', form({ intent: 'deactivate', userId: inj })],
      ['manager', '/app/ramp/', form({ intent: 'start', personId: inj, templateRole: '', startDate: '' })],
      ['manager', '/app/ramp/', form({ intent: 'start', personId: String(victim.id), templateRole: inj, startDate: '' })],
      ['member', '/app/ramp/', form({ intent: 'done', taskId: inj })],
      ['manager', `/app/ramp/${planId}/`, form({ intent: 'remove', taskId: inj })],
      ['manager', `/app/ramp/${planId}/`, form({ intent: 'move', taskId: String(taskIds[1]), direction: inj })],
      ['manager', `/app/ramp/${planId}/`, form({ intent: 'add', title: 'Injected', owner: inj, dueDay: '5' })],
      ['manager', `/app/ramp/${planId}/`, form({ intent: 'add', title: 'Injected', owner: 'buddy', dueDay: '5', buddyUserId: inj })],
      ['member', '/app/certifications/me/', form({ intent: 'edit', recordId: inj, status: 'planned' })],
      ['member', '/app/certifications/me/', form({ intent: 'renew', recordId: inj, earnedOn: '2026-06-01' })],
      ['member', '/app/certifications/me/', form({ intent: 'add', certificationId: inj, status: 'planned' })],
      ['member', '/app/certifications/reminders', form({ recordId: inj, reminderOn: '2026-10-01' })],
      ['member', '/app/certifications/reminders', form({ recordId: String(recordId), reminderOn: inj })],
      ['admin', '/app/certifications/settings', form({ intent: 'settings', leadDays: inj })],
      ['admin', '/app/admin/', form({ intent: 'time-zone', timeZone: inj })],
      ['admin', '/app/certifications/settings', form({ intent: 'require-add', position: inj, certificationId: 'pmi-pmp' })],
      [
        'admin',
        '/app/certifications/settings',
        form({ intent: 'require-remove', position: 'operations-coordinator/junior', certificationId: inj }),
      ],
      ['member', '/app/skills/me/', form({ intent: 'rate', skillId: inj, level: '3' })],
      ['member', '/app/skills/me/', form({ intent: 'rate', skillId: 'spreadsheets', level: inj })],
      ['admin', '/app/skills/catalog/', form({ intent: 'add-skill', name: 'Injected skill', category: inj, description: 'x' })],
      // JSON fields
      ['manager', '/app/skills/rating', json({ personId: inj, skillId: 'spreadsheets', level: 3 })],
      ['manager', '/app/skills/rating', json({ personId: org.member.id, skillId: inj, level: 3 })],
      ['manager', '/app/skills/rating', json({ personId: org.member.id, skillId: 'spreadsheets', level: inj })],
      ['member', `/app/ramp/tasks/${taskIds[0]}/done`, json({ done: inj })],
      // query parameters
      ...['team', 'category', 'role', 'tier', 'sort'].map(
        (k) => ['admin', `/app/skills/?${k}=${e}`, {}] as [Persona, string, Parameters<typeof probe>[2]],
      ),
      ...['team', 'category', 'sort'].map(
        (k) => ['admin', `/app/skills/export.csv?${k}=${e}`, {}] as [Persona, string, Parameters<typeof probe>[2]],
      ),
      ...['team', 'state', 'certification'].map(
        (k) => ['admin', `/app/certifications/?${k}=${e}`, {}] as [Persona, string, Parameters<typeof probe>[2]],
      ),
      ['admin', `/app/certifications/export.csv?team=${e}&state=${e}&certification=${e}`, {}],
      ['member', `/app/skills/me/?skill=${e}`, {}],
      ['manager', `/app/ramp/${planId}/?edit=${e}`, {}],
      ['member', `/app/certifications/me/?add=${e}`, {}],
      ['anonymous', `/compare/go?a=${e}&b=${e}`, {}],
      ['anonymous', `/login?next=${e}`, {}],
    ];
    for (const [persona, path, init] of requests) {
      const { res } = await probe(persona, path, init, `${init.method ?? 'GET'} ${path} as ${persona}`);
      const method = init.method ?? 'GET';
      // An injected id, choice or date is refused; nothing anywhere changed (probe checked it for errors and GETs).
      if (method === 'POST') expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
    }
    expect(JSON.stringify(await database.db.all(sql`select name from sqlite_master where type = 'table' order by name`))).toBe(
      tablesBefore,
    );
  });

  it('a sign-in with an injected email or password is refused and signs nobody in', async () => {
    for (const [email, password] of [
      [`admin'--@demo.opspath.test`, 'x'],
      [org.admin.email, "' OR 1=1 --"],
      ["' OR 1=1 --", "' OR 1=1 --"],
    ]) {
      const { res } = await probe(
        'anonymous',
        '/login',
        {
          method: 'POST',
          ...encode(
            [
              ['email', email!],
              ['password', password!],
            ],
            'urlencoded',
          ),
        },
        `sign in ${email}`,
      );
      expect(res.status).toBe(400);
      expect(res.headers.getSetCookie().some((c) => /^(?:__Host-)?opspath_session=[^;]+\./.test(c))).toBe(false);
    }
  });

  it('stored as text, an injection string is kept verbatim and runs nothing', async () => {
    const inj = "x'); DROP TABLE teams; --";
    const stored = async (query: ReturnType<typeof sql>) => (await database.db.all<{ v: string }>(query)).map((r) => r.v);
    const check = async (persona: Persona, path: string, pairs: Record<string, string>) => {
      const { res, before, after } = await probe(
        persona,
        path,
        { method: 'POST', ...encode(Object.entries(pairs), 'urlencoded') },
        `store via ${path}`,
      );
      expect(res.status, path).toBe(303);
      expect(after.inside).not.toBe(before.inside);
    };
    await check('admin', '/app/admin/', { intent: 'create-team', name: `${inj} team` });
    expect(await stored(sql`select name as v from teams where org_id = ${org.orgId} and name = ${`${inj} team`}`)).toEqual([`${inj} team`]);
    await check('admin', `/app/team/${victim.id}/`, {
      intent: 'update',
      displayName: inj,
      position: 'operations-coordinator/junior',
      startDate: '2026-10-01',
    });
    expect(await stored(sql`select display_name as v from users where id = ${victim.id}`)).toEqual([inj]);
    await check('manager', `/app/skills/people/${org.member.id}/`, { intent: 'rate', skillId: 'spreadsheets', level: '2', note: inj });
    expect(await stored(sql`select note as v from skill_ratings where subject_user_id = ${org.member.id} and note = ${inj}`)).toEqual([
      inj,
    ]);
    await check('member', '/app/certifications/me/', {
      intent: 'add',
      certificationId: 'asq-cssyb',
      status: 'planned',
      credentialId: inj,
      note: inj,
    });
    expect(
      await stored(sql`select credential_id as v from certification_records where user_id = ${org.member.id} and note = ${inj}`),
    ).toEqual([inj]);
    await check('manager', `/app/ramp/${planId}/`, { intent: 'add', title: inj, owner: 'new-hire', dueDay: '5' });
    expect(await stored(sql`select title as v from ramp_tasks where plan_id = ${planId} and title = ${inj}`)).toEqual([inj]);
    expect((await database.db.select().from(teams).where(eq(teams.orgId, org.orgId))).length).toBeGreaterThan(1);
    expect((await database.db.all<{ n: number }>(sql`select count(*) as n from users`))[0]!.n).toBeGreaterThan(10);
  });
});

// --- body size ----------------------------------------------------------------------------

type Raw = { status: number; body: string; sentWhenAnswered: number };

/**
 * A POST over a plain socket, so the test controls the framing: `declared`
 * sends a Content-Length (null: chunked, no length). Sends `total` bytes of
 * `fill` in 64 KiB pieces, stops sending once the server has answered, and
 * reports how much had been sent by then.
 */
function rawPost(
  path: string,
  options: { total: number; declared: number | null; persona?: Persona; type?: string; prefix?: string },
): Promise<Raw> {
  const { total, declared, persona = 'admin', type = 'application/x-www-form-urlencoded', prefix = '' } = options;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered: number | null = null;
    const cookie = visitors[persona].cookie;
    const headers: Record<string, string> = { origin: base, 'content-type': type, ...(cookie ? { cookie } : {}) };
    if (declared !== null) headers['content-length'] = String(declared);
    const req = http.request(new URL(path, base), { method: 'POST', headers, agent: false });
    req.on('response', (res) => {
      answered = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body, sentWhenAnswered: answered! });
        req.destroy();
      });
    });
    req.on('error', (err) => {
      if (answered === null) reject(new Error(`no answer after ${sent} bytes: ${err.message}`));
    });
    const piece = Buffer.alloc(64 * 1024, 'a');
    const head = Buffer.from(prefix);
    // One piece per turn of the event loop, so the answer is read as soon as it
    // arrives (a client that only writes would not see it before the server
    // stops reading, and the connection reset would hide it).
    const pump = () => {
      if (answered !== null) return;
      if (sent >= total) return void req.end();
      const chunk =
        sent === 0 && head.length
          ? Buffer.concat([head, piece]).subarray(0, Math.min(total, 64 * 1024))
          : piece.subarray(0, Math.min(64 * 1024, total - sent));
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(pump);
      else req.once('drain', () => setImmediate(pump));
    };
    if (total === 0) req.flushHeaders();
    else pump();
  });
}

describe('oversized bodies are refused early with 413', () => {
  const tooLarge = (r: Raw, limit: number) => {
    expect(r.status, r.body.slice(0, 200)).toBe(413);
    expect(r.body).toBe(`Request body too large: the limit is ${limit} bytes.`);
  };

  it('Content-Length just above 1 MiB: 413, nothing written; exactly 1 MiB is read and answered by the page', async () => {
    const before = await snapshot();
    tooLarge(await rawPost('/app/admin/', { total: MiB + 1, declared: MiB + 1, prefix: 'intent=create-team&name=Too+large&x=' }), MiB);
    const atLimit = await rawPost('/app/admin/', { total: MiB, declared: MiB, prefix: 'intent=bogus&x=' });
    expect(atLimit.status).toBe(400);
    expect(htmlMessage(atLimit.body)).toBe('Unknown action.');
    expect(await snapshot()).toEqual(before);
  });

  it('a huge Content-Length is refused before any of the body is sent', async () => {
    const r = await rawPost('/app/team/', { total: 0, declared: 100 * MiB });
    tooLarge(r, MiB);
    expect(r.sentWhenAnswered).toBe(0);
  });

  it('a chunked body (no Content-Length) just above 1 MiB: 413, nothing written', async () => {
    const before = await snapshot();
    tooLarge(await rawPost('/app/admin/', { total: MiB + 1, declared: null, prefix: 'intent=create-team&name=Chunked+too+large&x=' }), MiB);
    tooLarge(
      await rawPost(`/app/ramp/tasks/${taskIds[0]}/done`, {
        total: MiB + 1,
        declared: null,
        persona: 'member',
        type: 'application/json',
        prefix: '{"done":true,"note":"',
      }),
      MiB,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('a chunked body that never ends is answered 413 long before it would end', async () => {
    const total = 256 * MiB;
    const r = await rawPost('/app/account/', { total, declared: null });
    tooLarge(r, MiB);
    expect(r.sentWhenAnswered).toBeLessThan(total / 16);
  });

  it('chunked bodies under the limit still work', async () => {
    const name = `Chunked team ${Date.now().toString(36)}`;
    const r = await rawPost('/app/admin/', {
      total: 512 * 1024,
      declared: null,
      prefix: `intent=create-team&name=${encodeURIComponent(name)}&x=`,
    });
    expect(r.status, r.body.slice(0, 300)).toBe(303);
    expect((await database.db.select().from(teams).where(eq(teams.name, name))).length).toBe(1);
  });

  it('the CSV import allows 5 MiB at the server; the page refuses a file over its own 2 MiB limit in words', async () => {
    tooLarge(
      await rawPost('/app/skills/import', {
        total: 5 * MiB + 1,
        declared: 5 * MiB + 1,
        persona: 'manager',
        type: 'multipart/form-data; boundary=x',
      }),
      5 * MiB,
    );
    tooLarge(
      await rawPost('/app/skills/import', {
        total: 5 * MiB + 1,
        declared: null,
        persona: 'manager',
        type: 'multipart/form-data; boundary=x',
      }),
      5 * MiB,
    );
    const form = new FormData();
    form.set('file', new File([Buffer.alloc(3 * MiB, 'a')], 'big.csv', { type: 'text/csv' }));
    const { res, body } = await probe('manager', '/app/skills/import', { method: 'POST', body: form }, 'a 3 MiB file');
    expect(res.status).toBe(413);
    expect(htmlMessage(body)).toMatch(/^The file is too large \(3(\.0)? MB\)\. The limit is 2(\.0)? MB/);
  });
});
