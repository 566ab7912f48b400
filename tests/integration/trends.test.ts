// Trends (issue 17): a generated history of ratings, certificates and ramp
// plans at different dates, then the daily job's snapshots, each number
// checked against a direct SQL count over the raw tables (a second, independent
// statement of the rules); the job's idempotence; and who may read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { addDays } from '#domain/calendar.ts';
import { seededRandom } from '#domain/random.ts';
import { backfillDays, SNAPSHOT_FIELDS, type SnapshotCounts } from '#domain/trends.ts';
import {
  certificationRecords,
  certificationRequirements,
  organisations,
  rampPlans,
  rampTasks,
  skillRatings,
  teamMemberships,
  teams,
  teamSnapshots,
  users,
} from '#server/db/schema.ts';
import { computeSnapshots, cutoffOf } from '#server/trends/queries.ts';
import { orgTrendView, teamTrendView, trendSummaries } from '#server/trends/index.ts';
import { syncSkillCatalog } from '#server/skills/catalog.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
const catalogs = loadCatalogsFromDisk();
const TODAY = '2026-12-03';
const NOW = new Date('2026-12-03T10:00:00Z');
const DAY = 86_400_000;
const ms = (day: string) => Date.parse(`${day}T12:00:00Z`);
const ids = { org: 0, other: 0, teamA: 0, teamB: 0, teamOther: 0, admin: 0, managerA: 0, managerB: 0, member: 0 };
const LEAD = 90; // the default largest reminder window

async function person(orgId: number, key: string, role: 'admin' | 'manager' | 'member', jobRole: string | null, tier: string | null) {
  const [row] = await t.db
    .insert(users)
    .values({ orgId, email: `${key}@trends.test`, displayName: key, passwordHash: 'x', role, jobRole, tier })
    .returning();
  return row!.id;
}

