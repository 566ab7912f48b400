// Unchecked reads and writes of the trends feature: the rows one team's
// snapshot is computed from, the snapshot rows themselves, and the daily job's
// computation (computeSnapshots). No access check here: the job, the bench and
// tests call these; pages read through index.ts.
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { addDays, localDayStart, type IsoDate } from '#domain/calendar.ts';
import type { CertRecord, Validity } from '#domain/certifications.ts';
import type { Level } from '#domain/scale.ts';
import type { CellRatings } from '#domain/skill-cell.ts';
import { cellKey, type RatingRecord } from '#domain/skills-matrix.ts';
import type { Ladder } from '#domain/skills.ts';
import {
  backfillDays,
  missedDays,
  MISSED_DAYS_REACH,
  cellsAsOf,
  SNAPSHOT_FIELDS,
  teamSnapshot,
  type SnapshotCounts,
  type SnapshotPerson,
  type SnapshotPlan,
  type SnapshotSource,
  type TrendPoint,
} from '#domain/trends.ts';
import type { Catalogs } from '#catalog/catalogs.ts';
import { asCertRecord, listRecordsOf, loadRequirements, settingsFrom } from '#server/certifications/queries.ts';
import type { Db, Executor } from '#server/db/client.ts';
import {
  organisations,
  rampPlans,
  rampTasks,
  skillRatings,
  skillRatingsCurrent,
  teamMemberships,
  teamSnapshots,
  users,
} from '#server/db/schema.ts';
import { effectiveLadders } from '#server/frameworks/queries.ts';

/** Lets the event loop run between teams (local libSQL settles promises without returning to it). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The first instant after `day` in the time zone: what happened before it happened on or before that day. */
export const cutoffOf = (day: IsoDate, timeZone: string) => localDayStart(addDays(day, 1), timeZone).getTime();

// --- the rows a snapshot reads ---------------------------------------------------------------

/** Active members of one team (team membership as of now: nothing keeps its history). */
export async function teamPeople(db: Executor, teamId: number): Promise<SnapshotPerson[]> {
  return db
    .select({ id: users.id, jobRole: users.jobRole, tier: users.tier })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(and(eq(teamMemberships.teamId, teamId), eq(users.active, true)))
    .orderBy(asc(users.id));
}

/** The current ratings (skill_ratings_current, kept by a trigger) of these people. */
export async function currentCells(db: Executor, orgId: number, personIds: readonly number[]): Promise<Map<string, CellRatings>> {
  const cells = new Map<string, CellRatings>();
  if (personIds.length === 0) return cells;
  const rows = await db
    .select({
      subjectId: skillRatingsCurrent.subjectUserId,
      skillId: skillRatingsCurrent.skillId,
      selfLevel: skillRatingsCurrent.selfLevel,
      selfAt: skillRatingsCurrent.selfRatedAt,
      managerLevel: skillRatingsCurrent.managerLevel,
      managerAt: skillRatingsCurrent.managerRatedAt,
    })
    .from(skillRatingsCurrent)
    // The unary + keeps the organisation check but out of the planner's choice: with it as an index
    // term SQLite scanned the organisation's whole covering index (750 k rows at 50,000 people, 82 ms
    // per team) instead of the primary key's few rows per person (the bench's trends job).
    .where(and(sql`+${skillRatingsCurrent.orgId} = ${orgId}`, inArray(skillRatingsCurrent.subjectUserId, [...personIds])));
  for (const r of rows) {
    cells.set(cellKey(r.subjectId, r.skillId), {
      self: r.selfLevel === null ? null : { level: r.selfLevel as Level, ratedAt: r.selfAt ?? 0 },
      manager: r.managerLevel === null ? null : { level: r.managerLevel as Level, ratedAt: r.managerAt ?? 0 },
    });
  }
  return cells;
}

/** Every rating of these people (the append-only history, read from its covering index). */
export async function ratingHistory(db: Executor, orgId: number, personIds: readonly number[]): Promise<RatingRecord[]> {
  if (personIds.length === 0) return [];
  const rows = await db
    .select({
      id: skillRatings.id,
      subjectId: skillRatings.subjectUserId,
      skillId: skillRatings.skillId,
      kind: skillRatings.kind,
      level: skillRatings.level,
      ratedAt: skillRatings.ratedAt,
    })
    .from(skillRatings)
    .where(and(eq(skillRatings.orgId, orgId), inArray(skillRatings.subjectUserId, [...personIds])));
  return rows.map((r) => ({ ...r, level: r.level as Level, ratedAt: r.ratedAt.getTime() }));
}

