// The authorization table over HTTP, against the built server: every
// protected page and form action, as anonymous, a member, the manager of
// another team, the team's manager and an admin, including tampered ids.
// Denied requests must change nothing (people, teams, memberships, and no
// audit row other than sign-ins). Also: CSRF, throttling, cookies, redirects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, gt, max } from 'drizzle-orm';
import { auditLog, users } from '#server/db/schema.ts';
import type { Database } from '#server/db/client.ts';
import {
  accessVisitors,
  casesPerPersona,
  createPerson,
  expectRejectedForm,
  expectSignInRedirect,
  type FormPostRow,
  serverDatabase,
  signedIn,
  teamId,
  uniqueEmail,
  Visitor,
} from '../support/app.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';

type Persona = 'anonymous' | 'member' | 'otherManager' | 'manager' | 'admin';
const PERSONAS: Persona[] = ['anonymous', 'member', 'otherManager', 'manager', 'admin'];

let database: Database;
const visitors = {} as Record<Persona, Visitor>;
let memberId: number;
let warehouseId: number;
let adminId: number;
let otherManagerId: number;

beforeAll(async () => {
  database = serverDatabase();
  warehouseId = await teamId(database, 'Warehouse Operations');
  const idOf = async (email: string) => (await database.db.select().from(users).where(eq(users.email, email)))[0]!.id;
  adminId = await idOf('admin@demo.opspath.test');
  otherManagerId = await idOf('manager2@demo.opspath.test');
  // A fresh member (not a demo account), so other test files' demo logins are unaffected.
  const member = await createPerson(database, { label: 'access-member', team: 'Warehouse Operations' });
  memberId = member.id;
  Object.assign(visitors, await accessVisitors(member, ['otherManager', 'manager', 'admin']));
});
afterAll(() => database?.close());

/** Runs a request and checks it left every table and the audit log (apart from sign-ins) alone. */
async function unchangedBy(request: () => Promise<Response>) {
  const before = await tableSnapshot(database);
  const [{ maxId }] = (await database.db.select({ maxId: max(auditLog.id) }).from(auditLog)) as [{ maxId: number | null }];
  const maxBefore = maxId ?? 0;
  const res = await request();
  await expectUnchanged(database, before, { ignore: ['sessions', 'rate_limit_buckets', 'audit_log'] });
  const newRows = await database.db.select().from(auditLog).where(gt(auditLog.id, maxBefore));
  expect(newRows.filter((r) => !r.action.startsWith('auth.'))).toEqual([]);
  return res;
}

describe('pages (GET)', () => {
  type Row = [path: () => string, expected: Record<Persona, number>];
  const rows: Row[] = [
    [() => '/app/', { anonymous: 303, member: 200, otherManager: 200, manager: 200, admin: 200 }],
    [() => '/app/team/', { anonymous: 303, member: 403, otherManager: 200, manager: 200, admin: 200 }],
    [() => `/app/team/${memberId}/`, { anonymous: 303, member: 200, otherManager: 404, manager: 200, admin: 200 }],
    [() => `/app/team/${adminId}/`, { anonymous: 303, member: 404, otherManager: 404, manager: 404, admin: 200 }],
    [() => '/app/team/999999/', { anonymous: 303, member: 404, otherManager: 404, manager: 404, admin: 404 }],
    [() => '/app/team/..%2F1/', { anonymous: 303, member: 404, otherManager: 404, manager: 404, admin: 404 }],
    [() => '/app/account/', { anonymous: 303, member: 200, otherManager: 200, manager: 200, admin: 200 }],
    [() => '/app/admin/', { anonymous: 303, member: 403, otherManager: 403, manager: 403, admin: 200 }],
  ];
  it.each(rows.flatMap(([path, expected]) => PERSONAS.map((p) => [path, p, expected[p]] as const)))(
    'GET %s as %s -> %i',
    async (path, persona, status) => {
      const res = await unchangedBy(() => visitors[persona].get(path()));
      expect(res.status).toBe(status);
      if (status === 303) expectSignInRedirect(res);
    },
  );

  it('a GET never changes state, whatever its query says', async () => {
    const res = await unchangedBy(() => visitors.admin.get(`/app/team/${memberId}/?intent=deactivate&userId=${memberId}`));
    expect(res.status).toBe(200);
  });

  it('/healthz answers 200 with JSON when the database is up', async () => {
    const res = await visitors.anonymous.get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'ok' });
  });
});

