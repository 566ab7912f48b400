// Opens the database. One client per process: @libsql/client pools its own
// connections, so pages share getDb() instead of opening their own.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client } from '@libsql/client';
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

/**
 * A client that replaces itself after a SQLITE_BUSY failure. The libsql binding
 * (0.5.29, with @libsql/client 0.18) leaves a statement that failed busy in
 * progress on its pooled connection: afterwards that connection's commits fail,
 * and an autocommit write on it is acknowledged but never committed (measured
 * here; upstream: tursodatabase/libsql-client-ts#352, libsql-js#237). Busy
 * failures are rare (they come after the busy timeout), so starting afresh is
 * cheap; the old client is closed once the transactions it carries are done.
 */
export function replacingAfterBusy(open: () => Client): Client {
  let current = open();
  const replace = (failed: Client) => {
    if (failed !== current) return;
    current = open();
    setTimeout(() => failed.close(), RETIRE_AFTER_MS).unref();
  };
  const watched = new Set<PropertyKey>(['execute', 'batch', 'transaction', 'executeMultiple', 'migrate']);
  return new Proxy(current, {
    get(_target, property) {
      const client = current;
      const value = Reflect.get(client, property, client);
      if (typeof value !== 'function') return value;
      if (property === 'close') return () => client.close();
      const bound = value.bind(client);
      if (!watched.has(property)) return bound;
      return async (...args: unknown[]) => {
        try {
          return await bound(...args);
        } catch (error) {
          if (isBusy(error)) replace(client);
          throw error;
        }
      };
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
