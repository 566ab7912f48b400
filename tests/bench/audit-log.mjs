// The audit log page (/app/admin/audit/) on the 50,000-person organisation:
// p95 at 20 connections, one web process, unfiltered and with each filter
// (person, actor, kind, dates, a deep page, a name prefix), and the CSV of
// one person's events. Target: p95 <= 150 ms (issue 16, Measured).
//
// The organisation generator writes no audit rows, so this writes them here
// in proportion to what the generated organisation holds, as the app would
// have: one per skill rating (skill.rated), certification record, ramp plan
// start and checked-off task, person and team created, plus twelve sign-ins
// per person over the last 12 weeks and a failed sign-in for one person in ten.
// Written once: a database that already holds them is used as it is.
//
// BENCH_SCALE_DB=/path/scale.db (required here: a kept organisation, e.g. from
// `BENCH_SCALE_DB=/path/scale.db npm run bench -- scale`; generated there when missing).
// Run: BENCH_SCALE_DB=/tmp/scale.db npx node tests/bench/audit-log.mjs
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { openDatabase } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { BENCH_PASSWORD, generateOrganisation } from './org-generator.mjs';
import { buildIfNeeded, prepareDatabase, signIn, startServer, timeRequests } from './lib.mjs';
import { describeLoad, loadOrSequential } from './scale.mjs';

const DAY = 86_400_000;
const path = process.env.BENCH_SCALE_DB;
if (!path) {
  console.error('Set BENCH_SCALE_DB to the 50,000-person database (generated there if missing).');
  process.exit(2);
}
const url = `file:${path}`;

async function auditRows(db, orgId, adminId) {
  const [{ n }] = await db.all(sql`select count(*) as n from audit_log where org_id = ${orgId}`);
  if (n > 100_000) return { written: 0, total: n };
  const now = Date.now();
  const started = performance.now();
  const steps = [
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select org_id, ${adminId}, 'team.created', 'team', cast(id as text), ${now - 400 * DAY}, null, json_object('name', name), null
      from teams where org_id = ${orgId}`,
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select org_id, ${adminId}, 'user.created', 'user', cast(id as text),
        coalesce(unixepoch(start_date) * 1000 - 14 * ${DAY}, ${now - 400 * DAY}), null,
        json_object('role', role, 'startDate', start_date), '10.0.0.1'
      from users where org_id = ${orgId} and id <> ${adminId}`,
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select org_id, rater_user_id, 'skill.rated', 'user', cast(subject_user_id as text), rated_at, null,
        json_object('skillId', skill_id, 'kind', kind, 'level', level), '10.0.0.2'
      from skill_ratings where org_id = ${orgId} order by rated_at, id`,
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select org_id, created_by, 'certification.record_added', 'certification_record', cast(id as text),
        coalesce(unixepoch(earned_on) * 1000 + 9 * 3600000, created_at), null, json_object('certificationId', certification_id), '10.0.0.3'
      from certification_records where org_id = ${orgId}`,
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select p.org_id, m.manager_user_id, 'ramp.plan_started', 'ramp_plan', cast(p.id as text),
        coalesce(unixepoch(p.start_date) * 1000 - 3 * ${DAY}, p.created_at), null, json_object('startDate', p.start_date), '10.0.0.4'
      from ramp_plans p left join team_memberships tm on tm.user_id = p.user_id left join teams m on m.id = tm.team_id
      where p.org_id = ${orgId}`,
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select p.org_id, p.user_id, 'ramp.task_done', 'ramp_plan', cast(p.id as text), k.done_at, null,
        json_object('taskId', k.id, 'title', k.title), '10.0.0.5'
      from ramp_tasks k join ramp_plans p on p.id = k.plan_id where p.org_id = ${orgId} and k.done_at is not null`,
    sql`with recursive w(k) as (select 0 union all select k + 1 from w where k < 11)
      insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select u.org_id, u.id, 'auth.sign_in', 'user', cast(u.id as text),
        ${now} - (w.k * 7 + u.id % 7) * ${DAY} - (u.id * 7919) % ${DAY}, null, json_object('method', 'password'), '10.0.1.1'
      from users u, w where u.org_id = ${orgId} order by 6`,
    sql`insert into audit_log (org_id, actor_user_id, action, target_type, target_id, at, before, after, ip)
      select org_id, null, 'auth.sign_in_failed', 'user', cast(id as text), ${now} - (id % 84) * ${DAY} - (id * 104729) % ${DAY}, null,
        json_object('reason', 'wrong password'), '10.0.2.1'
      from users where org_id = ${orgId} and id % 10 = 0`,
  ];
  for (const step of steps) await db.run(step);
  await db.run(sql`analyze`);
  const [{ total }] = await db.all(sql`select count(*) as total from audit_log where org_id = ${orgId}`);
  return { written: total - n, total, ms: Math.round(performance.now() - started) };
}

