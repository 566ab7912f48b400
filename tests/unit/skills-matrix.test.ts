import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Level } from '#domain/scale.ts';
import {
  bandOf,
  buildSkillMatrix,
  cellKey,
  cellText,
  coverage,
  currentLevel,
  latestRatings,
  skillMatrixCell,
  NO_SKILL_FILTERS,
  parseMatrixQuery,
  orgCoverageSummary,
  type CellRatings,
  type MatrixSkill,
} from '#domain/skills-matrix.ts';
import { DAY, T0, ladders, people, rec, skills } from './skills-fixtures.ts';

describe('latest ratings', () => {
  it('keeps the newest self and the newest manager rating, separately and never averaged', () => {
    const cells = latestRatings([
      rec(1, 1, 'a', 'self', 1, 0),
      rec(2, 1, 'a', 'self', 3, 5),
      rec(3, 1, 'a', 'manager', 2, 3),
      rec(4, 1, 'a', 'manager', 1, 1),
    ]);
    expect(cells.get(cellKey(1, 'a'))).toEqual({ self: { level: 3, ratedAt: T0 + 5 * DAY }, manager: { level: 2, ratedAt: T0 + 3 * DAY } });
  });

  it('breaks a tie on the same instant by the later record', () => {
    const cells = latestRatings([rec(9, 1, 'a', 'manager', 4, 2), rec(3, 1, 'a', 'manager', 1, 2)]);
    expect(cells.get(cellKey(1, 'a'))!.manager!.level).toBe(4);
  });

  it('does not depend on the order records arrive in (property)', () => {
    const record = fc.record({
      subjectId: fc.integer({ min: 1, max: 3 }),
      skillId: fc.constantFrom('a', 'b'),
      kind: fc.constantFrom('self' as const, 'manager' as const),
      level: fc.integer({ min: 0, max: 4 }).map((n) => n as Level),
      ratedAt: fc.integer({ min: 0, max: 5 }).map((d) => T0 + d * DAY),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.integer(), (raw, seed) => {
        const records = raw.map((r, i) => ({ ...r, id: i + 1 }));
        const shuffled = [...records].sort((x, y) => ((x.id * 7919 + seed) % 97) - ((y.id * 7919 + seed) % 97));
        const latest = latestRatings(shuffled);
        // Brute force: for each key and kind, the record no other beats.
        for (const r of records) {
          const newest = records
            .filter((o) => o.subjectId === r.subjectId && o.skillId === r.skillId && o.kind === r.kind)
            .reduce((best, o) => (o.ratedAt > best.ratedAt || (o.ratedAt === best.ratedAt && o.id > best.id) ? o : best));
          expect(latest.get(cellKey(r.subjectId, r.skillId))![r.kind]).toEqual({ level: newest.level, ratedAt: newest.ratedAt });
        }
      }),
    );
  });

  it('uses the manager rating for the current level when there is one, else the self rating', () => {
    expect(currentLevel({ self: { level: 4, ratedAt: 0 }, manager: { level: 2, ratedAt: 0 } })).toBe(2);
    expect(currentLevel({ self: { level: 4, ratedAt: 0 }, manager: null })).toBe(4);
    expect(currentLevel(undefined)).toBeNull();
  });
});

describe('cells', () => {
  it('bands a cell by its gap to the target', () => {
    expect(bandOf(null, 3)).toBe('none');
    expect(bandOf(3, null)).toBe('unrated');
    expect(bandOf(3, 3)).toBe('met');
    expect(bandOf(3, 4)).toBe('met');
    expect(bandOf(3, 2)).toBe('below');
    expect(bandOf(3, 0)).toBe('far');
  });

  it('shows self, manager and target side by side', () => {
    const cell = skillMatrixCell({ self: { level: 3, ratedAt: 0 }, manager: { level: 1, ratedAt: 0 } }, 3);
    expect(cell).toEqual({ self: 3, manager: 1, target: 3, gap: 2, band: 'far' });
    expect(cellText(cell)).toBe('S3 M1 T3');
    expect(cellText(skillMatrixCell(undefined, null))).toBe('S– M– T–');
  });
});

