// tests/support/db-state.ts: a snapshot holds every application table, and a
// change in any one of them (a new row, an edited row, a deleted row, a row
// in a table a later migration adds) fails expectUnchanged, naming the table.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { openDatabase } from '#server/db/client.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from '#server/db/migrate.ts';
import { changedTables, expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
/** A plain connection for the raw changes below: no foreign keys, no CHECK constraints. */
let raw: Client;

beforeAll(async () => {
  database = await createTestDatabase('db-state');
  await seedDemo(database.db);
  raw = createClient({ url: database.url });
  await raw.execute('PRAGMA foreign_keys = OFF');
  await raw.execute('PRAGMA ignore_check_constraints = ON');
});
afterAll(() => {
  raw?.close();
  database?.cleanup();
});

const tableNames = async () =>
  (await database.db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' order by name`)).map((t) => t.name);

/** The assertion's failure, or null when it passed. */
async function failureOf(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** One row of random values for every column (unique indexes cannot collide), whatever the table. */
async function insertRandomRow(client: Client, table: string) {
  const columns = (await client.execute(`pragma table_info("${table}")`)).rows;
  const values = columns.map((c) => {
    const type = String(c.type).toLowerCase();
    const n = Math.floor(Math.random() * 1e12) + 1e12;
    if (type.includes('int')) return n;
    if (type.includes('real') || type.includes('floa') || type.includes('doub')) return n / 7;
    if (type.includes('blob')) return new Uint8Array([1, 2, 3, n % 256]);
    return `probe-${n}`;
  });
  // Triggers would write to other tables too (derived rows, data versions) or refuse (append-only tables).
  for (const { name } of (await client.execute(`select name from sqlite_master where type = 'trigger' and tbl_name = '${table}'`)).rows) {
    await client.execute(`drop trigger "${String(name)}"`);
  }
  await client.execute({
    sql: `insert into "${table}" (${columns.map((c) => `"${String(c.name)}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    args: values,
  });
}

describe('tableSnapshot', () => {
  it('holds every table of the schema but SQLite’s own and drizzle’s migration journal, rows in rowid order', async () => {
    const snapshot = await tableSnapshot(database);
    const all = await tableNames();
    expect(all).toContain('__drizzle_migrations');
    expect(Object.keys(snapshot).sort()).toEqual(all.filter((n) => !n.startsWith('sqlite_') && n !== '__drizzle_migrations'));
    expect(Object.keys(snapshot)).toEqual(expect.arrayContaining(['users', 'audit_log', 'ramp_tasks', 'calendar_feed_tokens']));
    const ids = snapshot.users!.map((u) => Number(u.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.length).toBeGreaterThan(10);
  });

  it('reads the same from a { db, client } pair, a drizzle Db, a drizzle transaction and a raw client', async () => {
    const expected = await tableSnapshot(database);
    expect(await tableSnapshot(database.db)).toEqual(expected);
    expect(await tableSnapshot(database.client)).toEqual(expected);
    expect(await tableSnapshot(raw)).toEqual(expected);
    await database.db.transaction(async (tx) => expect(await tableSnapshot(tx)).toEqual(expected));
  });

  it('orders a WITHOUT ROWID table by its primary key', async () => {
    const scratch = await createTestDatabase('db-state-without-rowid');
    try {
      await scratch.client.execute('create table keyed (k text primary key, v integer) without rowid');
      await scratch.client.execute("insert into keyed values ('b', 2), ('a', 1)");
      expect((await tableSnapshot(scratch)).keyed).toEqual([
        { k: 'a', v: 1 },
        { k: 'b', v: 2 },
      ]);
    } finally {
      scratch.cleanup();
    }
  });
});

describe('expectUnchanged', () => {
  it('passes when nothing changed and returns what the action returned', async () => {
    const before = await tableSnapshot(database);
    await expectUnchanged(database, before);
    expect(await expectUnchanged(database, async () => (await database.db.all(sql`select count(*) from users`)).length)).toBe(1);
  });

  it('catches a new row in every single table, and names only that table', async () => {
    const tables = Object.keys(await tableSnapshot(database));
    expect(tables.length).toBeGreaterThan(15);
    for (const table of tables) {
      const before = await tableSnapshot(database);
      await insertRandomRow(raw, table);
      const changes = changedTables(before, await tableSnapshot(database));
      expect(
        changes.map((c) => c.table),
        table,
      ).toEqual([table]);
      expect(changes[0]).toMatchObject({ change: 'rows', rowsAfter: before[table]!.length + 1, removed: [] });
      expect(await failureOf(() => expectUnchanged(database, before)), table).toContain(`changed ${table} (`);
    }
  });

  it('catches an edited row (same count) and a deleted one, showing the rows', async () => {
    const before = await tableSnapshot(database);
    const person = before.users!.find((u) => u.email === 'tom.becker@demo.opspath.test')!;
    await raw.execute({ sql: "update users set display_name = 'Tom Changed' where id = ?", args: [Number(person.id)] });
    const edited = changedTables(before, await tableSnapshot(database));
    expect(edited).toEqual([
      expect.objectContaining({
        table: 'users',
        rowsBefore: before.users!.length,
        rowsAfter: before.users!.length,
        removed: [expect.objectContaining({ display_name: 'Tom Becker' })],
        added: [expect.objectContaining({ display_name: 'Tom Changed' })],
      }),
    ]);
    const failure = await failureOf(() => expectUnchanged(database, before, { message: 'after an edit' }));
    expect(failure).toMatch(/^after an edit: changed users \(\d+ -> \d+ rows\)/);
    expect(failure).toContain('Tom Changed');

    const second = await tableSnapshot(database);
    await raw.execute('delete from teams where id = (select max(id) from teams)');
    expect(changedTables(second, await tableSnapshot(database))).toEqual([
      expect.objectContaining({ table: 'teams', rowsAfter: second.teams!.length - 1, added: [] }),
    ]);
  });

  it('names several changed tables, and leaves out the ones told to ignore', async () => {
    const before = await tableSnapshot(database);
    await insertRandomRow(raw, 'sessions');
    await insertRandomRow(raw, 'skills');
    expect(changedTables(before, await tableSnapshot(database)).map((c) => c.table)).toEqual(['sessions', 'skills']);
    expect(changedTables(before, await tableSnapshot(database), { ignore: ['sessions'] }).map((c) => c.table)).toEqual(['skills']);
    const failure = await failureOf(() => expectUnchanged(database, before));
    expect(failure).toMatch(/changed sessions \(.*\), skills \(/);
  });

  it('catches an action that changes something', async () => {
    const failure = await failureOf(() => expectUnchanged(database, () => raw.execute("update skills set name = name || '!'")));
    expect(failure).toMatch(/changed skills \(/);
  });
});

describe('a table added by a later migration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opspath-db-state-migration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is in the snapshot as soon as it exists, and a change in it is caught', async () => {
    // The committed migrations and one more, as the next feature would add it.
    const folder = join(dir, 'drizzle');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; tag: string; when: number }[] };
    const last = journal.entries.at(-1)!;
    const tag = `${String(last.idx + 1).padStart(4, '0')}_future_feature`;
    journal.entries.push({ ...last, idx: last.idx + 1, tag, when: last.when + 1 });
    writeFileSync(journalPath, JSON.stringify(journal));
    writeFileSync(join(folder, `${tag}.sql`), 'CREATE TABLE `future_feature_notes` (`id` integer PRIMARY KEY, `text` text NOT NULL);\n');

    const url = `file:${join(dir, 'future.db')}`;
    const future = openDatabase({ url });
    try {
      await migrateDatabase(future, url, folder);
      const before = await tableSnapshot(future);
      expect(before.future_feature_notes).toEqual([]);
      await future.client.execute("insert into future_feature_notes (text) values ('written by a route that should not')");
      expect(await failureOf(() => expectUnchanged(future, before))).toContain('changed future_feature_notes (0 -> 1 rows)');

      // A table created after the snapshot was taken counts too.
      const again = await tableSnapshot(future);
      await future.client.execute('create table created_later (id integer primary key)');
      expect(changedTables(again, await tableSnapshot(future))).toEqual([
        expect.objectContaining({ table: 'created_later', change: 'added table' }),
      ]);
    } finally {
      future.close();
    }
  });
});
