import { describe, expect, it } from 'vitest';
import type { Ladder } from '#domain/skills.ts';
import type { RatingRecord } from '#domain/skills-matrix.ts';
import {
  backfillDays,
  MISSED_DAYS_REACH,
  missedDays,
  cellsAsOf,
  certRecordsAsOf,
  chartPoints,
  plansAsOf,
  share,
  sumCounts,
  teamSnapshot,
  trendChange,
  trendCsvRows,
  type SnapshotInput,
  type SnapshotPlan,
} from '#domain/trends.ts';

const DAY = 86_400_000;
const at = (day: string) => Date.parse(`${day}T00:00:00Z`);

const ladder: Ladder = {
  slug: 'ops',
  title: 'Ops',
  skills: ['a', 'b'],
  tiers: [
    { id: 't1', title: 'One', targets: { a: 3, b: 2 } },
    { id: 't2', title: 'Two', targets: {} },
  ] as unknown as Ladder['tiers'],
};

const rating = (
  id: number,
  subjectId: number,
  skillId: string,
  level: 0 | 1 | 2 | 3 | 4,
  day: string,
  kind: 'self' | 'manager' = 'manager',
): RatingRecord => ({
  id,
  subjectId,
  skillId,
  kind,
  level,
  ratedAt: at(day),
});

function input(over: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    day: '2026-06-30',
    cutoff: at('2026-07-01'),
    people: [
      { id: 1, jobRole: 'ops', tier: 't1' },
      { id: 2, jobRole: 'ops', tier: 't1' },
      { id: 3, jobRole: 'ops', tier: 't2' },
    ],
    ladders: [ladder],
    cells: new Map(),
    certRecords: [],
    required: new Map(),
    validity: new Map([['cert', { kind: 'months', months: 12 }]]),
    leadDays: [30],
    plans: [],
    ...over,
  };
}

describe('cellsAsOf', () => {
  it('keeps only ratings given before the cut-off, latest winning', () => {
    const records = [rating(1, 1, 'a', 1, '2026-01-01'), rating(2, 1, 'a', 4, '2026-03-01'), rating(3, 1, 'a', 2, '2026-05-01')];
    expect(cellsAsOf(records, at('2026-04-01')).get('1:a')?.manager?.level).toBe(4);
    expect(cellsAsOf(records, at('2026-06-01')).get('1:a')?.manager?.level).toBe(2);
    expect(cellsAsOf(records, at('2025-12-01')).size).toBe(0);
  });
});

describe('teamSnapshot skills', () => {
  it('counts covered skills and people below target with the matrix rules (manager rating wins over self)', () => {
    const records = [
      rating(1, 1, 'a', 3, '2026-01-01'),
      rating(2, 1, 'b', 1, '2026-01-01'), // below target 2
      rating(3, 2, 'a', 4, '2026-01-01', 'self'),
      rating(4, 2, 'a', 2, '2026-02-01', 'manager'), // manager's 2 counts: below 3
      rating(5, 2, 'b', 2, '2026-01-01'),
    ];
    const counts = teamSnapshot(input({ cells: cellsAsOf(records, at('2026-07-01')) }));
    expect(counts.people).toBe(3);
    expect(counts.peopleWithTargets).toBe(2);
    expect(counts.skillsTargeted).toBe(2);
    expect(counts.skillsCovered).toBe(1); // a by person 1; b nobody at 3+
    expect(counts.peopleBelowTarget).toBe(2);
  });

  it('does not count an unrated skill as below target', () => {
    const counts = teamSnapshot(input());
    expect(counts.peopleBelowTarget).toBe(0);
    expect(counts.skillsCovered).toBe(0);
  });
});

describe('teamSnapshot certifications', () => {
  const required = new Map([['ops/t1', new Set(['cert'])]]);
  const earned = (id: number, userId: number, earnedOn: string, expiresOn: string | null) => ({
    id,
    userId,
    certificationId: 'cert',
    status: 'earned' as const,
    earnedOn,
    expiresOn,
    renewsRecordId: null,
  });

  it('counts valid, expiring, expired and missing as the compliance page would on that day', () => {
    const certRecords = [earned(1, 1, '2025-09-01', '2026-09-01'), earned(2, 2, '2025-07-15', '2026-07-15')];
    expect(teamSnapshot(input({ required, certRecords }))).toMatchObject({
      certsRequired: 2,
      certsValid: 1,
      certsExpiring: 1,
      certsExpired: 0,
      certsMissing: 0,
    });
    const later = teamSnapshot(input({ required, certRecords, day: '2026-08-10', cutoff: at('2026-08-11') }));
    expect(later).toMatchObject({ certsValid: 0, certsExpiring: 1, certsExpired: 1 });
  });

  it('a certificate earned after the day is missing on that day', () => {
    const certRecords = [earned(1, 1, '2026-07-10', '2027-07-10')];
    expect(teamSnapshot(input({ required, certRecords }))).toMatchObject({ certsRequired: 2, certsMissing: 2 });
    expect(certRecordsAsOf(certRecords, '2026-07-10')).toHaveLength(1);
  });

  it('a planned certificate does not count as held', () => {
    const certRecords = [{ ...earned(1, 1, '2026-01-01', null), status: 'planned' as const, earnedOn: null }];
    expect(teamSnapshot(input({ required, certRecords })).certsMissing).toBe(2);
  });
});