describe('coverage', () => {
  const cells = new Map<string, CellRatings>([
    [cellKey(1, 'a'), { self: { level: 4, ratedAt: 0 }, manager: null }],
    [cellKey(2, 'a'), { self: { level: 4, ratedAt: 0 }, manager: { level: 2, ratedAt: 0 } }],
    [cellKey(2, 'b'), { self: null, manager: { level: 3, ratedAt: 0 } }],
    [cellKey(3, 'b'), { self: { level: 3, ratedAt: 0 }, manager: null }],
  ]);

  it('counts people at proficient (3) or above and flags a skill only one person holds', () => {
    const cover = coverage([1, 2, 3], ['a', 'b', 'c'], cells);
    expect(cover.get('a')).toEqual({ skillId: 'a', holders: [1], proficient: 1, singlePointOfFailure: true });
    expect(cover.get('b')).toMatchObject({ holders: [2, 3], proficient: 2, singlePointOfFailure: false });
    expect(cover.get('c')).toMatchObject({ proficient: 0, singlePointOfFailure: false });
  });

  it('counts only the people shown', () => {
    expect(coverage([3], ['b'], cells).get('b')).toMatchObject({ holders: [3], singlePointOfFailure: true });
  });

  it('flags a single point of failure exactly when one person holds the skill (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), { maxLength: 12 }), (levels) => {
        const map = new Map<string, CellRatings>();
        levels.forEach((l, i) => l !== null && map.set(cellKey(i, 'x'), { self: null, manager: { level: l as Level, ratedAt: 0 } }));
        const c = coverage(
          levels.map((_, i) => i),
          ['x'],
          map,
        ).get('x')!;
        expect(c.proficient).toBe(levels.filter((l) => l !== null && l >= 3).length);
        expect(c.singlePointOfFailure).toBe(c.proficient === 1);
      }),
    );
  });
});

describe('organisation coverage', () => {
  const skill = (id: string, position: number): MatrixSkill => ({ id, name: id.toUpperCase(), category: 'technical', position });
  const skills = [skill('a', 1), skill('b', 2), skill('c', 3), skill('d', 4)];

  it('orders rated skills by the share at proficient, then catalog order, and lists unrated ones apart', () => {
    const summary = orgCoverageSummary(skills, [
      { skillId: 'a', rated: 10, proficient: 9 },
      { skillId: 'b', rated: 4, proficient: 1 },
      { skillId: 'd', rated: 8, proficient: 2 },
    ]);
    expect(summary.weakest.map((r) => [r.skill.id, r.rated, r.proficient, r.share])).toEqual([
      ['b', 4, 1, 0.25],
      ['d', 8, 2, 0.25],
      ['a', 10, 9, 0.9],
    ]);
    expect(summary.unrated.map((s) => s.id)).toEqual(['c']);
  });

  it('keeps only skills of the catalog it is given, and at most `limit` of the weakest', () => {
    const summary = orgCoverageSummary(
      skills.slice(0, 3),
      [
        { skillId: 'zz-retired', rated: 3, proficient: 0 },
        { skillId: 'a', rated: 2, proficient: 2 },
        { skillId: 'b', rated: 2, proficient: 0 },
      ],
      1,
    );
    expect(summary.weakest.map((r) => r.skill.id)).toEqual(['b']);
    expect(summary.unrated.map((s) => s.id)).toEqual(['c']);
  });
});

