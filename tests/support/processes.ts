// Helpers for the process-level tests (concurrency, crashes, backup drill):
// each test file prepares its own database file and runs its own server
// processes on it, never the shared server's database.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request, type Agent } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createClient } from '@libsql/client';
import { openDatabase, type Database } from '#server/db/client.ts';
import { checkIntegrity } from '#server/backup.ts';
import { freePort, waitForServer } from './global-setup.ts';

export const root = join(import.meta.dirname, '..', '..');

/** Words that mean a write hit a locked database, in a body or a log. */
export const LOCK_ERRORS = /SQLITE_BUSY|SQLITE_LOCKED|database is locked|database table is locked/i;

export function tempDir(label: string) {
  const dir = mkdtempSync(join(tmpdir(), `opspath-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A process-level test file's own database, in a folder of its own: `prepare`
 * migrates it and loads the demo organisation; `dispose` (for afterAll) kills
 * every server still running, then closes what the test holds open (`close`),
 * then removes the folder.
 */
export function scratchDatabase(label: string) {
  const tmp = tempDir(label);
  const path = join(tmp.dir, `${label}.db`);
  const url = `file:${path}`;
  return {
    path,
    url,
    prepare: () => prepareDatabase(url),
    async dispose(close?: () => void) {
      await killAllServers();
      close?.();
      tmp.remove();
    },
  };
}

export function serverEnv(databaseUrl: string, extra: Record<string, string> = {}) {
  // Tests decide when jobs and delivery run (JOBS: 'on' in `extra` for those about the scheduler).
  return { ...process.env, HOST: '127.0.0.1', DATABASE_URL: databaseUrl, NODE_ENV: 'test', JOBS: 'off', ...extra } as NodeJS.ProcessEnv;
}

/**
 * A form POST with the path sent exactly as written (fetch and URL would
 * normalise dots, slashes and encodings); resolves to the status code.
 * The browser tests use it too, for spellings of a path.
 */
export function postFormRaw(
  target: { host: string; port: number | string; path: string; agent?: Agent | false },
  body: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...target,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `node src/cli/db-prepare.ts` as the start command runs it: migrate, sync the catalog, seed the demo. */
export function prepareDatabase(databaseUrl: string) {
  const r = spawnSync(process.execPath, ['src/cli/db-prepare.ts'], {
    cwd: root,
    env: serverEnv(databaseUrl),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`db-prepare failed (${r.status}): ${r.stdout}${r.stderr}`);
}

export type Server = {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything the process wrote to stdout and stderr so far. */
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait for the exit (graceful shutdown). */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL and wait for the exit: no shutdown hooks, no flushing, like a power cut for the process. */
  kill9: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const running = new Set<Server>();

/** `node src/http/server.mjs` on a free port of 127.0.0.1, waiting until /healthz answers. */
export async function startServer(databaseUrl: string, options: { script?: string; env?: Record<string, string> } = {}): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [options.script ?? 'src/http/server.mjs'], {
    cwd: root,
    env: serverEnv(databaseUrl, { PORT: String(port), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  const server: Server = {
    child,
    port,
    base,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  try {
    await waitForServer(`${base}/healthz`, child);
  } catch (error) {
    await server.kill9();
    throw new Error(`${(error as Error).message}\n${out}${err}`, { cause: error });
  }
  return server;
}

/** Kills every server this test file started and has not stopped yet (afterAll, even after a failure). */
export async function killAllServers() {
  await Promise.all([...running].map((s) => s.kill9()));
}

/** PRAGMA integrity_check of a database file: 'ok' or the problems. */
export function integrity(databaseUrl: string) {
  return checkIntegrity(databaseUrl);
}

/** A short-lived connection for checks, closed by the caller. */
export function open(databaseUrl: string): Database {
  return openDatabase({ url: databaseUrl });
}

export async function withDatabase<T>(databaseUrl: string, work: (database: Database) => Promise<T>): Promise<T> {
  const database = openDatabase({ url: databaseUrl });
  try {
    return await work(database);
  } finally {
    database.close();
  }
}

export async function count(database: Database, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await database.db.all<{ n: number }>(query);
  return Number(row?.n ?? 0);
}

export async function userId(database: Database, email: string): Promise<number> {
  const [row] = await database.db.all<{ id: number }>(sql`select id from users where email = ${email}`);
  if (!row) throw new Error(`no user ${email}`);
  return Number(row.id);
}

/** Every table's row count (migrations bookkeeping included). */
export async function tableCounts(database: Database): Promise<Record<string, number>> {
  const tables = await database.db.all<{ name: string }>(
    sql`select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' order by name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = await count(database, sql.raw(`select count(*) as n from "${name}"`));
  return counts;
}

/** The session cookie of a signed-in visitor, from the /login form (throttled: once per persona per test file). */
export async function signInCookie(base: string, email: string, password = 'opspath-demo'): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ email, password }),
  });
  const cookie = res.headers.getSetCookie().find((c) => /^(?:__Host-)?opspath_session=[^;]+/.test(c));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  return cookie.split(';')[0]!;
}