/** The plans of these people with their tasks; `activeOnly` for today's snapshot. */
export async function plansOf(db: Executor, personIds: readonly number[], activeOnly: boolean): Promise<SnapshotPlan[]> {
  if (personIds.length === 0) return [];
  const plans = await db
    .select({ id: rampPlans.id, startDate: rampPlans.startDate, createdAt: rampPlans.createdAt, endedAt: rampPlans.endedAt })
    .from(rampPlans)
    .where(and(inArray(rampPlans.userId, [...personIds]), activeOnly ? isNull(rampPlans.endedAt) : undefined));
  if (plans.length === 0) return [];
  const tasks = await db
    .select({ id: rampTasks.id, planId: rampTasks.planId, title: rampTasks.title, dueDay: rampTasks.dueDay, doneAt: rampTasks.doneAt })
    .from(rampTasks)
    .where(
      inArray(
        rampTasks.planId,
        plans.map((p) => p.id),
      ),
    )
    .orderBy(asc(rampTasks.position), asc(rampTasks.id));
  const byPlan = new Map<number, SnapshotPlan['tasks'][number][]>();
  for (const t of tasks) {
    const list = byPlan.get(t.planId) ?? [];
    list.push({ id: t.id, title: t.title, dueDay: t.dueDay, doneAt: t.doneAt?.getTime() ?? null });
    byPlan.set(t.planId, list);
  }
  return plans.map((p) => ({
    id: p.id,
    startDate: p.startDate,
    createdAt: p.createdAt.getTime(),
    endedAt: p.endedAt?.getTime() ?? null,
    tasks: byPlan.get(p.id) ?? [],
  }));
}

// --- the organisation's rules, read once per run ------------------------------------------------

export type OrgRules = {
  orgId: number;
  timeZone: string;
  ladders: Ladder[];
  required: Map<string, Set<string>>;
  validity: Map<string, Validity>;
  leadDays: number[];
};

export async function orgRules(db: Executor, orgId: number, content: Pick<Catalogs, 'ladders' | 'certifications'>): Promise<OrgRules> {
  const [org] = await db.select({ settings: organisations.settings }).from(organisations).where(eq(organisations.id, orgId)).limit(1);
  const settings = settingsFrom(org?.settings ?? {});
  return {
    orgId,
    timeZone: settings.timeZone,
    ladders: await effectiveLadders(db, orgId, content.ladders),
    required: await loadRequirements(db, orgId),
    validity: new Map([...content.certifications.catalog].map(([id, c]) => [id, c.validity])),
    leadDays: settings.leadDays,
  };
}

// --- computing --------------------------------------------------------------------------------

export type ComputedSnapshot = SnapshotCounts & { teamId: number; day: IsoDate; source: SnapshotSource };

/**
 * One team's snapshots: `today` from the current tables, and each of
 * `pastDays` from the dated history (ratings before the day ended,
 * certificates earned by then, plans running then with the tasks done by then).
 */
export async function computeTeam(
  db: Executor,
  rules: OrgRules,
  teamId: number,
  today: IsoDate | null,
  pastDays: readonly IsoDate[],
): Promise<ComputedSnapshot[]> {
  const people = await teamPeople(db, teamId);
  const ids = people.map((p) => p.id);
  const certRecords: (CertRecord & { userId: number })[] = (await listRecordsOf(db, ids)).map(asCertRecord);
  const base = {
    people,
    ladders: rules.ladders,
    certRecords,
    required: rules.required,
    validity: rules.validity,
    leadDays: rules.leadDays,
  };
  const out: ComputedSnapshot[] = [];
  if (today !== null) {
    const counts = teamSnapshot({
      ...base,
      day: today,
      cutoff: cutoffOf(today, rules.timeZone),
      cells: await currentCells(db, rules.orgId, ids),
      plans: await plansOf(db, ids, true),
    });
    out.push({ ...counts, teamId, day: today, source: 'daily' });
  }
  if (pastDays.length > 0) {
    const history = await ratingHistory(db, rules.orgId, ids);
    const plans = await plansOf(db, ids, false);
    for (const day of pastDays) {
      const cutoff = cutoffOf(day, rules.timeZone);
      const counts = teamSnapshot({ ...base, day, cutoff, cells: cellsAsOf(history, cutoff), plans });
      out.push({ ...counts, teamId, day, source: 'backfill' });
    }
  }
  return out;
}

