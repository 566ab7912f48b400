// Trends (issue 17, decision 038): one team's numbers on one day, computed
// from plain rows with the rules the live pages use. Nothing here is a new
// rule: "at or above proficient" and "below target" are the matrix's
// (skill-cell.ts, skills-matrix.ts), valid / expiring / expired / missing the
// compliance matrix's (certifications.ts), on track / at risk / late the ramp
// plan's RAG (ramp.ts). What is new is the cut-off: a past day sees only the
// ratings given, certificates earned, plans started and tasks done before
// that day ended.
import { addDays, addMonths, monthOf, type IsoDate } from './calendar.ts';
import { certificationState, positionKey, type CertRecord, type CertState, type Validity } from './certifications.ts';
import { planRag, type RagLevel } from './ramp.ts';
import { bandOf, currentLevel, type CellRatings } from './skill-cell.ts';
import { cellKey, coverage, latestRatings, targetsFor, type RatingRecord } from './skills-matrix.ts';
import type { Ladder } from './skills.ts';

export const SNAPSHOT_SOURCES = ['daily', 'backfill'] as const;
export type SnapshotSource = (typeof SNAPSHOT_SOURCES)[number];

/** How many months the charts and the back-fill reach back. */
export const TREND_MONTHS = 12;

/** The numbers of one team on one day (one row of team_snapshots). */
export type SnapshotCounts = {
  /** Members counted (the team's active members). */
  people: number;
  /** Skills some member's tier targets. */
  skillsTargeted: number;
  /** Of those, skills at least one member holds at proficient (3) or above. */
  skillsCovered: number;
  /** Members whose tier sets at least one target. */
  peopleWithTargets: number;
  /** Members with at least one targeted skill rated below its target (unrated skills are not counted as below). */
  peopleBelowTarget: number;
  /** Required certifications, one per member and certification their tier requires. */
  certsRequired: number;
  /** Held and not expiring within the largest reminder window (lifetime and unknown expiry included). */
  certsValid: number;
  certsExpiring: number;
  certsExpired: number;
  /** Required and not held. */
  certsMissing: number;
  /** Ramp plans running on the day (started or about to start, not yet ended). */
  plans: number;
  plansOnTrack: number;
  plansAtRisk: number;
  /** Off track (Red). */
  plansLate: number;
};

export const SNAPSHOT_FIELDS = [
  'people',
  'skillsTargeted',
  'skillsCovered',
  'peopleWithTargets',
  'peopleBelowTarget',
  'certsRequired',
  'certsValid',
  'certsExpiring',
  'certsExpired',
  'certsMissing',
  'plans',
  'plansOnTrack',
  'plansAtRisk',
  'plansLate',
] as const satisfies readonly (keyof SnapshotCounts)[];

export const FIELD_LABELS: Record<keyof SnapshotCounts, string> = {
  people: 'People',
  skillsTargeted: 'Skills targeted',
  skillsCovered: 'Skills covered at proficient or above',
  peopleWithTargets: 'People with targets',
  peopleBelowTarget: 'People below target',
  certsRequired: 'Required certifications',
  certsValid: 'Valid',
  certsExpiring: 'Expiring',
  certsExpired: 'Expired',
  certsMissing: 'Missing',
  plans: 'Ramp plans',
  plansOnTrack: 'On track',
  plansAtRisk: 'At risk',
  plansLate: 'Late (off track)',
};

export type SnapshotPerson = { id: number; jobRole: string | null; tier: string | null };

/** A ramp plan with its tasks, as the tables hold them. */
export type SnapshotPlan = {
  id: number;
  startDate: IsoDate;
  /** When the plan row was written (ms); a plan is not counted before it existed. */
  createdAt: number;
  /** When it was completed or closed (ms), or null while active. */
  endedAt: number | null;
  tasks: readonly { id: number; title: string; dueDay: number; doneAt: number | null }[];
};

export type SnapshotInput = {
  /** The day in the organisation's calendar. */
  day: IsoDate;
  /** The first instant after that day (the start of the next local day, ms): what happened before it counts. */
  cutoff: number;
  people: readonly SnapshotPerson[];
  /** The ladders with the organisation's targets in force. */
  ladders: readonly Ladder[];
  /** Latest self and manager rating per person x skill (cellKey) as of the cut-off. */
  cells: ReadonlyMap<string, CellRatings>;
  /** The members' certification records (any status). */
  certRecords: readonly (CertRecord & { userId: number })[];
  /** Position key -> certification ids the organisation requires. */
  required: ReadonlyMap<string, ReadonlySet<string>>;
  /** Validity by certification id (from the catalog); unknown ids count as unknown validity. */
  validity: ReadonlyMap<string, Validity>;
  leadDays: readonly number[];
  /** The members' ramp plans, any status. */
  plans: readonly SnapshotPlan[];
};