describe('teamSnapshot ramp plans', () => {
  const plan = (over: Partial<SnapshotPlan>): SnapshotPlan => ({
    id: 1,
    startDate: '2026-06-01',
    createdAt: at('2026-05-20'),
    endedAt: null,
    tasks: [],
    ...over,
  });

  it('gives each plan the RAG status it had on the day', () => {
    const plans = [
      plan({ id: 1, tasks: [{ id: 1, title: 'Late task', dueDay: 5, doneAt: null }] }), // 25 days overdue: red
      plan({ id: 2, tasks: [{ id: 2, title: 'Done task', dueDay: 5, doneAt: at('2026-06-04') }] }),
      plan({
        id: 3,
        tasks: [
          { id: 3, title: 'Done early', dueDay: 2, doneAt: at('2026-06-02') },
          { id: 4, title: 'Due today', dueDay: 30, doneAt: null }, // day 30 = 06-30: amber
        ],
      }),
    ];
    expect(teamSnapshot(input({ plans }))).toMatchObject({ plans: 3, plansLate: 1, plansOnTrack: 1, plansAtRisk: 1 });
  });

  it('a task done after the day was still open then; a plan ended before the day or made after it is left out', () => {
    const done = plan({ tasks: [{ id: 1, title: 'T', dueDay: 5, doneAt: at('2026-07-05') }] });
    expect(plansAsOf([done], at('2026-07-01'))[0]!.tasks[0]!.doneAt).toBeNull();
    expect(teamSnapshot(input({ plans: [done] })).plansLate).toBe(1);
    expect(plansAsOf([plan({ endedAt: at('2026-06-20') })], at('2026-07-01'))).toHaveLength(0);
    expect(plansAsOf([plan({ createdAt: at('2026-07-02') })], at('2026-07-01'))).toHaveLength(0);
    expect(plansAsOf([plan({ endedAt: at('2026-07-01') + DAY })], at('2026-07-01'))).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('back-fills the last day of each of the 12 months before this one', () => {
    const days = backfillDays('2026-12-03');
    expect(days).toHaveLength(12);
    expect(days[0]).toBe('2025-12-31');
    expect(days[1]).toBe('2026-01-31');
    expect(days[2]).toBe('2026-02-28');
    expect(days[11]).toBe('2026-11-30');
  });

  it('catches up each day after the latest daily row up to yesterday, across a month end, at most 31 days back', () => {
    expect(missedDays('2026-12-03', '2026-12-02')).toEqual([]);
    expect(missedDays('2026-12-03', '2026-12-01')).toEqual(['2026-12-02']);
    expect(missedDays('2026-12-02', '2026-11-28')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    // Never a daily row (a new team, or the first run): nothing; a rerun today: nothing.
    expect(missedDays('2026-12-03', null)).toEqual([]);
    expect(missedDays('2026-12-03', '2026-12-03')).toEqual([]);
    const long = missedDays('2026-12-03', '2026-06-01');
    expect(MISSED_DAYS_REACH).toBe(31);
    expect(long).toHaveLength(31);
    expect(long[0]).toBe('2026-11-02');
    expect(long[30]).toBe('2026-12-02');
    expect(missedDays('2026-12-03', '2026-11-01')).toEqual(long);
    expect(missedDays('2026-12-03', '2026-11-02')).toEqual(long.slice(1));
    expect(missedDays('2026-03-01', '2026-02-27', 5)).toEqual(['2026-02-28']);
  });

  it('shares are null, not 0 %, when there is nothing to share', () => {
    expect(share(0, 0)).toBeNull();
    expect(share(1, 3)).toBe(33);
  });

  it('sums teams, charts shares and writes the CSV rows', () => {
    const a = teamSnapshot(input());
    const total = sumCounts([a, a]);
    expect(total.people).toBe(6);
    const points = chartPoints([{ ...total, skillsCovered: 1, skillsTargeted: 4, day: '2026-06-30', source: 'backfill' }]);
    expect(points[0]).toMatchObject({ coverage: 25, compliant: null, backfill: true });
    const rows = trendCsvRows([{ ...total, day: '2026-06-30', source: 'daily' }]);
    expect(rows[0]![0]).toBe('Day');
    expect(rows[1]!.slice(0, 3)).toEqual(['2026-06-30', 'daily', '6']);
  });
});

describe('trendChange', () => {
  const point = (day: string, over: Partial<Record<string, number>>, source: 'daily' | 'backfill' = 'daily') =>
    ({
      day,
      source,
      people: 8,
      skillsTargeted: 0,
      skillsCovered: 0,
      peopleWithTargets: 0,
      peopleBelowTarget: 0,
      certsRequired: 0,
      certsValid: 0,
      certsExpiring: 0,
      certsExpired: 0,
      certsMissing: 0,
      plans: 0,
      plansOnTrack: 0,
      plansAtRisk: 0,
      plansLate: 0,
      ...over,
    }) as Parameters<typeof trendChange>[0][number];

  it('needs two days', () => {
    expect(trendChange([])).toBeNull();
    expect(trendChange([point('2026-12-01', {})])).toBeNull();
  });

  it('compares the first point with the latest as shares and counts, and never makes up a share of nothing', () => {
    const change = trendChange([
      point('2025-12-31', { skillsTargeted: 20, skillsCovered: 5, certsRequired: 4, certsValid: 4 }, 'backfill'),
      point('2026-06-30', { skillsTargeted: 20, skillsCovered: 19 }),
      point('2026-12-01', { skillsTargeted: 20, skillsCovered: 10, certsRequired: 4, certsValid: 3, plans: 2, plansOnTrack: 1 }),
    ])!;
    expect(change.from.day).toBe('2025-12-31');
    expect(change.to.day).toBe('2026-12-01');
    expect(change.moves.map((m) => [m.label, m.from.share, m.to.share])).toEqual([
      ['Skills covered at proficient or above', 25, 50],
      ['Required certifications valid', 100, 75],
      ['Ramp plans on track', null, 50],
    ]);
    expect(change.moves[1]!.to).toEqual({ share: 75, part: 3, whole: 4 });
  });
});
