// Helpers for tests against the running server (tests/support/global-setup.ts):
// an HTTP visitor that keeps its session cookie, and direct access to the
// server's database for fixtures and "nothing changed" checks.
import { inject } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '#server/db/client.ts';
import { organisations, teamMemberships, teams, users } from '#server/db/schema.ts';
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
  const admin = await createPerson(database, {
    label: `${label}-admin`,
    role: 'admin',
    orgId,
    jobRole: 'operations-manager',
    tier: 'manager',
  });
  const manager = await createPerson(database, {
    label: `${label}-manager`,
    role: 'manager',
    orgId,
    jobRole: 'operations-manager',
    tier: 'manager',
  });
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
