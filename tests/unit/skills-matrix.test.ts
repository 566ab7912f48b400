import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Level } from '#domain/scale.ts';
import type { Ladder } from '#domain/skills.ts';
import { parseCsv } from '#domain/csv.ts';
import {
  bandOf,
  buildMatrix,
  cellKey,
  cellText,
  coverage,
  currentLevel,
  historySeries,
  importIdentity,
  latestRatings,
  learnNext,
  matrixCell,
  NO_FILTERS,
  parseLevel,
  parseMatrixQuery,
  personSkills,
  skillIdFromName,
  validateImport,
  orgCoverageSummary,
  type CellRatings,
  type ImportContext,
  type MatrixPerson,
  type MatrixSkill,
  type RatingRecord,
} from '#domain/skills-matrix.ts';
import { isIsoDate } from '#domain/calendar.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

const ladders: Ladder[] = [
  {
    slug: 'ops',
    title: 'Ops',
    skills: ['a', 'b', 'c'],
    tiers: [
      { id: 'junior', title: 'Junior', yearsMin: 0, yearsMax: 2, targets: { a: 2, b: 1 } },
      { id: 'senior', title: 'Senior', yearsMin: 2, yearsMax: null, targets: { a: 3, b: 3, c: 2 } },
    ],
  },
  {
    slug: 'lead',
    title: 'Lead',
    skills: ['c', 'd'],
    tiers: [{ id: 'senior', title: 'Lead', yearsMin: 5, yearsMax: null, targets: { c: 4, d: 3 } }],
  },
];

const skills: MatrixSkill[] = [
  { id: 'a', name: 'Alpha', category: 'foundational', position: 0 },
  { id: 'b', name: 'Beta', category: 'technical', position: 1 },
  { id: 'c', name: 'Gamma', category: 'technical', position: 2 },
  { id: 'd', name: 'Delta', category: 'soft', position: 3 },
  { id: 'e', name: 'Epsilon', category: 'soft', position: 4 },
];

const people: MatrixPerson[] = [
  { id: 1, name: 'Zoe', jobRole: 'ops', tier: 'junior' },
  { id: 2, name: 'Adam', jobRole: 'ops', tier: 'senior' },
  { id: 3, name: 'Lee', jobRole: 'lead', tier: 'senior' },
];

