import { describe, expect, it } from 'vitest';
import {
  agreedRatings,
  compare,
  openReview,
  parseReviewState,
  stepOf,
  transition,
  visibleAssessments,
  type Assessment,
  type ReviewEvent,
  type ReviewRole,
  type ReviewState,
  type SnapshotSkill,
} from '#domain/reviews.ts';
import { LEVELS } from '#domain/scale.ts';

const levels = () => LEVELS.map((l) => ({ value: l.value, label: l.label, definition: l.definition }));
const skill = (skillId: string, target: number | null = 2): SnapshotSkill => ({
  skillId,
  name: `Skill ${skillId}`,
  levels: levels(),
  target,
  addedBy: 'target',
});
const full = (level: number): Assessment => ({
  a: { level, note: '', evidenceUrl: '' },
  b: { level, note: 'n', evidenceUrl: 'https://example.test/e' },
});

function apply(state: ReviewState, steps: [ReviewRole, ReviewEvent][]): ReviewState {
  return steps.reduce((s, [role, event]) => {
    const r = transition(s, role, event);
    if (!r.ok) throw new Error(`${role} ${event.type}: ${r.reason}`);
    return r.state;
  }, state);
}

const fresh = () => openReview([skill('a'), skill('b', 3)]);
const assessed = () =>
  apply(fresh(), [
    ['person', { type: 'saveSelf', assessment: full(2) }],
    ['person', { type: 'submitSelf' }],
    ['manager', { type: 'saveManager', assessment: full(3) }],
    ['manager', { type: 'submitManager' }],
  ]);
const agreement = { levels: { a: 2, b: 3 }, summary: 'Good', nextSteps: 'More' };
const agreed = () => apply(assessed(), [['manager', { type: 'agree', agreement }]]);
const complete = () =>
  apply(agreed(), [
    ['person', { type: 'signOff' }],
    ['manager', { type: 'signOff' }],
  ]);

const states: Record<string, () => ReviewState> = {
  fresh,
  selfSubmitted: () =>
    apply(fresh(), [
      ['person', { type: 'saveSelf', assessment: full(2) }],
      ['person', { type: 'submitSelf' }],
    ]),
  assessed,
  agreed,
  personSigned: () => apply(agreed(), [['person', { type: 'signOff' }]]),
  complete,
  cancelled: () => apply(fresh(), [['manager', { type: 'cancel' }]]),
};

const events: Record<string, ReviewEvent> = {
  addSkill: { type: 'addSkill', skill: skill('c', null) },
  saveSelf: { type: 'saveSelf', assessment: full(1) },
  submitSelf: { type: 'submitSelf' },
  saveManager: { type: 'saveManager', assessment: full(1) },
  submitManager: { type: 'submitManager' },
  revealSelf: { type: 'revealSelf' },
  agree: { type: 'agree', agreement },
  signOff: { type: 'signOff' },
  cancel: { type: 'cancel' },
};

// Every (state, role, event) the machine allows; everything else must be refused.
const allowed = new Set([
  'fresh person addSkill',
  'fresh person saveSelf',
  'fresh manager saveManager',
  'fresh manager cancel',
  'selfSubmitted manager saveManager',
  'selfSubmitted manager revealSelf',
  'selfSubmitted manager cancel',
  'assessed manager agree',
  'assessed manager cancel',
  'agreed manager agree',
  'agreed person signOff',
  'agreed manager signOff',
  'agreed manager cancel',
  'personSigned manager signOff',
  'personSigned manager cancel',
]);

