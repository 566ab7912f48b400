import { describe, expect, it } from 'vitest';
import type { CellRatings } from '#domain/skills-matrix.ts';
import { historySeries, latestBySkill, learnNext, personSkills } from '#domain/skills-person.ts';
import { DAY, T0, ladders, rec, skills } from './skills-fixtures.ts';

describe('one person', () => {
  const ratings = new Map<string, CellRatings>([
    ['a', { self: { level: 3, ratedAt: 1 }, manager: { level: 1, ratedAt: 2 } }],
    ['c', { self: { level: 2, ratedAt: 1 }, manager: null }],
    ['e', { self: { level: 4, ratedAt: 1 }, manager: null }],
  ]);
  const junior = ladders[0]!.tiers[0]!.targets;
  const senior = ladders[0]!.tiers[1]!.targets;

  it('lists targeted and rated skills, largest gap first, unrated targets after gaps', () => {
    const rows = personSkills(skills, ratings, junior, senior);
    expect(rows.map((r) => [r.skill.id, r.gap, r.nextTarget, r.band])).toEqual([
      ['a', 1, 3, 'below'],
      ['b', null, 3, 'unrated'],
      ['c', null, 2, 'none'],
      ['e', null, null, 'none'],
    ]);
  });

  it('says what to learn next for the next tier, largest step first', () => {
    const steps = learnNext(personSkills(skills, ratings, junior, senior));
    expect(steps.map((s) => [s.skill.id, s.current, s.nextTarget, s.missing])).toEqual([
      ['b', null, 3, 3],
      ['a', 1, 3, 2],
    ]);
  });

  it('draws history as steps, one point per day, the day’s last rating winning', () => {
    const series = historySeries([
      rec(1, 1, 'a', 'self', 1, 0),
      rec(3, 1, 'a', 'manager', 2, 10),
      rec(2, 1, 'a', 'self', 2, 10),
      rec(4, 1, 'a', 'manager', 3, 10),
      rec(5, 1, 'a', 'self', 3, 30),
    ]);
    expect(series).toEqual([
      { date: '2026-01-01', self: 1, manager: null },
      { date: '2026-01-11', self: 2, manager: 3 },
      { date: '2026-01-31', self: 3, manager: 3 },
    ]);
  });

  it('keys a person’s latest ratings by skill id', () => {
    const latest = latestBySkill([rec(1, 7, 'a', 'self', 1, 0), rec(2, 7, 'a', 'self', 3, 5), rec(3, 7, 'b', 'manager', 2, 1)]);
    expect([...latest.keys()].sort()).toEqual(['a', 'b']);
    expect(latest.get('a')).toEqual({ self: { level: 3, ratedAt: T0 + 5 * DAY }, manager: null });
    expect(latest.get('b')).toEqual({ self: null, manager: { level: 2, ratedAt: T0 + DAY } });
  });
});
