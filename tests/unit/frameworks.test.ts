// Frameworks the organisation owns: the targets in force with and without an
// organisation's overrides, resources' form rules, the certifications that
// cover a skill, and promotion readiness from agreed (manager) levels.
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  certificationsCovering,
  effectiveTargetsOf,
  formatMinutes,
  isNoChange,
  latestOverrides,
  promotionReadiness,
  resourceForm,
  targetChangeOf,
  targetsMapOf,
  type TargetOverrideRow,
} from '#domain/frameworks.ts';
import type { CellRatings } from '#domain/skills-matrix.ts';
import { ladders } from './skills-fixtures.ts';

const row = (id: number, skillId: string, level: number | null, extra: Partial<TargetOverrideRow> = {}): TargetOverrideRow => ({
  id,
  jobRole: 'ops',
  tier: 'junior',
  skillId,
  level,
  previousLevel: null,
  revert: false,
  setByName: 'Ada Admin',
  setAt: 1000 + id,
  ...extra,
});

describe('effective targets', () => {
  const junior = ladders[0]!.tiers[0]!.targets; // { a: 2, b: 1 }

  it('are the suggestion, labelled so, when the organisation set nothing', () => {
    const targets = effectiveTargetsOf(junior, 'ops', 'junior', new Map());
    expect(targets).toEqual([
      { skillId: 'a', level: 2, suggested: 2, source: { kind: 'suggestion' } },
      { skillId: 'b', level: 1, suggested: 1, source: { kind: 'suggestion' } },
    ]);
    expect(applyOverrides(ladders, new Map())).toEqual(ladders);
  });

  it('take the latest override, add organisation skills, drop removed targets, and say who set them', () => {
    const overrides = latestOverrides([
      row(2, 'a', 4),
      row(1, 'a', 3),
      row(3, 'b', null),
      row(4, 'own-skill', 2),
      row(5, 'a', 1, { tier: 'senior' }),
    ]);
    const targets = effectiveTargetsOf(junior, 'ops', 'junior', overrides);
    expect(targets).toEqual([
      { skillId: 'a', level: 4, suggested: 2, source: { kind: 'organisation', setByName: 'Ada Admin', setAt: 1002 } },
      { skillId: 'b', level: null, suggested: 1, source: { kind: 'organisation', setByName: 'Ada Admin', setAt: 1003 } },
      { skillId: 'own-skill', level: 2, suggested: null, source: { kind: 'organisation', setByName: 'Ada Admin', setAt: 1004 } },
    ]);
    expect(targetsMapOf(targets)).toEqual({ a: 4, 'own-skill': 2 });
    const applied = applyOverrides(ladders, overrides);
    expect(applied[0]!.tiers[0]!.targets).toEqual({ a: 4, 'own-skill': 2 });
    expect(applied[0]!.tiers[1]!.targets).toEqual({ a: 1, b: 3, c: 2 });
    expect(applied[0]!.skills).toEqual(['a', 'b', 'c', 'own-skill']);
    // Another role is untouched.
    expect(applied[1]).toEqual(ladders[1]);
  });

  it('hand a target back to the suggestion after a revert, and a later set overrides again', () => {
    const reverted = latestOverrides([row(1, 'a', 4), row(2, 'a', null, { revert: true })]);
    expect(effectiveTargetsOf(junior, 'ops', 'junior', reverted)[0]).toEqual({
      skillId: 'a',
      level: 2,
      suggested: 2,
      source: { kind: 'suggestion' },
    });
    const again = latestOverrides([row(1, 'a', 4), row(2, 'a', null, { revert: true }), row(3, 'a', 3)]);
    expect(effectiveTargetsOf(junior, 'ops', 'junior', again)[0]?.level).toBe(3);
  });

  it('know a change that changes nothing', () => {
    const [suggested] = effectiveTargetsOf(junior, 'ops', 'junior', new Map());
    const [overridden] = effectiveTargetsOf(junior, 'ops', 'junior', latestOverrides([row(1, 'a', 3)]));
    expect(isNoChange(suggested, targetChangeOf('suggestion'))).toBe(true);
    expect(isNoChange(overridden, targetChangeOf('suggestion'))).toBe(false);
    expect(isNoChange(overridden, targetChangeOf('3'))).toBe(true);
    expect(isNoChange(overridden, targetChangeOf('none'))).toBe(false);
    // Setting the suggested level explicitly is a decision of its own: the organisation then owns it.
    expect(isNoChange(suggested, targetChangeOf('2'))).toBe(false);
  });
});

describe('learning resources', () => {
  const valid = { skillId: 'a', title: ' SQL in a day ', url: 'https://example.com/sql', kind: 'course', minutes: '90' };

  it('accept a titled http(s) link with a kind and optional minutes', () => {
    expect(resourceForm.parse(valid)).toEqual({ ...valid, title: 'SQL in a day', minutes: 90 });
    expect(resourceForm.parse({ ...valid, minutes: '' }).minutes).toBeNull();
  });

  it('refuse other links, unknown kinds and odd durations with a message', () => {
    for (const url of ['javascript:alert(1)', 'ftp://example.com', 'example.com', 'https://exa mple.com', '']) {
      expect(resourceForm.safeParse({ ...valid, url }).success, url).toBe(false);
    }
    expect(resourceForm.safeParse({ ...valid, kind: 'podcast' }).success).toBe(false);
    for (const minutes of ['0', '1.5', 'abc', '-3']) expect(resourceForm.safeParse({ ...valid, minutes }).success, minutes).toBe(false);
  });

  it('say the time needed in hours and minutes', () => {
    expect([formatMinutes(45), formatMinutes(120), formatMinutes(90), formatMinutes(null)]).toEqual(['45 min', '2 h', '1 h 30 min', null]);
  });

  it('find the certifications whose topics name the skill', () => {
    const certs = [
      { id: 'pmp', topics: ['project-management', 'planning'] },
      { id: 'excel', topics: ['spreadsheets'] },
    ];
    expect(certificationsCovering(certs, 'project-management').map((c) => c.id)).toEqual(['pmp']);
    expect(certificationsCovering(certs, 'planning-tools')).toEqual([]);
  });
});

describe('promotion readiness', () => {
  const cell = (self: number | null, manager: number | null): CellRatings => ({
    self: self === null ? null : { level: self as 0, ratedAt: 1 },
    manager: manager === null ? null : { level: manager as 0, ratedAt: 2 },
  });

  it('counts next-tier targets met by the agreed level, listing the rest', () => {
    const senior = ladders[0]!.tiers[1]!.targets; // { a: 3, b: 3, c: 2 }
    const cells = new Map([
      ['a', cell(1, 3)], // met by the manager's level
      ['b', cell(4, null)], // a self-rating alone is not agreed
      ['c', cell(null, 1)],
    ]);
    expect(promotionReadiness(senior, cells)).toEqual({
      met: 1,
      total: 3,
      unmet: [
        { skillId: 'b', target: 3, level: null },
        { skillId: 'c', target: 2, level: 1 },
      ],
    });
    expect(promotionReadiness({}, cells)).toEqual({ met: 0, total: 0, unmet: [] });
  });
});