describe('the matrix', () => {
  const cells = latestRatings([
    rec(1, 1, 'a', 'manager', 0, 1), // Zoe: a target 2 → gap 2
    rec(2, 1, 'b', 'self', 1, 1), // Zoe: b target 1 → met
    rec(3, 2, 'a', 'manager', 3, 1), // Adam: a target 3 → met
    rec(4, 2, 'b', 'manager', 2, 1), // Adam: b target 3 → gap 1
    rec(5, 2, 'c', 'self', 0, 1), // Adam: c target 2 → gap 2
    rec(6, 3, 'e', 'self', 4, 1), // Lee: e has no target, but a rating
  ]);
  const input = { people, skills, cells, ladders };

  it('shows people by name and the skills that matter to someone shown, in catalog order', () => {
    const view = buildSkillMatrix(input, NO_SKILL_FILTERS);
    expect(view.rows.map((r) => r.person.name)).toEqual(['Adam', 'Lee', 'Zoe']);
    expect(view.columns.map((c) => c.skill.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const adam = view.rows[0]!;
    expect(adam.cells.map((c) => c.band)).toEqual(['met', 'below', 'far', 'none', 'none']);
    expect(adam.totalGap).toBe(3);
    expect(adam.below).toBe(2);
  });

  it('filters skills by category and people by role and tier', () => {
    expect(buildSkillMatrix(input, { ...NO_SKILL_FILTERS, category: 'technical' }).columns.map((c) => c.skill.id)).toEqual(['b', 'c']);
    const juniors = buildSkillMatrix(input, { ...NO_SKILL_FILTERS, role: 'ops', tier: 'junior' });
    expect(juniors.rows.map((r) => r.person.name)).toEqual(['Zoe']);
    expect(juniors.columns.map((c) => c.skill.id)).toEqual(['a', 'b']);
    expect(buildSkillMatrix(input, { ...NO_SKILL_FILTERS, tier: 'senior' }).rows.map((r) => r.person.name)).toEqual(['Adam', 'Lee']);
  });

  it('sorts by largest gap: people and skills with the largest total gap first', () => {
    const view = buildSkillMatrix(input, { ...NO_SKILL_FILTERS, sort: 'gap' });
    expect(view.rows.map((r) => [r.person.name, r.totalGap])).toEqual([
      ['Adam', 3],
      ['Zoe', 2],
      ['Lee', 0],
    ]);
    expect(view.columns.map((c) => [c.skill.id, c.totalGap])).toEqual([
      ['a', 2],
      ['c', 2],
      ['b', 1],
      ['d', 0],
      ['e', 0],
    ]);
  });

  it('keeps every cell under its own column whatever the sort and filters (property)', () => {
    const arbitraryCells = fc.array(
      fc.record({
        subjectId: fc.constantFrom(1, 2, 3),
        skillId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        kind: fc.constantFrom('self' as const, 'manager' as const),
        level: fc.integer({ min: 0, max: 4 }).map((n) => n as Level),
        ratedAt: fc.nat(10),
      }),
      { maxLength: 30 },
    );
    const filters = fc.record({
      category: fc.constantFrom(null, 'foundational' as const, 'technical' as const, 'soft' as const),
      role: fc.constantFrom(null, 'ops', 'lead'),
      tier: fc.constantFrom(null, 'junior', 'senior'),
      sort: fc.constantFrom('name' as const, 'gap' as const),
    });
    fc.assert(
      fc.property(arbitraryCells, filters, (raw, f) => {
        const latest = latestRatings(raw.map((r, i) => ({ ...r, id: i + 1 })));
        const view = buildSkillMatrix({ ...input, cells: latest }, f);
        for (const row of view.rows) {
          view.columns.forEach((col, i) => {
            const target =
              ladders.find((l) => l.slug === row.person.jobRole)?.tiers.find((t) => t.id === row.person.tier)?.targets[col.skill.id] ??
              null;
            expect(row.cells[i]).toEqual(skillMatrixCell(latest.get(cellKey(row.person.id, col.skill.id)), target));
          });
          expect(row.totalGap).toBe(row.cells.reduce((s, c) => s + Math.max(c.gap ?? 0, 0), 0));
        }
        if (f.sort === 'gap') {
          for (let i = 1; i < view.rows.length; i++) expect(view.rows[i - 1]!.totalGap).toBeGreaterThanOrEqual(view.rows[i]!.totalGap);
        }
      }),
    );
  });

  it('lists the single points of failure among the columns', () => {
    const view = buildSkillMatrix(input, NO_SKILL_FILTERS);
    expect(view.singlePointsOfFailure.map((c) => [c.skill.id, c.coverage.holders])).toEqual([
      ['a', [2]],
      ['e', [3]],
    ]);
  });
});

describe('the matrix query string', () => {
  const known = { roles: ['ops', 'lead'], tiers: ['junior', 'senior'] };
  it('reads the filters the form sends', () => {
    expect(parseMatrixQuery(new URLSearchParams('team=4&category=soft&role=ops&tier=senior&sort=gap'), known)).toEqual({
      team: '4',
      category: 'soft',
      role: 'ops',
      tier: 'senior',
      sort: 'gap',
    });
  });
  it('ignores what the form could not have sent', () => {
    expect(parseMatrixQuery(new URLSearchParams('team=x1&category=magic&role=ceo&tier=<b>&sort=random'), known)).toEqual({
      team: null,
      category: null,
      role: null,
      tier: null,
      sort: 'name',
    });
  });
});
