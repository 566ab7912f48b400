// Shared fixtures of the skills unit tests: two ladders, five skills in
// catalog order, three people, and a rating record maker.
import type { Level } from '#domain/scale.ts';
import type { Ladder } from '#domain/skills.ts';
import type { MatrixSkill, RatingRecord, SkillMatrixPerson } from '#domain/skills-matrix.ts';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);

export const ladders: Ladder[] = [
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

export const skills: MatrixSkill[] = [
  { id: 'a', name: 'Alpha', category: 'foundational', position: 0 },
  { id: 'b', name: 'Beta', category: 'technical', position: 1 },
  { id: 'c', name: 'Gamma', category: 'technical', position: 2 },
  { id: 'd', name: 'Delta', category: 'soft', position: 3 },
  { id: 'e', name: 'Epsilon', category: 'soft', position: 4 },
];

export const people: SkillMatrixPerson[] = [
  { id: 1, name: 'Zoe', jobRole: 'ops', tier: 'junior' },
  { id: 2, name: 'Adam', jobRole: 'ops', tier: 'senior' },
  { id: 3, name: 'Lee', jobRole: 'lead', tier: 'senior' },
];

export const rec = (id: number, subjectId: number, skillId: string, kind: 'self' | 'manager', level: Level, day: number): RatingRecord => ({
  id,
  subjectId,
  skillId,
  kind,
  level,
  ratedAt: T0 + day * DAY,
});