beforeAll(async () => {
  t = await createTestDatabase('trends');
  await syncSkillCatalog(t.db, [...catalogs.skills.values()]);
  const [org] = await t.db
    .insert(organisations)
    .values({ name: 'Trendco', settings: { timeZone: 'UTC' } })
    .returning();
  const [other] = await t.db.insert(organisations).values({ name: 'Elsewhere' }).returning();
  ids.org = org!.id;
  ids.other = other!.id;
  ids.admin = await person(ids.org, 'admin', 'admin', null, null);
  ids.managerA = await person(ids.org, 'manager-a', 'manager', null, null);
  ids.managerB = await person(ids.org, 'manager-b', 'manager', null, null);
  const [a] = await t.db.insert(teams).values({ orgId: ids.org, name: 'A', managerUserId: ids.managerA }).returning();
  const [b] = await t.db.insert(teams).values({ orgId: ids.org, name: 'B', managerUserId: ids.managerB }).returning();
  const [o] = await t.db.insert(teams).values({ orgId: ids.other, name: 'O' }).returning();
  ids.teamA = a!.id;
  ids.teamB = b!.id;
  ids.teamOther = o!.id;

  // People on real ladders (targets from content), some required certifications.
  const random = seededRandom(17);
  const rnd = { next: random };
  const ladders = catalogs.ladders.filter((l) => l.tiers.some((tier) => Object.keys(tier.targets).length > 0));
  const certIds = [...catalogs.certifications.catalog.keys()].slice(0, 3);
  const positions = ladders.flatMap((l) =>
    l.tiers.slice(0, 2).map((tier) => ({ jobRole: l.slug, tier: tier.id, skills: Object.keys(tier.targets) })),
  );
  for (const p of positions.slice(0, 4)) {
    for (const c of certIds.slice(0, 2))
      await t.db.insert(certificationRequirements).values({ orgId: ids.org, jobRole: p.jobRole, tier: p.tier, certificationId: c });
  }
  let n = 0;
  for (const teamId of [ids.teamA, ids.teamB]) {
    for (let i = 0; i < 8; i += 1) {
      const pos = positions[(n += 1) % Math.min(positions.length, 6)]!;
      const id = await person(ids.org, `p${n}`, 'member', pos.jobRole, pos.tier);
      if (n === 1) ids.member = id;
      await t.db.insert(teamMemberships).values({ teamId, userId: id });
      // Ratings spread over 14 months, self and manager, several per skill.
      for (const skillId of pos.skills) {
        for (let k = 0; k < 3; k += 1) {
          const kind = rnd.next() < 0.5 ? 'self' : 'manager';
          await t.db.insert(skillRatings).values({
            orgId: ids.org,
            subjectUserId: id,
            raterUserId: kind === 'self' ? id : ids.managerA,
            skillId,
            kind,
            level: Math.floor(rnd.next() * 5),
            ratedAt: new Date(ms(TODAY) - Math.floor(rnd.next() * 420) * DAY),
          });
        }
      }
      // Certificates earned at different dates, some renewed, expiries around the window.
      for (const c of certIds) {
        if (rnd.next() < 0.3) continue;
        const earnedOn = addDays(TODAY, -Math.floor(rnd.next() * 500));
        const expiresOn = addDays(earnedOn, 200 + Math.floor(rnd.next() * 300));
        await t.db.insert(certificationRecords).values({
          orgId: ids.org,
          userId: id,
          certificationId: c,
          status: 'earned',
          earnedOn,
          expiresOn,
          expirySource: 'entered',
          createdBy: id,
        });
      }
      // A plan for some: started at different dates, tasks done on and off schedule, some ended.
      if (i % 2 === 0) {
        const startDate = addDays(TODAY, -Math.floor(rnd.next() * 330));
        // Ended plans ended in the past (an end date still ahead cannot exist).
        const ended = rnd.next() < 0.5 && ms(startDate) + 80 * DAY < NOW.getTime() ? new Date(ms(startDate) + 80 * DAY) : null;
        const [plan] = await t.db
          .insert(rampPlans)
          .values({
            orgId: ids.org,
            userId: id,
            templateRole: pos.jobRole,
            title: 'Plan',
            phases: [],
            startDate,
            status: ended ? 'completed' : 'active',
            createdBy: ids.managerA,
            createdAt: new Date(ms(startDate) - 5 * DAY),
            endedAt: ended,
            endedBy: ended ? ids.managerA : null,
          })
          .returning();
        for (let d = 1; d <= 90; d += 11) {
          const late = Math.floor(rnd.next() * 30) - 8;
          const doneAt = rnd.next() < 0.8 ? new Date(ms(startDate) + (d - 1 + late) * DAY) : null;
          await t.db.insert(rampTasks).values({
            planId: plan!.id,
            phaseId: d <= 30 ? 'days-1-30' : d <= 60 ? 'days-31-60' : 'days-61-90',
            title: `Task ${d}`,
            owner: 'new-hire',
            dueDay: d,
            position: d,
            doneAt,
            doneBy: doneAt ? id : null,
          });
        }
      }
    }
  }
  // One deactivated member: not counted.
  const gone = await person(ids.org, 'gone', 'member', positions[0]!.jobRole, positions[0]!.tier);
  await t.db
    .update(users)
    .set({ active: false })
    .where(sql`id = ${gone}`);
  await t.db.insert(teamMemberships).values({ teamId: ids.teamA, userId: gone });

  // The targets in force, as a table the SQL below can join (the content's: no overrides here).
  await t.client.execute('create temp table t_targets (job_role text, tier text, skill_id text, level integer)');
  for (const l of catalogs.ladders)
    for (const tier of l.tiers)
      for (const [skillId, level] of Object.entries(tier.targets))
        await t.client.execute({ sql: 'insert into t_targets values (?, ?, ?, ?)', args: [l.slug, tier.id, skillId, level] });

  await computeSnapshots(t.db, ids.org, TODAY, catalogs, NOW);
}, 120_000);

afterAll(() => t?.cleanup());

