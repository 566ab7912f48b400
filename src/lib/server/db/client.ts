// Opens the database. One client per process: @libsql/client pools its own
// connections, so pages share getDb() instead of opening their own.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client, type Transaction } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { env } from '../env.ts';
import * as schema from './schema.ts';

export type Db = LibSQLDatabase<typeof schema>;
/** A transaction handle; inside db.transaction() use only this (the outer db deadlocks into SQLITE_BUSY). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export type Database = { db: Db; client: Client; close: () => void };

/** The path of a file: URL, or null for remote URLs. Handles file:rel, file:/abs and file:///abs. */
export function localPath(url: string): string | null {
  if (!url.startsWith('file:')) return null;
  const rest = url.slice('file:'.length).split('?')[0] ?? '';
  if (rest.startsWith('//')) return decodeURIComponent(new URL(url).pathname);
  return resolve(decodeURIComponent(rest));
}

const isBusy = (error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
};

/** How long a replaced client stays open for the transactions it still carries. */
const RETIRE_AFTER_MS = 30_000;
/** As long as SQLite's own busy timeout: a write waiting longer for this process's lock fails the same way. */
const LOCK_WAIT_MS = 5000;

/** Statements that only read: they never wait for the write lock (WAL readers do not block). */
const READ_ONLY = /^\s*(?:select|pragma|explain)\b/i;
const sqlOf = (stmt: unknown) => (typeof stmt === 'string' ? stmt : String((stmt as { sql?: unknown } | null)?.sql ?? ''));

/**
 * One writer at a time in this process, waited for asynchronously. Two
 * connections of one process that both want SQLite's write lock deadlock: the
 * second one's busy wait is synchronous, so it blocks the very thread that
 * must finish the first one's transaction, for the whole 5 s busy timeout,
 * and then fails. Other processes are still covered by that busy timeout.
 */
class WriteLock {
  #held = false;
  readonly #waiting: Array<{ grant: () => void }> = [];

  async acquire(): Promise<() => void> {
    if (this.#held) {
      await new Promise<void>((resolve, reject) => {
        const entry = { grant: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(entry), 1);
          reject(
            Object.assign(new Error(`SQLITE_BUSY: waited ${LOCK_WAIT_MS} ms for this process's other write`), { code: 'SQLITE_BUSY' }),
          );
        }, LOCK_WAIT_MS);
        this.#waiting.push(entry);
      });
    }
    this.#held = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#held = false;
    };
  }
}

/**
 * A client that takes the process's write lock around every write, and
 * replaces itself after a SQLITE_BUSY failure. The libsql binding (0.5.29,
 * with @libsql/client 0.18) leaves a statement that failed busy in progress on
 * its pooled connection: afterwards that connection's commits fail, and an
 * autocommit write on it is acknowledged but never committed (measured here;
 * upstream: tursodatabase/libsql-client-ts#352, libsql-js#237). Busy failures
 * are rare (they come after the busy timeout), so starting afresh is cheap; the
 * old client is closed once the transactions it carries are done.
 */
export function replacingAfterBusy(open: () => Client): Client {
  let current = open();
  const lock = new WriteLock();
  const replace = (failed: Client) => {
    if (failed !== current) return;
    current = open();
    setTimeout(() => failed.close(), RETIRE_AFTER_MS).unref();
  };
  const watching =
    (client: Client) =>
    async <T>(run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        if (isBusy(error)) replace(client);
        throw error;
      }
    };
  const locked = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return new Proxy(current, {
    get(_target, property) {
      const client = current;
      const value = Reflect.get(client, property, client);
      if (typeof value !== 'function') return value;
      const bound = value.bind(client) as (...args: unknown[]) => Promise<unknown>;
      const watch = watching(client);
      switch (property) {
        case 'close':
          return () => client.close();
        case 'execute':
          return (...args: unknown[]) =>
            READ_ONLY.test(sqlOf(args[0])) ? watch(() => bound(...args)) : locked(() => watch(() => bound(...args)));
        case 'batch': {
          return (...args: unknown[]) => {
            const statements = (args[0] as unknown[]) ?? [];
            const readOnly = args[1] === 'read' || statements.every((st) => READ_ONLY.test(sqlOf(st)));
            return readOnly ? watch(() => bound(...args)) : locked(() => watch(() => bound(...args)));
          };
        }
        case 'executeMultiple':
        case 'migrate':
          return (...args: unknown[]) => locked(() => watch(() => bound(...args)));
        case 'transaction':
          return async (mode: unknown = 'write') => {
            if (mode === 'read') return watch(() => bound(mode));
            // The lock is held for the transaction's life: released on commit, rollback or close.
            const release = await lock.acquire();
            let tx: Transaction;
            try {
              tx = (await watch(() => bound(mode))) as Transaction;
            } catch (error) {
              release();
              throw error;
            }
            return new Proxy(tx, {
              get(target, prop) {
                const v = Reflect.get(target, prop, target);
                if (typeof v !== 'function') return v;
                const b = v.bind(target);
                if (prop === 'commit' || prop === 'rollback')
                  return async (...a: unknown[]) => {
                    try {
                      return await watch(() => b(...a));
                    } finally {
                      release();
                    }
                  };
                if (prop === 'close')
                  return (...a: unknown[]) => {
                    try {
                      return b(...a);
                    } finally {
                      release();
                    }
                  };
                return b;
              },
            });
          };
        default:
          return bound;
      }
    },
  });
}

export function openDatabase(options: { url: string; authToken?: string; busyTimeoutMs?: number }): Database {
  const path = localPath(options.url);
  // SQLite creates the file but not its folder (data/ on a fresh checkout).
  if (path) mkdirSync(dirname(path), { recursive: true });
  const client = replacingAfterBusy(() =>
    createClient({
      url: options.url,
      authToken: options.authToken,
      // Busy timeout: without it, concurrent writers fail at once with SQLITE_BUSY.
      timeout: options.busyTimeoutMs ?? 5000,
    }),
  );
  const db = drizzle(client, { schema });
  return { db, client, close: () => client.close() };
}

type ShutdownRegistry = Array<() => unknown>;
const SHUTDOWN = Symbol.for('opspath.onShutdown');

let shared: Database | undefined;

/** The process's database, opened on first use from DATABASE_URL. */
/** Whether the database answers (the health check). */
export const pingDatabase = (db: Db) => db.run(sql`select 1`);

export function getDb(): Db {
  if (!shared) {
    const config = env();
    const opened = openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
    shared = opened;
    // The production server calls these on SIGTERM after in-flight requests finish.
    const registry = ((globalThis as Record<symbol, unknown>)[SHUTDOWN] ??= []) as ShutdownRegistry;
    registry.push(() => {
      if (shared === opened) shared = undefined;
      opened.close();
    });
  }
  return shared.db;
}