const WRITE_BATCH = 200;

/** Writes snapshots: a daily row replaces that day's row (the job may run again), a back-filled one never replaces anything. */
export async function writeSnapshots(db: Db, orgId: number, rows: readonly ComputedSnapshot[], now: Date): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_BATCH) {
    const slice = rows.slice(i, i + WRITE_BATCH).map((r) => ({ ...r, orgId, computedAt: now }));
    const daily = slice.filter((r) => r.source === 'daily');
    const backfill = slice.filter((r) => r.source === 'backfill');
    await db.transaction(async (tx) => {
      if (daily.length > 0) {
        const set = Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, sql.raw(`excluded.${columnName(f)}`)]));
        await tx
          .insert(teamSnapshots)
          .values(daily)
          .onConflictDoUpdate({
            target: [teamSnapshots.teamId, teamSnapshots.day],
            set: { ...set, source: sql.raw('excluded.source'), computedAt: sql.raw('excluded.computed_at') },
          });
      }
      if (backfill.length > 0) await tx.insert(teamSnapshots).values(backfill).onConflictDoNothing();
    });
    await breathe();
  }
}

const columnName = (field: keyof SnapshotCounts) => teamSnapshots[field].name;

export type RunSummary = { teams: number; daily: number; backfilled: number; caughtUp: number };

/**
 * Every team of the organisation with its latest daily row before today (or
 * null). Walks the primary key (team_id, day) backwards from today and stops
 * at the first daily row: one row read per team when the job ran yesterday.
 */
async function teamsWithLatestDaily(db: Executor, orgId: number, today: IsoDate) {
  const rows = await db.all<{ id: number; latestDaily: string | null }>(sql`
    select t.id as id, (
      select s.day from team_snapshots s
      where s.team_id = t.id and s.day < ${today} and s.source = 'daily'
      order by s.day desc limit 1
    ) as latestDaily
    from teams t where t.org_id = ${orgId} order by t.id`);
  return rows.map((r) => ({ id: Number(r.id), latestDaily: r.latestDaily ?? null }));
}

/**
 * The daily job's work for one organisation: today's row for every team
 * (replacing an earlier run's), the month-end back-fill points a team does
 * not have yet, and the days the job missed since the team's latest daily
 * row (at most MISSED_DAYS_REACH back), computed from the dated history the way
 * back-fill is. Idempotent: running it again rewrites today's rows with the
 * same numbers and adds nothing else.
 */
export async function computeSnapshots(
  db: Db,
  orgId: number,
  today: IsoDate,
  content: Pick<Catalogs, 'ladders' | 'certifications'>,
  now: Date,
): Promise<RunSummary> {
  const rules = await orgRules(db, orgId, content);
  const teamRows = await teamsWithLatestDaily(db, orgId, today);
  const past = backfillDays(today);
  const windowStart = addDays(today, -MISSED_DAYS_REACH);
  // What a team holds already among the month-end points, and the back-filled
  // days of the catch-up window (a day after the latest daily row can only be one of those).
  const have = await db
    .select({ teamId: teamSnapshots.teamId, day: teamSnapshots.day })
    .from(teamSnapshots)
    .where(and(eq(teamSnapshots.orgId, orgId), inArray(teamSnapshots.day, past)));
  const filled = await db
    .select({ teamId: teamSnapshots.teamId, day: teamSnapshots.day })
    .from(teamSnapshots)
    .where(
      and(
        eq(teamSnapshots.orgId, orgId),
        gte(teamSnapshots.day, windowStart),
        lt(teamSnapshots.day, today),
        eq(teamSnapshots.source, 'backfill'),
      ),
    );
  const held = new Set([...have, ...filled].map((h) => `${h.teamId}:${h.day}`));
  const summary: RunSummary = { teams: teamRows.length, daily: 0, backfilled: 0, caughtUp: 0 };
  let pending: ComputedSnapshot[] = [];
  for (const team of teamRows) {
    await breathe();
    const notHeld = (d: IsoDate) => !held.has(`${team.id}:${d}`);
    const missed = missedDays(today, team.latestDaily).filter(notHeld);
    // A month-end inside the missed days is computed once.
    const missing = [...new Set([...past.filter(notHeld), ...missed])].sort();
    const rows = await computeTeam(db, rules, team.id, today, missing);
    summary.daily += 1;
    summary.backfilled += missing.length;
    summary.caughtUp += missed.length;
    pending.push(...rows);
    if (pending.length >= WRITE_BATCH) {
      await writeSnapshots(db, orgId, pending, now);
      pending = [];
    }
  }
  await writeSnapshots(db, orgId, pending, now);
  return summary;
}