/** Every number of one team on one day, straight from the raw tables. */
async function fromRawTables(teamId: number, day: string): Promise<SnapshotCounts> {
  const cutoff = cutoffOf(day, 'UTC');
  const one = async (query: string) =>
    Number((await t.client.execute({ sql: query, args: { team: teamId, day, cutoff, lead: LEAD } })).rows[0]![0]);
  const members = `select u.id, u.job_role, u.tier from team_memberships m join users u on u.id = m.user_id where m.team_id = :team and u.active = 1`;
  const current = `select s, k, coalesce(max(case when kind = 'manager' then level end), max(case when kind = 'self' then level end)) lvl from (
      select subject_user_id s, skill_id k, kind, level,
        row_number() over (partition by subject_user_id, skill_id, kind order by rated_at desc, id desc) rn
      from skill_ratings where rated_at < :cutoff) where rn = 1 group by s, k`;
  const targeted = `select mem.id, tg.skill_id, tg.level from (${members}) mem join t_targets tg on tg.job_role = mem.job_role and tg.tier = mem.tier`;
  const certs = `select r.certification_id, mem.id,
      (select c.expires_on from certification_records c where c.user_id = mem.id and c.certification_id = r.certification_id
         and c.status = 'earned' and c.earned_on <= :day order by c.earned_on desc, c.id desc limit 1) exp,
      (select count(*) from certification_records c where c.user_id = mem.id and c.certification_id = r.certification_id
         and c.status = 'earned' and c.earned_on <= :day) held
    from (${members}) mem join certification_requirements r on r.job_role = mem.job_role and r.tier = mem.tier`;
  const pct = (part: string, whole: string) =>
    `(case when ${whole} <= 0 or ${part} <= 0 then 0 when ${part} >= ${whole} then 100 else min(99, max(1, cast(round(${part} * 100.0 / ${whole}) as integer))) end)`;
  // Each running plan's tasks, with days from the day to the due date and done as of the cut-off.
  const tasks = `select p.id pid, julianday(p.start_date) - julianday(:day) + t.due_day - 1 dd, (t.done_at is not null and t.done_at < :cutoff) done,
      p.start_date start from ramp_plans p join (${members}) mem on mem.id = p.user_id join ramp_tasks t on t.plan_id = p.id
      where p.created_at < :cutoff and (p.ended_at is null or p.ended_at >= :cutoff)`;
  const plans = `select pid, start,
      ${pct('min(90, max(0, julianday(:day) - julianday(start)))', '90')} - ${pct('sum(done)', 'count(*)')} behind,
      sum(not done and dd < -3) late, sum(not done and dd between -3 and -1) grace, sum(not done and dd between 0 and 2) soon
    from (${tasks}) group by pid`;
  const rag = `select pid, case when start > :day then 'green' when late > 0 or behind > 20 then 'red'
      when grace > 0 or soon > 0 or behind > 10 then 'amber' else 'green' end lvl from (${plans})`;
  const plansTotal = `select count(*) from ramp_plans p join (${members}) mem on mem.id = p.user_id where p.created_at < :cutoff and (p.ended_at is null or p.ended_at >= :cutoff)`;
  const state = (cond: string) => `select count(*) from (${certs}) where ${cond}`;
  return {
    people: await one(`select count(*) from (${members})`),
    skillsTargeted: await one(`select count(distinct skill_id) from (${targeted})`),
    skillsCovered: await one(
      `select count(distinct tg.skill_id) from (${targeted}) tg where exists (select 1 from (${members}) m2 join (${current}) c on c.s = m2.id and c.k = tg.skill_id where c.lvl >= 3)`,
    ),
    peopleWithTargets: await one(`select count(distinct id) from (${targeted})`),
    peopleBelowTarget: await one(
      `select count(distinct tg.id) from (${targeted}) tg join (${current}) c on c.s = tg.id and c.k = tg.skill_id where c.lvl < tg.level`,
    ),
    certsRequired: await one(`select count(*) from (${certs})`),
    certsValid: await one(state(`held > 0 and (exp is null or julianday(exp) - julianday(:day) > :lead)`)),
    certsExpiring: await one(state(`held > 0 and julianday(exp) - julianday(:day) between 1 and :lead`)),
    certsExpired: await one(state(`held > 0 and julianday(exp) - julianday(:day) <= 0`)),
    certsMissing: await one(state(`held = 0`)),
    plans: await one(plansTotal),
    // A running plan without tasks is green ("no tasks yet"): the generated plans all have tasks.
    plansOnTrack: await one(`select count(*) from (${rag}) where lvl = 'green'`),
    plansAtRisk: await one(`select count(*) from (${rag}) where lvl = 'amber'`),
    plansLate: await one(`select count(*) from (${rag}) where lvl = 'red'`),
  };
}

async function stored(teamId: number, day: string) {
  const rows = await t.db
    .select()
    .from(teamSnapshots)
    .where(sql`team_id = ${teamId} and day = ${day}`);
  return rows[0];
}

