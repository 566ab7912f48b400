// Online backups with VACUUM INTO: SQLite writes a consistent, compacted copy
// of the live database (one read transaction) while the app keeps serving.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import type { Client } from '@libsql/client';
import { localPath } from './db/client.ts';

/** 2026-11-22T03:04:12.345Z -> 20261122T030412Z (sortable, no characters file systems dislike). */
export function backupTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export type BackupResult = { path: string; bytes: number; integrity: string };

export async function backupDatabase(
  client: Client,
  databaseUrl: string,
  options: { dir?: string; now?: Date } = {},
): Promise<BackupResult> {
  if (!localPath(databaseUrl)) {
    throw new Error(
      'db:backup copies a local file: database. For a libSQL server or Turso, use their own backup (sqld snapshots, Turso point-in-time restore).',
    );
  }
  const dir = resolve(options.dir ?? join('data', 'backups'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `opspath-${backupTimestamp(options.now ?? new Date())}.db`);
  if (existsSync(path)) throw new Error(`${path} already exists; not overwriting a backup.`);
  // The target is a bound parameter (VACUUM INTO accepts any expression), so no quoting issues.
  await client.execute({ sql: 'VACUUM INTO ?', args: [path] });
  const integrity = await checkIntegrity(`file:${path}`);
  if (integrity !== 'ok') throw new Error(`The backup at ${path} failed integrity_check: ${integrity}`);
  return { path, bytes: statSync(path).size, integrity };
}

/** PRAGMA integrity_check of a database file: 'ok' or the problems found. */
export async function checkIntegrity(url: string): Promise<string> {
  const copy = createClient({ url });
  try {
    const result = await copy.execute('PRAGMA integrity_check');
    return result.rows.map((r) => String(r[0])).join('; ');
  } finally {
    copy.close();
  }
}