const rec = (id: number, subjectId: number, skillId: string, kind: 'self' | 'manager', level: Level, day: number): RatingRecord => ({
  id,
  subjectId,
  skillId,
  kind,
  level,
  ratedAt: T0 + day * DAY,
});

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
    const cell = matrixCell({ self: { level: 3, ratedAt: 0 }, manager: { level: 1, ratedAt: 0 } }, 3);
    expect(cell).toEqual({ self: 3, manager: 1, target: 3, gap: 2, band: 'far' });
    expect(cellText(cell)).toBe('S3 M1 T3');
    expect(cellText(matrixCell(undefined, null))).toBe('S– M– T–');
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
    const view = buildMatrix(input, NO_FILTERS);
    expect(view.rows.map((r) => r.person.name)).toEqual(['Adam', 'Lee', 'Zoe']);
    expect(view.columns.map((c) => c.skill.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const adam = view.rows[0]!;
    expect(adam.cells.map((c) => c.band)).toEqual(['met', 'below', 'far', 'none', 'none']);
    expect(adam.totalGap).toBe(3);
    expect(adam.below).toBe(2);
  });

  it('filters skills by category and people by role and tier', () => {
    expect(buildMatrix(input, { ...NO_FILTERS, category: 'technical' }).columns.map((c) => c.skill.id)).toEqual(['b', 'c']);
    const juniors = buildMatrix(input, { ...NO_FILTERS, role: 'ops', tier: 'junior' });
    expect(juniors.rows.map((r) => r.person.name)).toEqual(['Zoe']);
    expect(juniors.columns.map((c) => c.skill.id)).toEqual(['a', 'b']);
    expect(buildMatrix(input, { ...NO_FILTERS, tier: 'senior' }).rows.map((r) => r.person.name)).toEqual(['Adam', 'Lee']);
  });

  it('sorts by largest gap: people and skills with the largest total gap first', () => {
    const view = buildMatrix(input, { ...NO_FILTERS, sort: 'gap' });
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
        const view = buildMatrix({ ...input, cells: latest }, f);
        for (const row of view.rows) {
          view.columns.forEach((col, i) => {
            const target =
              ladders.find((l) => l.slug === row.person.jobRole)?.tiers.find((t) => t.id === row.person.tier)?.targets[col.skill.id] ??
              null;
            expect(row.cells[i]).toEqual(matrixCell(latest.get(cellKey(row.person.id, col.skill.id)), target));
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
    const view = buildMatrix(input, NO_FILTERS);
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
});

describe('CSV import validation', () => {
  const ctx: ImportContext = {
    people: new Map([
      ['tom@x.test', 11],
      ['ana@x.test', 12],
    ]),
    skills: new Map([
      ['spreadsheets', 'spreadsheets'],
      ['spreadsheets (excel, google sheets)', 'spreadsheets'],
      ['erp-systems', 'erp-systems'],
    ]),
    today: '2026-11-22',
    scope: 'your teams',
  };
  const check = (text: string) => {
    const parsed = parseCsv(text);
    return validateImport(parsed.records, ctx, parsed.problems);
  };

  it('accepts a good file: ids or names, levels as numbers or words, optional date and note', () => {
    const result = check(
      'Email,Skill,Level,Date,Note\nTom@X.test,spreadsheets,3,2026-10-01,"Weekly report, solo"\nana@x.test,"Spreadsheets (Excel, Google Sheets)",proficient,,\nana@x.test,erp-systems,0\n',
    );
    expect(result).toEqual({
      ok: true,
      rows: [
        { line: 2, subjectId: 11, skillId: 'spreadsheets', level: 3, date: '2026-10-01', note: 'Weekly report, solo' },
        { line: 3, subjectId: 12, skillId: 'spreadsheets', level: 3, date: null, note: null },
        { line: 4, subjectId: 12, skillId: 'erp-systems', level: 0, date: null, note: null },
      ],
    });
  });

  it('lists every bad row with its line number and every reason', () => {
    const result = check(
      [
        'email,skill,level,date,note',
        'tom@x.test,spreadsheets,3,,fine',
        'nobody@x.test,spreadsheets,2,,',
        'not-an-email,juggling,7,,',
        'ana@x.test,erp-systems,2,2026-02-30,',
        'ana@x.test,spreadsheets,2,2027-01-01,',
        ',,,,',
        'tom@x.test,erp-systems,2,,"' + 'x'.repeat(501) + '"',
        'tom@x.test,spreadsheets,1,,again',
        'ana@x.test,erp-systems,1,2026-01-01,note,extra',
      ].join('\n'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    const reason = (line: number) => result.problems.find((p) => p.line === line)!.reason;
    expect(reason(3)).toBe('No one with the email nobody@x.test in your teams.');
    expect(reason(4)).toMatch(/"not-an-email" is not an email address.*Unknown skill "juggling".*Level "7" is not on the scale/);
    expect(reason(5)).toMatch(/Date "2026-02-30" is not a date/);
    expect(reason(6)).toMatch(/Date 2027-01-01 is in the future \(today is 2026-11-22\)/);
    expect(reason(7)).toMatch(/email is empty.*skill is empty.*level is empty/);
    expect(reason(8)).toMatch(/note has 501 characters; the limit is 500/);
    expect(reason(9)).toMatch(/repeats line 2/);
    expect(reason(10)).toMatch(/has 6 values but the header names 5 columns/);
  });

  it('checks the header first', () => {
    expect(check('')).toMatchObject({ ok: false, problems: [{ line: 1, reason: expect.stringMatching(/file is empty/) }] });
    expect(check('email,skill\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/Missing column: level/) }],
    });
    expect(check('email,skill,level,kind\nx,y,1,self')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/Unknown column "kind"/) }],
    });
    expect(check('email,skill,level,level\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/"level" appears twice/) }],
    });
    expect(check('email,skill,level\n\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/no ratings below the header/) }],
    });
  });

  it('reports an unclosed quote with the other problems', () => {
    const result = check('email,skill,level,note\nnobody@x.test,spreadsheets,1,\ntom@x.test,spreadsheets,1,"open\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('reports exactly the lines of the bad rows, wherever they are (property)', () => {
    const good = fc.record({
      email: fc.constantFrom('tom@x.test', 'ana@x.test'),
      skill: fc.constantFrom('spreadsheets', 'erp-systems'),
      level: fc.integer({ min: 0, max: 4 }),
    });
    const bad = fc.constantFrom(
      'ghost@x.test,spreadsheets,1',
      'tom@x.test,unknown-skill,1',
      'tom@x.test,spreadsheets,9',
      'tom@x.test,erp-systems,1,2999-01-01',
    );
    const row = fc.oneof(
      good.map((g) => ({ bad: false as const, g })),
      bad.map((b) => ({ bad: true as const, b })),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 25 }), (rows) => {
        // Distinct dates keep good rows from repeating one another.
        const lines = rows.map((r, i) => {
          const date = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
          return r.bad ? `${r.b}${r.b.split(',').length === 3 ? `,${date}` : ''}` : `${r.g.email},${r.g.skill},${r.g.level},${date}`;
        });
        const result = check(['email,skill,level,date', ...lines].join('\n'));
        const expected = rows.flatMap((r, i) => (r.bad ? [i + 2] : []));
        if (expected.length === 0) expect(result.ok).toBe(true);
        else expect(!result.ok && result.problems.map((p) => p.line)).toEqual(expected);
      }),
    );
  });

  it('reads levels, dates and ids the way people write them', () => {
    expect(parseLevel(' 4 ')).toBe(4);
    expect(parseLevel('Expert')).toBe(4);
    expect(parseLevel('3.0')).toBeNull();
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-2-1')).toBe(false);
    expect(skillIdFromName('Forklift operation (LLOP) — Café')).toBe('forklift-operation-llop-cafe');
  });

  it('identifies an imported rating by person, skill, kind, level, date and note', () => {
    const row = { subjectId: 1, skillId: 'a', level: 2 as Level, date: null, note: null };
    expect(importIdentity(row, '2026-11-22')).toBe(importIdentity({ ...row, date: '2026-11-22' }, '2026-11-23'));
    expect(importIdentity(row, '2026-11-22')).not.toBe(importIdentity({ ...row, note: 'x' }, '2026-11-22'));
    expect(importIdentity(row, '2026-11-22')).not.toBe(importIdentity({ ...row, level: 3 }, '2026-11-22'));
  });
});