// --- reading snapshots ---------------------------------------------------------------------------

const countColumns = Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, teamSnapshots[f]])) as {
  [K in keyof SnapshotCounts]: (typeof teamSnapshots)[K];
};

/** One team's rows from `from` on, oldest first. */
export async function teamTrend(db: Executor, teamId: number, from: IsoDate): Promise<TrendPoint[]> {
  return db
    .select({ day: teamSnapshots.day, source: teamSnapshots.source, ...countColumns })
    .from(teamSnapshots)
    .where(and(eq(teamSnapshots.teamId, teamId), gte(teamSnapshots.day, from)))
    .orderBy(asc(teamSnapshots.day));
}

/**
 * The organisation's rows from `from` on: every team's counts summed per day.
 * A day is labelled back-filled when any of its rows is.
 */
export async function orgTrend(db: Executor, orgId: number, from: IsoDate): Promise<TrendPoint[]> {
  return orgSums(db, orgId, gte(teamSnapshots.day, from));
}

async function orgSums(db: Executor, orgId: number, days: SQL | undefined): Promise<TrendPoint[]> {
  const sums = Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, sql<number>`cast(sum(${teamSnapshots[f]}) as integer)`])) as {
    [K in keyof SnapshotCounts]: ReturnType<typeof sql<number>>;
  };
  const rows = await db
    .select({
      day: teamSnapshots.day,
      backfill: sql<number>`max(${teamSnapshots.source} = 'backfill')`,
      ...sums,
    })
    .from(teamSnapshots)
    .where(and(eq(teamSnapshots.orgId, orgId), days))
    .groupBy(teamSnapshots.day)
    .orderBy(asc(teamSnapshots.day));
  return rows.map(({ backfill, ...r }) => ({ ...r, source: backfill ? 'backfill' : 'daily' }) as TrendPoint);
}

/**
 * Only the first and the latest of a team's rows from `from` on (two indexed
 * lookups): what a page needs to say how the team moved, without reading a
 * year of rows.
 */
export async function teamTrendEnds(db: Executor, teamId: number, from: IsoDate): Promise<TrendPoint[]> {
  const end = (order: typeof asc) =>
    db
      .select({ day: teamSnapshots.day, source: teamSnapshots.source, ...countColumns })
      .from(teamSnapshots)
      .where(and(eq(teamSnapshots.teamId, teamId), gte(teamSnapshots.day, from)))
      .orderBy(order(teamSnapshots.day))
      .limit(1);
  const [first] = await end(asc);
  const [last] = await end(desc);
  return first && last && first.day !== last.day ? [first, last] : first ? [first] : [];
}

/** The organisation's first and latest days from `from` on, each summed over its teams (as orgTrend sums them). */
export async function orgTrendEnds(db: Executor, orgId: number, from: IsoDate): Promise<TrendPoint[]> {
  const [span] = await db
    .select({ first: sql<string | null>`min(${teamSnapshots.day})`, last: sql<string | null>`max(${teamSnapshots.day})` })
    .from(teamSnapshots)
    .where(and(eq(teamSnapshots.orgId, orgId), gte(teamSnapshots.day, from)));
  if (!span?.first || !span.last) return [];
  return orgSums(db, orgId, inArray(teamSnapshots.day, [...new Set([span.first, span.last])]));
}

/** The team ids of an organisation that have rows (for tests and the bench). */
export async function snapshotTeams(db: Executor, orgId: number, day: IsoDate): Promise<number[]> {
  const rows = await db
    .select({ teamId: teamSnapshots.teamId })
    .from(teamSnapshots)
    .where(and(eq(teamSnapshots.orgId, orgId), eq(teamSnapshots.day, day)));
  return rows.map((r) => r.teamId);
}