describe('form actions (POST), denied', () => {
  type Row = FormPostRow<Persona>;
  const profile = { intent: 'update', displayName: 'Hacked', position: 'operations-officer/junior', startDate: '2020-01-01' };
  const rows: Row[] = [
    ['edit a Warehouse member', () => `/app/team/${memberId}/`, () => profile, { anonymous: 303, member: 403, otherManager: 404 }],
    [
      'deactivate a Warehouse member',
      () => `/app/team/${memberId}/`,
      () => ({ intent: 'deactivate' }),
      { anonymous: 303, member: 403, otherManager: 404 },
    ],
    ['edit the other manager (tampered id)', () => `/app/team/${otherManagerId}/`, () => profile, { member: 404, manager: 404 }],
    ['edit a person who does not exist', () => '/app/team/999999/', () => profile, { manager: 404, admin: 404 }],
    [
      'add a person to Warehouse',
      () => '/app/team/',
      () => ({
        teamId: String(warehouseId),
        email: uniqueEmail('denied'),
        displayName: 'X',
        position: 'operations-assistant/junior',
        startDate: '2026-11-01',
        passwordMode: 'generate',
      }),
      { anonymous: 303, member: 403, otherManager: 403 },
    ],
    [
      'add a person to a team that does not exist',
      () => '/app/team/',
      () => ({
        teamId: '999999',
        email: uniqueEmail('denied'),
        displayName: 'X',
        position: 'operations-assistant/junior',
        startDate: '2026-11-01',
        passwordMode: 'generate',
      }),
      { manager: 404, admin: 404 },
    ],
    [
      'add an admin as a manager',
      () => '/app/team/',
      () => ({
        teamId: String(warehouseId),
        role: 'admin',
        email: uniqueEmail('denied'),
        displayName: 'X',
        position: 'operations-assistant/junior',
        startDate: '2026-11-01',
        passwordMode: 'generate',
      }),
      { manager: 403 },
    ],
    [
      'rename a team',
      () => '/app/admin/',
      () => ({ intent: 'rename-team', teamId: String(warehouseId), name: 'Taken over' }),
      { anonymous: 303, member: 403, otherManager: 403, manager: 403 },
    ],
    [
      'appoint a manager',
      () => '/app/admin/',
      () => ({ intent: 'set-manager', teamId: String(warehouseId), managerUserId: String(otherManagerId) }),
      { anonymous: 303, member: 403, manager: 403 },
    ],
    [
      'create a team',
      () => '/app/admin/',
      () => ({ intent: 'create-team', name: 'Shadow team' }),
      { anonymous: 303, member: 403, manager: 403 },
    ],
    [
      'change a role',
      () => '/app/admin/',
      () => ({ intent: 'change-role', userId: String(memberId), role: 'admin' }),
      { anonymous: 303, member: 403, otherManager: 403, manager: 403 },
    ],
    ['deactivate via admin with a tampered id', () => '/app/admin/', () => ({ intent: 'deactivate', userId: '999999' }), { admin: 404 }],
    [
      'change a role on the person page',
      () => `/app/team/${memberId}/`,
      () => ({ intent: 'change-role', role: 'admin' }),
      { anonymous: 303, member: 403, otherManager: 404, manager: 403 },
    ],
    [
      'change the role of someone who does not exist',
      () => '/app/team/999999/',
      () => ({ intent: 'change-role', role: 'admin' }),
      { admin: 404 },
    ],
    [
      'rename a team that does not exist',
      () => '/app/admin/',
      () => ({ intent: 'rename-team', teamId: '424242', name: 'Nope' }),
      { admin: 404 },
    ],
    ['sign out everywhere, anonymously', () => '/app/account/', () => ({ intent: 'sign-out-everywhere' }), { anonymous: 303 }],
  ];
  it.each(casesPerPersona(rows))('%s as %s -> %i, nothing changed', async (_label, persona, status, path, form) => {
    const res = await unchangedBy(() => visitors[persona].post(path(), form()));
    expect(res.status).toBe(status);
    if (status === 303) expectSignInRedirect(res);
  });
});

