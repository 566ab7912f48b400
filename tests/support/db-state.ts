// "Nothing changed": every row of every table, read from the database itself
// instead of a hand-kept list of tables, so a table a later migration adds is
// covered the day it exists. Works on a test database (tests/integration/
// db-helpers.ts), on the shared server's database file (serverDatabase() in
// tests/support/app.ts), on a drizzle Db or transaction and on a raw
// libSQL client.
//   const res = await expectUnchanged(database, () => visitor.post(path, form));
//   const before = await tableSnapshot(database); …; await expectUnchanged(database, before);
import { expect } from 'vitest';
import { sql } from 'drizzle-orm';

type Row = Record<string, unknown>;
/** Each table's rows in rowid order, by table name. */
export type TableSnapshot = { readonly [table: string]: readonly Row[] };

/** What was changed in one table: rows only before, rows only after (an updated row is one of each). */
export type TableChange = {
  table: string;
  change: 'added table' | 'dropped table' | 'rows';
  rowsBefore: number;
  rowsAfter: number;
  /** Up to three rows that are gone or were changed, as they were. */
  removed: Row[];
  /** Up to three rows that are new or were changed, as they are. */
  added: Row[];
};

type Statement = string;
type Executes = { execute: (stmt: Statement) => Promise<{ columns: string[]; rows: ArrayLike<unknown>[] }> };
type Batches = Executes & { batch: (stmts: Statement[], mode: 'read') => Promise<{ columns: string[]; rows: ArrayLike<unknown>[] }[]> };
type DrizzleLike = { all: (query: ReturnType<typeof sql.raw>) => Promise<unknown[]> };
/** A libSQL client or transaction, a drizzle Db or transaction, or a { db, client } pair from openDatabase. */
export type SnapshotSource = Executes | DrizzleLike | { client: Executes } | { db: DrizzleLike };

/** Tables that are not the application's data: SQLite's own and drizzle's migration journal. */
const SKIPPED = /^(sqlite_|__drizzle_migrations$)/;

/** Every table with its columns, in one query (pragma_table_info as a table-valued function). */
const LIST_COLUMNS = `
  select m.name as tbl, m.sql as ddl, p.name as col, p.pk as pk
  from sqlite_master m join pragma_table_info(m.name) p
  where m.type = 'table'
  order by m.name, p.cid`;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

type Column = { name: string; pk: number };

/**
 * One table as one JSON text, built by SQLite (several times faster than a
 * driver object per row). Blobs, which JSON cannot hold, become x'…' text.
 */
function tableQuery(table: string, columns: Column[], withoutRowid: boolean): string {
  const value = (c: string) => `case when typeof(${c}) = 'blob' then 'x''' || hex(${c}) || '''' else ${c} end`;
  const fields = columns.map((c) => `${literal(c.name)}, ${value(quote(c.name))}`).join(', ');
  const keys = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  // A WITHOUT ROWID table has no rowid: its primary key orders it.
  const order = withoutRowid ? keys.map((c) => quote(c.name)).join(', ') : 'rowid';
  const rows = `select json_object(${fields}) as r from ${quote(table)}${order ? ` order by ${order}` : ''}`;
  return `select coalesce(json_group_array(json(r)), '[]') as rows from (${rows})`;
}

function runner(source: SnapshotSource): { one: (q: string) => Promise<Row[]>; many: (qs: string[]) => Promise<Row[][]> } {
  if ('client' in source && source.client) return runner(source.client);
  if ('execute' in source && typeof source.execute === 'function') {
    const exec = source as Executes;
    const rowsOf = (rs: { columns: string[]; rows: ArrayLike<unknown>[] }) =>
      rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i]])));
    const one = async (q: string) => rowsOf(await exec.execute(q));
    // One read transaction for every table: a consistent moment even while a server writes beside us.
    if ('batch' in source && typeof source.batch === 'function') {
      const batches = source as Batches;
      return { one, many: async (qs) => (qs.length === 0 ? [] : (await batches.batch(qs, 'read')).map(rowsOf)) };
    }
    return { one, many: (qs) => Promise.all(qs.map(one)) };
  }
  const drizzleLike = ('db' in source && source.db ? source.db : source) as DrizzleLike;
  // A drizzle Db carries its client: use it, for the single read transaction above.
  const raw = (drizzleLike as { $client?: unknown }).$client;
  if (raw && typeof (raw as Executes).execute === 'function') return runner(raw as Executes);
  // A drizzle transaction: its own connection, already one moment.
  const one = async (q: string) => (await drizzleLike.all(sql.raw(q))) as Row[];
  return { one, many: async (qs) => Promise.all(qs.map(one)) };
}