describe('review state machine', () => {
  for (const [stateName, make] of Object.entries(states)) {
    for (const role of ['person', 'manager'] as const) {
      for (const [eventName, event] of Object.entries(events)) {
        const key = `${stateName} ${role} ${eventName}`;
        const expected = allowed.has(key);
        it(`${expected ? 'allows' : 'refuses'} ${key}`, () => {
          const before = make();
          const snapshot = JSON.stringify(before);
          const r = transition(before, role, event);
          expect(r.ok).toBe(expected);
          if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
          expect(JSON.stringify(before)).toBe(snapshot);
        });
      }
    }
  }

  it('refuses submitting with a skill left without a level, then allows it once filled', () => {
    const partial = apply(fresh(), [['person', { type: 'saveSelf', assessment: { a: { level: 2, note: '', evidenceUrl: '' } } }]]);
    expect(transition(partial, 'person', { type: 'submitSelf' }).ok).toBe(false);
    expect(transition(fresh(), 'manager', { type: 'submitManager' }).ok).toBe(false);
    const filled = apply(partial, [['person', { type: 'saveSelf', assessment: full(2) }]]);
    expect(transition(filled, 'person', { type: 'submitSelf' }).ok).toBe(true);
  });

  it('refuses an agreement missing a skill, and drops tampered skill ids', () => {
    expect(transition(assessed(), 'manager', { type: 'agree', agreement: { ...agreement, levels: { a: 2 } } }).ok).toBe(false);
    const r = transition(assessed(), 'manager', { type: 'agree', agreement: { ...agreement, levels: { a: 2, b: 3, zzz: 4 } } });
    expect(r.ok && r.state.agreement?.levels).toEqual({ a: 2, b: 3 });
    const saved = apply(fresh(), [
      ['person', { type: 'saveSelf', assessment: { ...full(2), zzz: { level: 4, note: '', evidenceUrl: '' } } }],
    ]);
    expect(Object.keys(saved.self).sort()).toEqual(['a', 'b']);
  });

  it('walks the steps and yields agreed ratings only when complete', () => {
    expect(stepOf(fresh())).toBe('assessing');
    expect(stepOf(assessed())).toBe('agreeing');
    expect(stepOf(agreed())).toBe('signing');
    expect(stepOf(complete())).toBe('complete');
    expect(stepOf(states.cancelled!())).toBe('cancelled');
    expect(agreedRatings(agreed())).toEqual([]);
    expect(agreedRatings(complete())).toEqual([
      { skillId: 'a', level: 2 },
      { skillId: 'b', level: 3 },
    ]);
  });

  it('hides the self-assessment from the manager until revealed or both are in, and the manager one from the person', () => {
    const submitted = states.selfSubmitted!();
    expect(visibleAssessments(submitted, 'manager').self).toBe(false);
    expect(visibleAssessments(submitted, 'person').manager).toBe(false);
    const revealed = apply(submitted, [['manager', { type: 'revealSelf' }]]);
    expect(visibleAssessments(revealed, 'manager').self).toBe(true);
    expect(visibleAssessments(assessed(), 'person')).toEqual({ self: true, manager: true });
  });

  it('compares both assessments with the difference per skill', () => {
    expect(compare(agreed()).map((r) => [r.skill.skillId, r.self, r.manager, r.difference, r.agreed])).toEqual([
      ['a', 2, 3, 1, 2],
      ['b', 2, 3, 1, 3],
    ]);
  });

  it('keeps its snapshot when the skills and targets it was opened from change later', () => {
    const source = [skill('a', 2), skill('b', 3)];
    const done = apply(openReview(source), [
      ['person', { type: 'saveSelf', assessment: full(2) }],
      ['person', { type: 'submitSelf' }],
      ['manager', { type: 'saveManager', assessment: full(3) }],
      ['manager', { type: 'submitManager' }],
      ['manager', { type: 'agree', agreement }],
      ['person', { type: 'signOff' }],
      ['manager', { type: 'signOff' }],
    ]);
    const stored = JSON.stringify(done);
    source[0]!.target = 4;
    source[0]!.name = 'Renamed';
    source[1]!.levels[2]!.definition = 'Edited definition';
    expect(JSON.stringify(done)).toBe(stored);
    expect(parseReviewState(stored)).toEqual(done);
    expect(done.skills[0]).toMatchObject({ name: 'Skill a', target: 2 });
  });

  it('refuses a stored state that is not a review', () => {
    expect(() => parseReviewState('{"skills":[{"skillId":"a"}]}')).toThrow();
  });
});