describe('form actions (POST), allowed', () => {
  it('the team’s manager edits, deactivates once confirmed (ending the person’s sessions) and reactivates a member', async () => {
    const person = await createPerson(database, { label: 'allowed-edit', team: 'Warehouse Operations' });
    const theirBrowser = await signedIn(person.email, person.password);
    const path = `/app/team/${person.id}/`;

    const edited = await visitors.manager.post(path, {
      intent: 'update',
      displayName: 'Edited Name',
      position: 'operations-officer/junior',
      startDate: '2026-09-01',
    });
    expect(edited.status).toBe(303);
    expect(edited.headers.get('location')).toBe(`${path}?done=updated`);

    // One click is not enough: without the ticked "I understand" box nothing changes and the box says why.
    const unconfirmed = await unchangedBy(() => visitors.manager.post(path, { intent: 'deactivate' }));
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toMatch(/id="deactivate-confirm-error"[^>]*>\s*Tick the box to confirm/);
    expect((await theirBrowser.get('/app/')).status).toBe(200);

    const deactivated = await visitors.manager.post(path, { intent: 'deactivate', confirm: 'yes' });
    expect(deactivated.headers.get('location')).toBe(`${path}?done=deactivated`);
    expectSignInRedirect(await theirBrowser.get('/app/'));
    expect((await new Visitor().post('/login', { email: person.email, password: person.password })).status).toBe(400);

    expect((await visitors.manager.post(path, { intent: 'activate' })).status).toBe(303);

    // "Recent changes" reads as sentences with who acted, not event codes and JSON.
    const history = await (await visitors.manager.get(path)).text();
    const recent = history.slice(history.indexOf('Recent changes'));
    expect(recent).toMatch(/<td[^>]*>Maria Lopez<\/td><td[^>]*>Deactivated the account, ending 1 session<\/td>/);
    expect(recent).toContain('Changed the name from “');
    expect(recent).not.toMatch(/user\.(deactivated|updated)|\{&quot;|\{"/);
    expect((await new Visitor().signIn(person.email, person.password)).cookie).not.toBeNull();
  });

  it('an admin changes a role, which ends that person’s sessions', async () => {
    const person = await createPerson(database, { label: 'allowed-role', team: 'Customer Operations' });
    const theirBrowser = await signedIn(person.email, person.password);
    const res = await visitors.admin.post('/app/admin/', { intent: 'change-role', userId: String(person.id), role: 'manager' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/admin/?done=role-changed');
    expectSignInRedirect(await theirBrowser.get('/app/'));
  });

  it('a manager adds a person with a generated password, shown once and not cached', async () => {
    const email = uniqueEmail('added');
    const res = await visitors.manager.post('/app/team/', {
      teamId: String(warehouseId),
      email,
      displayName: 'Added Person',
      position: 'operations-assistant/assistant',
      startDate: '2026-11-20',
      passwordMode: 'generate',
    });
    const html = await res.text();
    expect(res.status, html.slice(0, 500)).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    const password = /<code[^>]*class="secret[^"]*"[^>]*>([^<]+)<\/code>/.exec(html)?.[1];
    expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect((await new Visitor().signIn(email, password!)).cookie).not.toBeNull();
  });

  it('field errors come back with what was typed, but never the password', async () => {
    const res = await visitors.manager.post('/app/team/', {
      teamId: String(warehouseId),
      email: 'not-an-email',
      displayName: 'Kept Name',
      position: 'operations-assistant/nope',
      startDate: '2026-13-40',
      passwordMode: 'set',
      password: 'short-secret',
    });
    const html = await expectRejectedForm(res, ['value="Kept Name"', 'value="not-an-email"']);
    expect(html).not.toContain('short-secret');
    expect(html).toMatch(/id="email-error"/);
    expect(html).toMatch(/id="position-error"/);
    expect(html).toMatch(/id="startDate-error"/);
    expect(html).toMatch(/id="email"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="email"/);
  });
});

describe('CSRF', () => {
  it('a cross-origin form post is refused by the origin check and changes nothing', async () => {
    const res = await unchangedBy(() =>
      visitors.admin.post(`/app/team/${memberId}/`, { intent: 'deactivate' }, { origin: 'https://evil.example' }),
    );
    expect(res.status).toBe(403);
  });

  it('a form post without an Origin header is refused too', async () => {
    const res = await unchangedBy(() => visitors.admin.post(`/app/team/${memberId}/`, { intent: 'deactivate' }, { origin: null }));
    expect(res.status).toBe(403);
  });

  it('a cross-origin JSON post (which Astro’s check lets through) signs nobody out', async () => {
    const victim = await signedIn('manager2@demo.opspath.test');
    const res = await victim.postJson('/logout', {}, 'https://evil.example');
    expect(res.status).toBe(403);
    expect((await victim.get('/app/')).status).toBe(200);
  });

  it('a cross-origin JSON post to a form page is not treated as a form and changes nothing', async () => {
    const res = await unchangedBy(() =>
      visitors.admin.postJson(`/app/team/${memberId}/`, { intent: 'deactivate' }, 'https://evil.example'),
    );
    expect(res.status).toBe(400);
  });
});

describe('sign-in, cookies and sign-out', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ session cookie (no Secure outside production)', async () => {
    const v = await signedIn('manager@demo.opspath.test');
    expect(v.lastSetCookie).toMatch(/^opspath_session=[a-z2-7]{24}\.[a-z2-7]{24};/);
    expect(v.lastSetCookie).toMatch(/HttpOnly/i);
    expect(v.lastSetCookie).toMatch(/SameSite=Lax/i);
    expect(v.lastSetCookie).toMatch(/Path=\//);
    expect(v.lastSetCookie).not.toMatch(/Secure/i);
  });

  it('redirects to a same-site `next` only', async () => {
    const good = await new Visitor().post('/login', { email: 'manager@demo.opspath.test', password: 'opspath-demo', next: '/app/team/' });
    expect(good.headers.get('location')).toBe('/app/team/');
    const evil = await new Visitor().post('/login', {
      email: 'manager@demo.opspath.test',
      password: 'opspath-demo',
      next: '//evil.example/',
    });
    expect(evil.headers.get('location')).toBe('/app/');
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const wrong = await new Visitor().post('/login', { email: 'manager@demo.opspath.test', password: 'wrong-password' });
    const unknown = await new Visitor().post('/login', { email: uniqueEmail('nobody'), password: 'wrong-password' });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const message = (html: string) => /<div class="form-error" role="alert"><p>([^<]+)<\/p>/.exec(html)?.[1];
    expect(message(await wrong.text())).toBe(message(await unknown.text()));
  });

  it('throttles one account with 429 and Retry-After', async () => {
    const email = uniqueEmail('throttled');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const res = await new Visitor().post('/login', { email, password: `guess-${i}` });
      statuses.push(res.status);
      retryAfter ??= res.headers.get('retry-after');
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('sign-out is POST only and ends the session', async () => {
    const v = await signedIn('manager2@demo.opspath.test');
    const stolenCookie = v.cookie;
    expect((await v.get('/logout')).status).toBe(405);
    expect((await v.get('/app/')).status).toBe(200);
    const res = await v.post('/logout', {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?signedout=1');
    expect(v.cookie).toBeNull();
    // The old cookie is dead on the server, not just deleted in the browser.
    const replay = new Visitor();
    replay.cookie = stolenCookie;
    expectSignInRedirect(await replay.get('/app/'));
  });
});