describe('snapshots equal the raw tables', () => {
  const days = [TODAY, ...backfillDays(TODAY)];
  it.each(days)('on %s, for both teams', async (day) => {
    for (const teamId of [ids.teamA, ids.teamB]) {
      const row = await stored(teamId, day);
      expect(row, `a row for team ${teamId} on ${day}`).toBeDefined();
      expect(row!.source).toBe(day === TODAY ? 'daily' : 'backfill');
      const expected = await fromRawTables(teamId, day);
      const actual = Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, row![f]]));
      expect(actual).toEqual(expected);
    }
  });

  it('the generated history is not trivial: every kind of count occurs somewhere', async () => {
    const rows = await t.db
      .select()
      .from(teamSnapshots)
      .where(sql`org_id = ${ids.org}`);
    for (const f of SNAPSHOT_FIELDS)
      expect(
        rows.some((r) => r[f] > 0),
        f,
      ).toBe(true);
    // and the numbers move over the months
    expect(new Set(rows.map((r) => `${r.skillsCovered}/${r.certsValid}/${r.plans}`)).size).toBeGreaterThan(3);
  });
});

describe('the job', () => {
  it('is idempotent: a second run writes the same rows and adds none', async () => {
    const before = await t.db.select().from(teamSnapshots);
    await computeSnapshots(t.db, ids.org, TODAY, catalogs, new Date(NOW.getTime() + 60_000));
    const after = await t.db.select().from(teamSnapshots);
    expect(after.length).toBe(before.length);
    const strip = (rows: typeof before) =>
      rows.map(({ computedAt: _c, ...r }) => r).sort((a, b) => a.teamId - b.teamId || a.day.localeCompare(b.day));
    expect(strip(after)).toEqual(strip(before));
    expect(before.length).toBe(2 * 13);
  });

  it('never writes a row for another organisation’s team', async () => {
    expect(await stored(ids.teamOther, TODAY)).toBeUndefined();
  });

  it('a daily row replaces a back-filled one of the same day, and a back-fill never replaces a daily row', async () => {
    const day = backfillDays(TODAY)[11]!;
    await computeSnapshots(t.db, ids.org, day, catalogs, NOW);
    expect((await stored(ids.teamA, day))!.source).toBe('daily');
    await computeSnapshots(t.db, ids.org, TODAY, catalogs, NOW);
    expect((await stored(ids.teamA, day))!.source).toBe('daily');
  });
});

describe('a missed day', () => {
  // The job ran on D, the server was down on D + 1, the job runs on D + 2.
  const D = '2026-11-10';
  const missed = addDays(D, 1);
  const D2 = addDays(D, 2);
  const rowsOf = async () =>
    (
      await t.db
        .select()
        .from(teamSnapshots)
        .where(sql`org_id = ${ids.org}`)
    ).sort((a, b) => a.teamId - b.teamId || a.day.localeCompare(b.day));

  it('is computed from the dated history on the next run, as back-fill, equal to the raw tables; a rerun changes nothing', async () => {
    await computeSnapshots(t.db, ids.org, D, catalogs, NOW);
    expect(await stored(ids.teamA, missed)).toBeUndefined();
    const run = await computeSnapshots(t.db, ids.org, D2, catalogs, NOW);
    expect(run.caughtUp).toBe(2);
    for (const teamId of [ids.teamA, ids.teamB]) {
      const row = await stored(teamId, missed);
      expect(row, `team ${teamId} on ${missed}`).toBeDefined();
      expect(row!.source).toBe('backfill');
      expect(Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, row![f]]))).toEqual(await fromRawTables(teamId, missed));
      expect((await stored(teamId, D))!.source).toBe('daily');
      expect((await stored(teamId, D2))!.source).toBe('daily');
    }

    const before = await rowsOf();
    const again = await computeSnapshots(t.db, ids.org, D2, catalogs, new Date(NOW.getTime() + 60_000));
    expect(again.caughtUp).toBe(0);
    const after = await rowsOf();
    const strip = (rows: typeof before) => rows.map(({ computedAt, ...r }) => (r.source === 'daily' ? r : { ...r, computedAt }));
    expect(strip(after)).toEqual(strip(before));
  });

  it('reaches back at most 31 days after a long stop, and never replaces a row', async () => {
    // The latest daily row is TODAY's; the job next runs 45 days later.
    const far = addDays(TODAY, 45);
    const windowStart = addDays(far, -31);
    const before = await rowsOf();
    const run = await computeSnapshots(t.db, ids.org, far, catalogs, NOW);
    expect(run.caughtUp).toBe(2 * 31);
    const added = (await rowsOf()).filter((r) => !before.some((b) => b.teamId === r.teamId && b.day === r.day));
    for (const teamId of [ids.teamA, ids.teamB]) {
      const days = added.filter((r) => r.teamId === teamId && r.day !== far).map((r) => r.day);
      expect(days).toHaveLength(31);
      expect(days[0]).toBe(windowStart);
      expect(days[30]).toBe(addDays(far, -1));
    }
    expect(added.every((r) => (r.day === far ? r.source === 'daily' : r.source === 'backfill'))).toBe(true);
    // The days before the window stay a gap.
    expect(await stored(ids.teamA, addDays(windowStart, -1))).toBeUndefined();
    const now = await rowsOf();
    for (const b of before) expect(now.find((r) => r.teamId === b.teamId && r.day === b.day)).toEqual(b);
  });
});