/** Every application table (not sqlite_*, not drizzle's migrations) with its rows in rowid order. */
export async function tableSnapshot(source: SnapshotSource): Promise<TableSnapshot> {
  const { one, many } = runner(source);
  const tables = new Map<string, { ddl: string; columns: Column[] }>();
  for (const row of await one(LIST_COLUMNS)) {
    const name = String(row.tbl);
    if (SKIPPED.test(name)) continue;
    if (!tables.has(name)) tables.set(name, { ddl: String(row.ddl ?? ''), columns: [] });
    tables.get(name)!.columns.push({ name: String(row.col), pk: Number(row.pk) });
  }
  const names = [...tables.keys()];
  const results = await many(
    names.map((name) => {
      const { ddl, columns } = tables.get(name)!;
      return tableQuery(name, columns, /\bwithout\s+rowid\b/i.test(ddl));
    }),
  );
  return Object.fromEntries(names.map((name, i) => [name, JSON.parse(String(results[i]![0]!.rows)) as Row[]]));
}

/** Rows of `a` not matched one for one in `b` (rows compared as JSON). */
function missingFrom(a: readonly Row[], b: readonly Row[]): Row[] {
  const left = new Map<string, number>();
  for (const row of b) {
    const key = JSON.stringify(row);
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  const out: Row[] = [];
  for (const row of a) {
    const key = JSON.stringify(row);
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    else out.push(row);
  }
  return out;
}

/** The tables whose rows differ between two snapshots (and tables that appeared or went), by name. */
export function changedTables(before: TableSnapshot, after: TableSnapshot, options: { ignore?: readonly string[] } = {}): TableChange[] {
  const ignore = new Set(options.ignore ?? []);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((n) => !ignore.has(n)).sort();
  const changes: TableChange[] = [];
  for (const table of names) {
    const was = before[table];
    const is = after[table];
    if (!was || !is) {
      const rows = (was ?? is)!;
      changes.push({
        table,
        change: was ? 'dropped table' : 'added table',
        rowsBefore: was?.length ?? 0,
        rowsAfter: is?.length ?? 0,
        removed: was ? rows.slice(0, 3) : [],
        added: is ? rows.slice(0, 3) : [],
      });
      continue;
    }
    const removed = missingFrom(was, is);
    const added = missingFrom(is, was);
    if (removed.length === 0 && added.length === 0) {
      // Same rows, different order: a row was deleted and put back with another rowid.
      if (JSON.stringify(was) !== JSON.stringify(is)) {
        changes.push({ table, change: 'rows', rowsBefore: was.length, rowsAfter: is.length, removed: [], added: [] });
      }
      continue;
    }
    changes.push({
      table,
      change: 'rows',
      rowsBefore: was.length,
      rowsAfter: is.length,
      removed: removed.slice(0, 3),
      added: added.slice(0, 3),
    });
  }
  return changes;
}

/** "users (14 -> 14 rows), audit_log (200 -> 201 rows)": the tables a change touched. */
export const describeChanges = (changes: readonly TableChange[]) =>
  changes.map((c) => (c.change === 'rows' ? `${c.table} (${c.rowsBefore} -> ${c.rowsAfter} rows)` : `${c.table} (${c.change})`)).join(', ');

const shortJson = (row: Row) => {
  const text = JSON.stringify(row);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** The changed rows, one a line: "- " as they were, "+ " as they are. */
const changedRows = (changes: readonly TableChange[]) =>
  changes.flatMap((c) => [
    ...c.removed.map((r) => `  ${c.table} - ${shortJson(r)}`),
    ...c.added.map((r) => `  ${c.table} + ${shortJson(r)}`),
  ]);

type Options = { ignore?: readonly string[]; message?: string };

/**
 * Asserts that no table changed: since `before` (a snapshot), or across
 * `action` (whose result is returned). The failure names every changed table
 * and shows up to three of its changed rows.
 */
export async function expectUnchanged(source: SnapshotSource, before: TableSnapshot, options?: Options): Promise<void>;
export async function expectUnchanged<T>(source: SnapshotSource, action: () => Promise<T>, options?: Options): Promise<T>;
export async function expectUnchanged<T>(
  source: SnapshotSource,
  beforeOrAction: TableSnapshot | (() => Promise<T>),
  options: Options = {},
): Promise<T | void> {
  let before: TableSnapshot;
  let result: T | undefined;
  if (typeof beforeOrAction === 'function') {
    before = await tableSnapshot(source);
    result = await beforeOrAction();
  } else {
    before = beforeOrAction;
  }
  const changes = changedTables(before, await tableSnapshot(source), options);
  const label = [`${options.message ? `${options.message}: ` : ''}changed ${describeChanges(changes)}`, ...changedRows(changes)].join('\n');
  expect(changes, label).toEqual([]);
  return result;
}