const UNKNOWN_VALIDITY: Validity = { kind: 'unknown', note: '' };

/** The latest ratings as of `cutoff`: only ratings given before it count (the same latest-wins rule as the matrix). */
export function cellsAsOf(records: Iterable<RatingRecord>, cutoff: number): Map<string, CellRatings> {
  const before: RatingRecord[] = [];
  for (const r of records) if (r.ratedAt < cutoff) before.push(r);
  return latestRatings(before);
}

/**
 * Certification records as they stood on `day`: earned records earned on or
 * before it. Plans are dropped: a required certificate that is only planned
 * counts as missing, as on the compliance page.
 */
export function certRecordsAsOf<R extends CertRecord>(records: readonly R[], day: IsoDate): R[] {
  return records.filter((r) => r.status === 'earned' && r.earnedOn !== null && r.earnedOn <= day);
}

/** Plans running at the cut-off, with each task done only if it was done before it. */
export function plansAsOf(plans: readonly SnapshotPlan[], cutoff: number): SnapshotPlan[] {
  return plans
    .filter((p) => p.createdAt < cutoff && (p.endedAt === null || p.endedAt >= cutoff))
    .map((p) => ({ ...p, tasks: p.tasks.map((t) => ({ ...t, doneAt: t.doneAt !== null && t.doneAt < cutoff ? t.doneAt : null })) }));
}

const VALID_STATES: ReadonlySet<CertState> = new Set(['valid', 'lifetime', 'unknown-expiry']);
const RAG_FIELD: Record<RagLevel, 'plansOnTrack' | 'plansAtRisk' | 'plansLate'> = {
  green: 'plansOnTrack',
  amber: 'plansAtRisk',
  red: 'plansLate',
};

/** One team's numbers on `input.day`. */
export function teamSnapshot(input: SnapshotInput): SnapshotCounts {
  const { people, ladders, cells, day } = input;
  const counts: SnapshotCounts = Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, 0])) as SnapshotCounts;
  counts.people = people.length;

  // Skills: targets per person, coverage over the skills anyone's tier targets.
  const targeted = new Set<string>();
  for (const person of people) {
    const targets = targetsFor(ladders, person.jobRole, person.tier);
    const ids = targets ? Object.keys(targets) : [];
    if (ids.length === 0) continue;
    counts.peopleWithTargets += 1;
    let below = false;
    for (const skillId of ids) {
      targeted.add(skillId);
      const band = bandOf(targets![skillId]!, currentLevel(cells.get(cellKey(person.id, skillId))));
      if (band === 'below' || band === 'far') below = true;
    }
    if (below) counts.peopleBelowTarget += 1;
  }
  counts.skillsTargeted = targeted.size;
  const covered = coverage(
    people.map((p) => p.id),
    [...targeted],
    cells,
  );
  for (const c of covered.values()) if (c.proficient > 0) counts.skillsCovered += 1;

  // Required certifications, in the compliance matrix's states as of the day.
  const byPerson = new Map<number, (CertRecord & { userId: number })[]>();
  for (const r of certRecordsAsOf(input.certRecords, day)) {
    const list = byPerson.get(r.userId);
    if (list) list.push(r);
    else byPerson.set(r.userId, [r]);
  }
  for (const person of people) {
    const key = positionKey(person.jobRole, person.tier);
    const required = key ? input.required.get(key) : undefined;
    if (!required) continue;
    const mine = byPerson.get(person.id) ?? [];
    for (const certificationId of required) {
      const view = certificationState(
        {
          records: mine.filter((r) => r.certificationId === certificationId),
          required: true,
          recommended: false,
          today: day,
          leadDays: input.leadDays,
        },
        input.validity.get(certificationId) ?? UNKNOWN_VALIDITY,
      );
      counts.certsRequired += 1;
      if (VALID_STATES.has(view.state)) counts.certsValid += 1;
      else if (view.state === 'expiring') counts.certsExpiring += 1;
      else if (view.state === 'expired') counts.certsExpired += 1;
      else counts.certsMissing += 1;
    }
  }

  // Ramp plans: the RAG status each plan had on the day.
  for (const plan of plansAsOf(input.plans, input.cutoff)) {
    const rag = planRag(
      plan.tasks.map((t) => ({ id: t.id, title: t.title, dueDay: t.dueDay, done: t.doneAt !== null })),
      plan.startDate,
      day,
    );
    counts.plans += 1;
    counts[RAG_FIELD[rag.level]] += 1;
  }
  return counts;
}

