// People search at 50,000 people (decision 027): the indexed prefix search the
// people list uses, side by side with SQLite's FTS5 on the same names, in this
// process, against the scale section's generated organisation.
//   BENCH_SCALE_DB=/tmp/scale.db [BENCH_FTS=1] npx node tests/bench/people-search.mjs   (the database must exist)
// runScale calls peopleSearchTimes with its own database.
import { sql } from 'drizzle-orm';
import { openDatabase } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { parsePeopleQuery } from '#domain/people-search.ts';
import { searchPeople } from '#server/people/search.ts';
import { timeIt } from './lib.mjs';

/** Prefixes from one letter (thousands of matches) to a whole first name and a surname start. */
export const PREFIXES = ['a', 'ma', 'mar', 'maria', 'ion p', 'zz'];
const WITH_FTS = process.env.BENCH_FTS === '1';

async function ftsTable(db, orgId) {
  // A contentless copy of the names, kept here only for the comparison.
  await db.run(
    sql`create virtual table if not exists bench_people_fts using fts5(name, email, tokenize = 'unicode61 remove_diacritics 2')`,
  );
  const [{ n }] = await db.all(sql`select count(*) as n from bench_people_fts`);
  if (n === 0) {
    await db.run(sql`insert into bench_people_fts(rowid, name, email) select id, display_name, email from users where org_id = ${orgId}`);
  }
}

/** FTS5 prefix query, ordered like the list (name, id) for one page of 50. */
function ftsSearch(db, orgId, text) {
  const match = text
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => `"${t.replace(/"/g, '""')}"*`)
    .join(' ');
  return db.all(sql`select u.id, u.display_name from bench_people_fts f join users u on u.id = f.rowid
    where bench_people_fts match ${match} and u.org_id = ${orgId} order by lower(u.display_name), u.id limit 51`);
}

export async function peopleSearchTimes(db, admin) {
  const actor = { id: admin.id, orgId: admin.orgId, role: 'admin', active: true };
  // FTS5 took seconds per query here (decision 027), so it is measured only on request.
  if (WITH_FTS) await ftsTable(db, admin.orgId);
  const out = [];
  for (const prefix of PREFIXES) {
    const query = parsePeopleQuery({ q: prefix });
    const indexed = await timeIt(() => searchPeople(db, actor, query), { runs: 30, warmup: 3 });
    const fts = WITH_FTS ? await timeIt(() => ftsSearch(db, admin.orgId, prefix), { runs: 30, warmup: 3 }) : null;
    out.push({ prefix, indexed: { ...indexed, result: indexed.result.people.length }, fts: fts && { ...fts, result: fts.result.length } });
  }
  // The last page of the unfiltered list: keyset paging costs the same deep in the list as at its start.
  const all = parsePeopleQuery({});
  const [{ lastKey, lastId }] = await db.all(
    sql`select lower(display_name) as lastKey, id as lastId from users where org_id = ${admin.orgId} order by lower(display_name), id limit 1 offset 49900`,
  );
  const deep = await timeIt(() => searchPeople(db, actor, { ...all, after: { name: lastKey, id: lastId } }), { runs: 30, warmup: 3 });
  out.push({ prefix: '(page 999 of the whole list)', indexed: { ...deep, result: deep.result.people.length }, fts: null });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.env.BENCH_SCALE_DB;
  if (!path) throw new Error('Set BENCH_SCALE_DB to a generated scale database.');
  const url = `file:${path}`;
  const database = openDatabase({ url });
  await migrateDatabase(database, url);
  const [admin] = await database.db.all(sql`select id, org_id as orgId from users where email = 'admin.scale@bench.opspath.test'`);
  const plan = await database.db.all(
    sql`explain query plan select id from users where org_id = ${admin.orgId} and lower(display_name) >= 'mar' and lower(display_name) < 'mas' order by lower(display_name), id limit 51`,
  );
  console.log('plan:', plan.map((r) => r.detail).join(' | '));
  for (const row of await peopleSearchTimes(database.db, admin)) {
    const f = (t) => (t ? `p50 ${t.p50} ms, p95 ${t.p95} ms (${t.result} rows)` : '-');
    console.log(`${row.prefix.padEnd(30)} indexed: ${f(row.indexed)}   fts5: ${f(row.fts)}`);
  }
  database.close();
}
