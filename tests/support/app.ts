// Helpers for tests against the running server (tests/support/global-setup.ts):
// an HTTP visitor that keeps its session cookie, and direct access to the
// server's database for fixtures and "nothing changed" checks.
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '#server/db/client.ts';
import { organisations, outboxMessages, teamMemberships, teams, users } from '#server/db/schema.ts';
import { enqueueMessage, publicLink } from '#server/outbox/index.ts';
import { hashPassword } from '#server/auth/password.ts';
import type { UserRole } from '#domain/access.ts';

export const DEMO_PASSWORD = 'opspath-demo';

export function baseUrl(): string {
  return inject('baseUrl');
}

/** The server's own database (WAL: safe to read and write beside it). */
export function serverDatabase(): Database {
  return openDatabase({ url: inject('databaseUrl') });
}

/** Chromium and the server's database for the whole test file: opened before its tests, closed after them. */
export function browserAndServerDatabase() {
  const fixture = {} as { browser: Browser; database: Database };
  beforeAll(async () => {
    fixture.browser = await launchBrowser();
    fixture.database = serverDatabase();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    fixture.database?.close();
  });
  return fixture;
}

const SESSION_COOKIE = /^(?:__Host-)?opspath_session=([^;]*)/;

/** A client with a cookie jar of one cookie: the session. */
export class Visitor {
  readonly base: string;
  cookie: string | null = null;
  lastSetCookie: string | null = null;

  constructor(base = baseUrl()) {
    this.base = base;
  }

  #remember(res: Response) {
    for (const header of res.headers.getSetCookie()) {
      const match = SESSION_COOKIE.exec(header);
      if (!match) continue;
      this.lastSetCookie = header;
      const expired = match[1] === '' || /Max-Age=0/i.test(header) || /Expires=Thu, 01 Jan 1970/i.test(header);
      this.cookie = expired ? null : header.split(';')[0]!;
    }
    return res;
  }

  #headers(extra: Record<string, string> = {}) {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  async get(path: string): Promise<Response> {
    return this.#remember(await fetch(this.base + path, { redirect: 'manual', headers: this.#headers() }));
  }

  /** A form post as a browser on this site sends it (Origin = the site) unless told otherwise. */
  async post(path: string, form: Record<string, string>, options: { origin?: string | null } = {}): Promise<Response> {
    const origin = options.origin === undefined ? this.base : options.origin;
    const headers = this.#headers({
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin === null ? {} : { origin }),
    });
    return this.#remember(await fetch(this.base + path, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams(form) }));
  }

  async postJson(path: string, body: unknown, origin: string): Promise<Response> {
    const headers = this.#headers({ 'content-type': 'application/json', origin });
    return this.#remember(await fetch(this.base + path, { method: 'POST', redirect: 'manual', headers, body: JSON.stringify(body) }));
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<this> {
    const res = await this.post('/login', { email, password });
    if (res.status !== 303 || !this.cookie) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
    return this;
  }
}

export async function signedIn(email: string, password = DEMO_PASSWORD) {
  return new Visitor().signIn(email, password);
}

/** A refused request sends the visitor to sign in, remembering where they were going. */
export function expectSignInRedirect(res: Response) {
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
}

/** A form posted with bad input comes back as 400 with each of these texts in the page; returns the page for more checks. */
export async function expectRejectedForm(res: Response, texts: string[]): Promise<string> {
  expect(res.status).toBe(400);
  const html = await res.text();
  for (const text of texts) expect(html).toContain(text);
  return html;
}

/** A row of a form-post access table: what the post does, where to, what it sends, and the status each persona named gets. */
export type FormPostRow<P extends string> = [
  label: string,
  path: () => string,
  form: () => Record<string, string>,
  expected: Partial<Record<P, number>>,
];

/** One case per persona a row names, as [label, persona, status, path, form]. */
export function casesPerPersona<P extends string>(rows: FormPostRow<P>[]) {
  return rows.flatMap(([label, path, form, expected]) =>
    (Object.entries(expected) as [P, number][]).map(([persona, status]) => [label, persona, status, path, form] as const),
  );
}

/** The demo accounts access tests sign in as, by the part they play. */
export const DEMO_ACCOUNTS = {
  otherManager: 'manager2@demo.opspath.test',
  manager: 'manager@demo.opspath.test',
  admin: 'admin@demo.opspath.test',
  newHire: 'newhire@demo.opspath.test',
} as const;