/**
 * A signed-in client of one server: the session lives in the database, so one
 * cookie works on every server process sharing it. Origin is the server's own,
 * as a browser on the site sends it.
 */
export class Client {
  readonly base: string;
  readonly cookie: string;

  constructor(base: string, cookie: string) {
    this.base = base;
    this.cookie = cookie;
  }

  request(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal } = {}) {
    return fetch(this.base + path, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { cookie: this.cookie, origin: this.base, ...init.headers },
      body: init.body,
      signal: init.signal,
    });
  }

  postForm(path: string, form: Record<string, string>, signal?: AbortSignal) {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
      signal,
    });
  }

  postJson(path: string, body: unknown, signal?: AbortSignal) {
    return this.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
  }

  postFile(path: string, field: string, fileName: string, text: string, signal?: AbortSignal) {
    const form = new FormData();
    form.set(field, new Blob([text], { type: 'text/csv' }), fileName);
    return this.request(path, { method: 'POST', body: form, signal });
  }
}

/**
 * Pages at the end of a database's -wal file written after its last commit
 * frame: a transaction that was still open when the process died. Follows
 * SQLite's WAL format: a 32-byte header (magic, page size, salts, checksum),
 * then frames of a 24-byte header (page number; the database size on a commit
 * frame, else 0; the salts; a running checksum) and one page. A frame counts
 * only while its salts and checksum chain are valid, as SQLite's recovery
 * reads it: stale frames left past a rolled-back transaction do not.
 */
export function uncommittedWalFrames(databasePath: string): number {
  let wal: Buffer;
  try {
    wal = readFileSync(`${databasePath}-wal`);
  } catch {
    return 0;
  }
  if (wal.length < 32) return 0;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return 0;
  const word = magic === 0x377f0683 ? (o: number) => wal.readUInt32BE(o) : (o: number) => wal.readUInt32LE(o);
  let s0 = 0;
  let s1 = 0;
  const sum = (from: number, to: number) => {
    for (let o = from; o < to; o += 8) {
      s0 = (s0 + word(o) + s1) >>> 0;
      s1 = (s1 + word(o + 4) + s0) >>> 0;
    }
  };
  sum(0, 24);
  if (s0 !== wal.readUInt32BE(24) || s1 !== wal.readUInt32BE(28)) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let sinceCommit = 0;
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    if (wal.readUInt32BE(offset + 8) !== salt1 || wal.readUInt32BE(offset + 12) !== salt2) break;
    sum(offset, offset + 8);
    sum(offset + 24, offset + 24 + pageSize);
    if (s0 !== wal.readUInt32BE(offset + 16) || s1 !== wal.readUInt32BE(offset + 20)) break;
    sinceCommit = wal.readUInt32BE(offset + 4) !== 0 ? 0 : sinceCommit + 1;
  }
  return sinceCommit;
}

/**
 * Asks SQLite whether some connection holds the write lock right now (a
 * transaction between BEGIN IMMEDIATE and COMMIT), by trying to take it with
 * no busy timeout and letting go at once.
 */
export function writeLockProbe(databaseUrl: string) {
  const client = createClient({ url: databaseUrl });
  return {
    async held(): Promise<boolean> {
      try {
        const tx = await client.transaction('write');
        await tx.rollback();
        return false;
      } catch (error) {
        if (/SQLITE_BUSY|database is locked/i.test(`${(error as { code?: string }).code} ${(error as Error).message}`)) return true;
        throw error;
      }
    },
    close: () => client.close(),
  };
}