describe('access', () => {
  const actor = (id: number, role: 'admin' | 'manager' | 'member') => ({ id, orgId: ids.org, role, active: true });

  it('a manager reads their own team, not another manager’s (404)', async () => {
    const own = await teamTrendView(t.db, actor(ids.managerA, 'manager'), ids.teamA, TODAY);
    const held = await t.db
      .select()
      .from(teamSnapshots)
      .where(sql`team_id = ${ids.teamA} and day >= '2025-12-03'`);
    expect(held.length).toBeGreaterThanOrEqual(13);
    expect(own.ok && own.value.points.length).toBe(held.length);
    const theirs = await teamTrendView(t.db, actor(ids.managerA, 'manager'), ids.teamB, TODAY);
    expect(theirs.ok ? 200 : theirs.status).toBe(404);
  });

  it('an admin reads every team and the organisation; the organisation sums the teams', async () => {
    const admin = actor(ids.admin, 'admin');
    const a = await teamTrendView(t.db, admin, ids.teamA, TODAY);
    const b = await teamTrendView(t.db, admin, ids.teamB, TODAY);
    const org = await orgTrendView(t.db, admin, TODAY);
    if (!a.ok || !b.ok || !org.ok) throw new Error('refused');
    const last = (p: { points: { day: string }[] }) => p.points.find((x) => x.day === TODAY)!;
    const sum = last(org.value) as unknown as Record<string, number>;
    for (const f of SNAPSHOT_FIELDS)
      expect(sum[f]).toBe(
        (last(a.value) as unknown as Record<string, number>)[f]! + (last(b.value) as unknown as Record<string, number>)[f]!,
      );
    const other = await teamTrendView(t.db, admin, ids.teamOther, TODAY);
    expect(other.ok ? 200 : other.status).toBe(404);
  });

  it('members and managers are refused the organisation, members every team (403)', async () => {
    const member = await teamTrendView(t.db, actor(ids.member, 'member'), ids.teamA, TODAY);
    expect(member.ok ? 200 : member.status).toBe(403);
    const mgr = await orgTrendView(t.db, actor(ids.managerA, 'manager'), TODAY);
    expect(mgr.ok ? 200 : mgr.status).toBe(403);
    const bad = await teamTrendView(t.db, actor(ids.admin, 'admin'), 'x', TODAY);
    expect(bad.ok ? 200 : bad.status).toBe(404);
  });

  it('the people page’s summary is the first and the latest point of the same trend, for a manager’s teams and an admin’s organisation', async () => {
    const manager = actor(ids.managerA, 'manager');
    const full = await teamTrendView(t.db, manager, ids.teamA, TODAY);
    const summary = await trendSummaries(t.db, manager, [{ id: ids.teamA, name: 'A' }], TODAY);
    if (!full.ok || !summary.ok) throw new Error('refused');
    const change = summary.value[0]!.change!;
    expect(change.from).toEqual(full.value.points[0]);
    expect(change.to).toEqual(full.value.points.at(-1));
    expect(summary.value[0]!.href).toBe(`/app/team/trends/${ids.teamA}`);
    // Another manager's team is left out, not shown.
    const foreign = await trendSummaries(t.db, manager, [{ id: ids.teamB, name: 'B' }], TODAY);
    expect(foreign.ok && foreign.value).toEqual([]);

    const admin = actor(ids.admin, 'admin');
    const org = await orgTrendView(t.db, admin, TODAY);
    const orgSummary = await trendSummaries(t.db, admin, [], TODAY);
    if (!org.ok || !orgSummary.ok) throw new Error('refused');
    expect(orgSummary.value[0]!.change!.from).toEqual(org.value.points[0]);
    expect(orgSummary.value[0]!.change!.to).toEqual(org.value.points.at(-1));

    const member = await trendSummaries(t.db, actor(ids.member, 'member'), [], TODAY);
    expect(member.ok ? 200 : member.status).toBe(403);
  });
});
