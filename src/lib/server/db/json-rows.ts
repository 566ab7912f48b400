// Multi-row INSERTs whose rows travel as one JSON text bound to one parameter
// (`insert … select … from json_each(?)`), for the people import's large
// writes. The libsql binding (libsql 0.5.29 under @libsql/client 0.18) keeps
// memory for every bound value it is given, about 95 bytes each plus the
// text's size, and does not give it back while the process lives (measured
// on 2026-12-07: 1,000,000 bound integers grew RSS by 96 MB, and a GC did not
// return it; upstream: tursodatabase/libsql-client-ts#333, libsql-js#153).
// An import of 50,000 people binds about 2,000,000 values as ordinary
// multi-row INSERTs; as JSON it binds one per slice of 1,000 rows. `inJson`
// does the same for a long `column in (…)` list.
// Values are converted by each column's own drizzle mapping, and columns the
// rows leave out get their drizzle default function or the SQL default, as
// `db.insert(table).values(rows)` would do.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Executor } from '#server/db/client.ts';

type Options = {
  /** Database column names to answer for each inserted row (RETURNING). */
  returning?: readonly string[];
  /** Skip rows that break a unique constraint (ON CONFLICT DO NOTHING). */
  ignoreConflicts?: boolean;
};

/** The INSERT statement for `rows` (all of the same shape); exported for its unit test. */
export function insertFromJson<T extends SQLiteTable>(table: T, rows: readonly T['$inferInsert'][], options: Options = {}): SQL {
  const first = (rows[0] ?? {}) as Record<string, unknown>;
  const columns = Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>).filter(
    ([key, column]) => first[key] !== undefined || column.defaultFn !== undefined || column.onUpdateFn !== undefined,
  );
  const values = rows.map((row) =>
    columns.map(([key, column]) => {
      let value = (row as Record<string, unknown>)[key];
      if (value === undefined) value = column.defaultFn?.() ?? column.onUpdateFn?.();
      if (value === undefined || value === null) return null;
      const driver = column.mapToDriverValue(value);
      return typeof driver === 'bigint' ? Number(driver) : driver;
    }),
  );
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const picks = sql.raw(columns.map((_, i) => `value ->> ${i}`).join(', '));
  // "where true": SQLite needs it to read ON CONFLICT after INSERT … SELECT as an upsert clause.
  const conflict = options.ignoreConflicts ? sql` where true on conflict do nothing` : sql``;
  const returning = options.returning?.length
    ? sql` returning ${sql.join(
        options.returning.map((name) => sql.identifier(name)),
        sql`, `,
      )}`
    : sql``;
  return sql`insert into ${table} (${names}) select ${picks} from json_each(${JSON.stringify(values)})${conflict}${returning}`;
}

/** Inserts the rows and answers the RETURNING columns (by database column name). */
export async function insertRowsFromJson<T extends SQLiteTable, R = Record<string, unknown>>(
  tx: Executor,
  table: T,
  rows: readonly T['$inferInsert'][],
  options: Options = {},
): Promise<R[]> {
  if (rows.length === 0) return [];
  const statement = insertFromJson(table, rows, options);
  if (options.returning?.length) return tx.all<R>(statement);
  await tx.run(statement);
  return [];
}

/** `column in (…values)` with the list bound as one JSON parameter instead of one parameter per value. */
export function inJson(column: SQLiteColumn, values: readonly (number | string)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