/** An anonymous visitor, the given member and the demo accounts named, signed in one after another in that order. */
export async function accessVisitors<A extends keyof typeof DEMO_ACCOUNTS>(
  member: { email: string; password: string },
  accounts: readonly A[],
): Promise<Record<'anonymous' | 'member' | A, Visitor>> {
  const visitors = { anonymous: new Visitor(), member: await signedIn(member.email, member.password) } as Record<
    'anonymous' | 'member' | A,
    Visitor
  >;
  for (const account of accounts) visitors[account] = await signedIn(DEMO_ACCOUNTS[account]);
  return visitors;
}

/** A unique email per run, so test files sharing the server never collide. */
export function uniqueEmail(label: string) {
  return `${label}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@tests.opspath.test`;
}

const hashes = new Map<string, Promise<string>>();

/** Creates a person directly in the server's database (a fixture, like epic-stack's). */
export async function createPerson(
  database: Database,
  options: {
    label: string;
    role?: UserRole;
    team?: string;
    password?: string;
    jobRole?: string;
    tier?: string;
    /** Default: the demo organisation. */
    orgId?: number;
    /** A team by id (for teams outside the demo organisation, whose names may repeat). */
    teamId?: number;
    displayName?: string;
  },
) {
  const password = options.password ?? 'fixture-password';
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const orgId =
    options.orgId ??
    (
      await database.db
        .select()
        .from(users)
        .where(sql`email = 'admin@demo.opspath.test'`)
    )[0]!.orgId;
  const email = uniqueEmail(options.label);
  const [person] = await database.db
    .insert(users)
    .values({
      orgId,
      email,
      displayName: options.displayName ?? `Test ${options.label}`,
      passwordHash: await hashes.get(password)!,
      role: options.role ?? 'member',
      jobRole: options.jobRole ?? 'operations-coordinator',
      tier: options.tier ?? 'junior',
      startDate: '2026-10-01',
    })
    .returning();
  if (options.team) {
    const [team] = await database.db
      .select()
      .from(teams)
      .where(sql`name = ${options.team} and org_id = ${orgId}`);
    await database.db.insert(teamMemberships).values({ teamId: team!.id, userId: person!.id });
  }
  if (options.teamId) await database.db.insert(teamMemberships).values({ teamId: options.teamId, userId: person!.id });
  return { ...person!, password };
}

/**
 * A separate organisation with an admin, a manager running one team and a
 * member of it: tests that write a lot (fuzzing) or store hostile text (XSS
 * payloads) do it there, so nothing they leave behind shows up in the demo
 * organisation other test files look at (every query is scoped by organisation).
 */
export async function createOrganisation(database: Database, label: string) {
  const [org] = await database.db
    .insert(organisations)
    .values({ name: `Scratch ${label} ${Date.now().toString(36)}`, settings: {} })
    .returning();
  const orgId = org!.id;
  const leader = (role: 'admin' | 'manager') =>
    createPerson(database, { label: `${label}-${role}`, role, orgId, jobRole: 'operations-manager', tier: 'manager' });
  const admin = await leader('admin');
  const manager = await leader('manager');
  const [team] = await database.db
    .insert(teams)
    .values({ orgId, name: `${label} team`, managerUserId: manager.id })
    .returning();
  const member = await createPerson(database, {
    label: `${label}-member`,
    orgId,
    teamId: team!.id,
    jobRole: 'operations-coordinator',
    tier: 'junior',
  });
  return { orgId, team: team!, admin, manager, member };
}

export async function teamId(database: Database, name: string): Promise<number> {
  const [team] = await database.db
    .select()
    .from(teams)
    .where(sql`name = ${name}`);
  return team!.id;
}

/**
 * A message in the outbox of the person's organisation, written as the app
 * writes them (enqueueMessage); the same key again is a no-op, so the page
 * sweeps can each ask for one.
 */
export async function queueOutboxMessage(database: Database, email: string, key = `test-fixture:${email}`) {
  const [person] = await database.db
    .select()
    .from(users)
    .where(sql`email = ${email}`);
  await enqueueMessage(database.db, {
    orgId: person!.orgId,
    kind: 'ramp-task-assigned',
    recipient: { id: person!.id, email: person!.email },
    subject: `A task for ${person!.displayName}`,
    content: {
      heading: `A task for ${person!.displayName}`,
      paragraphs: ['A message written by a test fixture, to give the outbox pages something to show.'],
      action: { label: 'Open your ramp plan', url: publicLink('/app/ramp/', baseUrl()) },
    },
    idempotencyKey: key,
  });
  const [row] = await database.db
    .select()
    .from(outboxMessages)
    .where(sql`idempotency_key = ${key}`);
  return row!;
}