/** Adds teams' counts into the organisation's (every field is a count, so sums are exact). */
export function sumCounts(rows: readonly SnapshotCounts[]): SnapshotCounts {
  const total = Object.fromEntries(SNAPSHOT_FIELDS.map((f) => [f, 0])) as SnapshotCounts;
  for (const row of rows) for (const f of SNAPSHOT_FIELDS) total[f] += row[f];
  return total;
}

/**
 * The days a back-fill computes: the last day of each of the TREND_MONTHS
 * months before today's month, oldest first (monthly points; the daily job
 * fills in from today on).
 */
export function backfillDays(today: IsoDate, months = TREND_MONTHS): IsoDate[] {
  const firstOfMonth = `${monthOf(today)}-01`;
  const days: IsoDate[] = [];
  for (let i = months; i >= 1; i -= 1) days.push(addDays(addMonths(firstOfMonth, 1 - i), -1));
  return days;
}

/** How many days back the daily job catches up the days it missed (the server was down). */
export const MISSED_DAYS_REACH = 31;

/**
 * The days the daily job missed for a team: each day after the team's latest
 * daily row up to yesterday, at most `maxDays` back, oldest first. A team with
 * no daily row before today catches up nothing: its past is the month-end
 * back-fill, and a rerun on its first day must not find more to do. (Not
 * the notifications' catchUpDays: that one reaches 7 days, for messages, and
 * counts the run's own day.)
 */
export function missedDays(today: IsoDate, latestDaily: IsoDate | null, maxDays = MISSED_DAYS_REACH): IsoDate[] {
  if (latestDaily === null || latestDaily >= today) return [];
  const earliest = addDays(today, -maxDays);
  const days: IsoDate[] = [];
  for (let d = latestDaily < earliest ? earliest : addDays(latestDaily, 1); d < today; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The first day the trend charts show: TREND_MONTHS months before today. */
export const trendStart = (today: IsoDate): IsoDate => addMonths(today, -TREND_MONTHS);

/** Share in whole percent, null when there is nothing to share out (never a made-up 0 % or 100 %). */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 100);
}

export type TrendPoint = SnapshotCounts & { day: IsoDate; source: SnapshotSource };

/** The chart's series: coverage and compliance as shares, so teams of any size read alike. */
export type ChartPoint = { day: IsoDate; coverage: number | null; compliant: number | null; onTrack: number | null; backfill: boolean };

export function chartPoints(points: readonly TrendPoint[]): ChartPoint[] {
  return points.map((p) => ({
    day: p.day,
    coverage: share(p.skillsCovered, p.skillsTargeted),
    compliant: share(p.certsValid, p.certsRequired),
    onTrack: share(p.plansOnTrack, p.plans),
    backfill: p.source === 'backfill',
  }));
}

/** The CSV of a trend: one row per day, every count, and where the row came from. */
export function trendCsvRows(points: readonly TrendPoint[]): string[][] {
  const header = ['Day', 'Source', ...SNAPSHOT_FIELDS.map((f) => FIELD_LABELS[f])];
  return [header, ...points.map((p) => [p.day, p.source, ...SNAPSHOT_FIELDS.map((f) => String(p[f]))])];
}

/** One measure of a trend from its first point to its latest: the share (percent, null when nothing to count) and its counts. */
export type TrendMove = {
  label: string;
  from: { share: number | null; part: number; whole: number };
  to: { share: number | null; part: number; whole: number };
};
export type TrendChange = { from: TrendPoint; to: TrendPoint; moves: TrendMove[] };

/**
 * How a team (or the organisation) moved between the first and the latest
 * snapshot of the window, for the pages that show the change in a sentence
 * and link to the chart: null until there are two days to compare.
 */
export function trendChange(points: readonly TrendPoint[]): TrendChange | null {
  if (points.length < 2) return null;
  const from = points[0]!;
  const to = points[points.length - 1]!;
  const move = (label: string, part: keyof SnapshotCounts, whole: keyof SnapshotCounts): TrendMove => ({
    label,
    from: { share: share(from[part], from[whole]), part: from[part], whole: from[whole] },
    to: { share: share(to[part], to[whole]), part: to[part], whole: to[whole] },
  });
  return {
    from,
    to,
    moves: [
      move('Skills covered at proficient or above', 'skillsCovered', 'skillsTargeted'),
      move('Required certifications valid', 'certsValid', 'certsRequired'),
      move('Ramp plans on track', 'plansOnTrack', 'plans'),
    ],
  };
}
