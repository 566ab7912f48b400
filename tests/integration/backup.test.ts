// db:backup's VACUUM INTO copy, restored the way the README says (stop, copy
// over the database file, start): it passes integrity_check, holds the same
// rows, and people can sign in to it.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '#server/db/client.ts';
import { backupDatabase, checkIntegrity } from '#server/backup.ts';
import { demoDatabaseForFile, signInFresh } from '../support/db.ts';

const t = demoDatabaseForFile('backup');

async function tableCounts(url: string) {
  const database = openDatabase({ url });
  try {
    const tables = await database.db.all<{ name: string }>(
      sql`select name from sqlite_schema where type = 'table' and name not like 'sqlite_%' order by name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await database.db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`));
      counts[name] = Number(row!.n);
    }
    return counts;
  } finally {
    database.close();
  }
}

describe('backupDatabase', () => {
  it('writes a timestamped, consistent copy while the database is in use, and the copy restores', async () => {
    // A write in flight while the backup runs must not make the copy inconsistent.
    const writing = t.client.execute({
      sql: `insert into organisations (name, settings, created_at) values ('Busy Org', '{}', ?)`,
      args: [Date.now()],
    });
    const result = await backupDatabase(t.client, t.url, { dir: join(t.dir, 'backups'), now: new Date('2026-11-22T03:04:12Z') });
    await writing;
    expect(result.path).toBe(join(t.dir, 'backups', 'opspath-20261122T030412Z.db'));
    expect(result.integrity).toBe('ok');
    expect(result.bytes).toBeGreaterThan(0);

    // Restore: copy the backup into place as the database file (server stopped).
    const restoredPath = join(t.dir, 'restored.db');
    copyFileSync(result.path, restoredPath);
    const restoredUrl = `file:${restoredPath}`;
    expect(await checkIntegrity(restoredUrl)).toBe('ok');

    const original = await tableCounts(t.url);
    const restored = await tableCounts(restoredUrl);
    // Same tables, same rows (the in-flight org is in both or neither, never half).
    expect(Object.keys(restored)).toEqual(Object.keys(original));
    expect(restored.users).toBe(original.users);
    expect(restored.teams).toBe(original.teams);
    expect(restored.audit_log).toBe(original.audit_log);
    expect(restored.__drizzle_migrations).toBe(original.__drizzle_migrations);
    const orgs = original.organisations!;
    expect([orgs, orgs - 1]).toContain(restored.organisations);

    const database = openDatabase({ url: restoredUrl });
    try {
      const login = await signInFresh(database.db, 'manager@demo.opspath.test', 'opspath-demo');
      expect(login.ok).toBe(true);
      // The triggers came along too: the restored audit log is still append-only.
      await expect(database.client.execute('delete from audit_log')).rejects.toThrow(/append-only/);
    } finally {
      database.close();
    }
  });

  it('never overwrites an existing backup', async () => {
    const dir = join(t.dir, 'again');
    const now = new Date('2026-11-22T05:00:00Z');
    await backupDatabase(t.client, t.url, { dir, now });
    await expect(backupDatabase(t.client, t.url, { dir, now })).rejects.toThrow(/already exists/);
    expect(readdirSync(dir)).toEqual(['opspath-20261122T050000Z.db']);
  });

  it('explains that remote databases use their own backups', async () => {
    await expect(backupDatabase(t.client, 'libsql://db.example.turso.io')).rejects.toThrow(/Turso/);
    expect(existsSync(join('data', 'backups', 'libsql'))).toBe(false);
  });
});