async function main() {
  const database = openDatabase({ url });
  let setup;
  try {
    await migrateDatabase(database, url);
    const db = database.db;
    let [admin] = await db.all(sql`select id, org_id as orgId from users where email = 'admin.scale@bench.opspath.test'`);
    if (!admin) {
      await generateOrganisation(database, { teamCount: 1000, teamSize: 50, totalSkills: 60, label: 'scale' });
      [admin] = await db.all(sql`select id, org_id as orgId from users where email = 'admin.scale@bench.opspath.test'`);
    }
    const rows = await auditRows(db, admin.orgId, admin.id);
    const [{ people }] = await db.all(sql`select count(*) as people from users where org_id = ${admin.orgId}`);
    // A member in the middle of the organisation, and the manager of a team there.
    const [member] = await db.all(sql`
      select u.id, u.display_name as name, count(*) as n from users u join audit_log a on a.target_type = 'user' and a.target_id = cast(u.id as text)
      where u.org_id = ${admin.orgId} and u.role = 'member' and u.id > (select max(id) / 2 from users) group by u.id order by u.id limit 1`);
    const [manager] = await db.all(sql`
      select u.id, (select count(*) from audit_log a where a.org_id = ${admin.orgId} and a.actor_user_id = u.id) as n
      from users u where u.org_id = ${admin.orgId} and u.role = 'manager' and u.id > (select max(id) / 2 from users) order by u.id limit 1`);
    const kinds = await db.all(
      sql`select action, count(*) as n from audit_log where org_id = ${admin.orgId} group by action order by n desc`,
    );
    const [week] = await db.all(
      sql`select count(*) as n from audit_log where org_id = ${admin.orgId} and at >= ${Date.now() - 45 * DAY} and at < ${Date.now() - 38 * DAY}`,
    );
    // A week around the median rating's date, so the ratings + dates filter has rows to show.
    const [median] = await db.all(
      sql`select rated_at as at from skill_ratings where org_id = ${admin.orgId} order by rated_at limit 1 offset (select count(*) / 2 from skill_ratings where org_id = ${admin.orgId})`,
    );
    setup = { rows, people, member, manager, kinds, week, medianRatingAt: median.at };
  } finally {
    database.close();
  }
  console.log(JSON.stringify({ ...setup, loadAverage: loadavg().map((l) => l.toFixed(1)) }));

  prepareDatabase(url);
  buildIfNeeded();
  const server = await startServer(url, { WEB_CONCURRENCY: '1', JOBS: 'off' });
  const results = [];
  try {
    const base = server.baseUrl;
    const cookie = await signIn(base, 'admin.scale@bench.opspath.test', BENCH_PASSWORD);
    const headers = { cookie };
    const day = (ms) => new Date(ms).toISOString().slice(0, 10);
    // A deep page: follow "Older events" twenty times from the top.
    let deep = '/app/admin/audit/';
    for (let i = 0; i < 20; i++) {
      const html = await (await fetch(base + deep, { headers })).text();
      const next = /href="([^"]*before=[^"]*)"[^>]*>Older events/.exec(html)?.[1];
      if (!next) break;
      deep = next.replaceAll('&amp;', '&');
    }
    const pages = [
      ['unfiltered, first page', '/app/admin/audit/'],
      ['person (a member, by id)', `/app/admin/audit/?person=${setup.member.id}`],
      ['actor (a manager, by id)', `/app/admin/audit/?actor=${setup.manager.id}`],
      ['kind: sign-in', '/app/admin/audit/?kind=sign-in'],
      ['kind: certifications', '/app/admin/audit/?kind=certifications'],
      ['kind: ramp', '/app/admin/audit/?kind=ramp'],
      ['kind: settings (almost none)', '/app/admin/audit/?kind=settings'],
      ['dates: one week, 45-38 days ago', `/app/admin/audit/?from=${day(Date.now() - 45 * DAY)}&to=${day(Date.now() - 39 * DAY)}`],
      [
        'kind ratings + a week around the median rating',
        `/app/admin/audit/?kind=ratings&from=${day(setup.medianRatingAt - 3 * DAY)}&to=${day(setup.medianRatingAt + 3 * DAY)}`,
      ],
      ['actor + kind sign-in', `/app/admin/audit/?actor=${setup.manager.id}&kind=sign-in`],
      ['name prefix "Ana" (choices)', '/app/admin/audit/?personName=Ana'],
      ['page 21, unfiltered', deep],
      // Like with like on a busy machine: an admin page that was already there, in the same run.
      ['reference: the admin outbox /app/admin/outbox/', '/app/admin/outbox/'],
    ];
    for (const [name, path] of pages) {
      const one = await timeRequests(base + path, { headers, runs: 5, warmup: 1 });
      const r = await loadOrSequential(base + path, { headers, connections: 20, budgetMs: 150 });
      results.push({ name, path, oneAtATime: one, load: r });
      console.log(`${name}: ${describeLoad(r)} | one at a time p50 ${one.p50} ms (${one.bytes} B, HTTP ${one.status})`);
    }
    const csv = await timeRequests(`${base}/app/admin/audit/export.csv?person=${setup.member.id}`, { headers, runs: 5, warmup: 1 });
    results.push({ name: 'CSV, one person', oneAtATime: csv });
    console.log(`CSV of one person's events: p50 ${csv.p50} ms, p95 ${csv.p95} ms (${csv.bytes} B, HTTP ${csv.status})`);
  } finally {
    await server.stop();
  }
  console.log(JSON.stringify({ results, loadAverageAtEnd: loadavg().map((l) => l.toFixed(1)) }));
}

await main();
