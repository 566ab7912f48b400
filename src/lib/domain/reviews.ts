// Skills reviews (issue 17): the state machine of one person's review in a
// cycle, and the frozen snapshot it keeps. Pure (zod only): the server feature
// (src/lib/server/reviews/) loads the review row, asks `transition` whether the
// actor may do this now, and stores the state it answers.
//
// Why a snapshot: a review records a conversation about the skills, levels and
// targets as they were on the day. The skill names, level definitions and
// targets are copied into the review when it opens (and when the person adds a
// skill), so a later edit of the content or of the organisation's targets never
// moves the goalposts of a review already under way or done.
import { z } from 'zod';

export const reviewLevel = z.number().int().min(0).max(4);

export const snapshotSkillSchema = z.object({
  skillId: z.string().min(1),
  name: z.string().min(1),
  /** Level definitions of this skill as they were, index = level. */
  levels: z.array(z.object({ value: reviewLevel, label: z.string(), definition: z.string() })).length(5),
  /** The tier's target on the day the skill entered the review; null for a skill the person added without a target. */
  target: reviewLevel.nullable(),
  addedBy: z.enum(['target', 'person']),
});
export type SnapshotSkill = z.infer<typeof snapshotSkillSchema>;

export const assessmentEntrySchema = z.object({
  level: reviewLevel.nullable(),
  note: z.string().max(2000),
  evidenceUrl: z.string().max(2000),
});
export type AssessmentEntry = z.infer<typeof assessmentEntrySchema>;

/** skill id → entry. */
export const assessmentSchema = z.record(z.string(), assessmentEntrySchema);
export type Assessment = z.infer<typeof assessmentSchema>;

export const agreementSchema = z.object({
  levels: z.record(z.string(), reviewLevel),
  summary: z.string().max(5000),
  nextSteps: z.string().max(5000),
});
export type Agreement = z.infer<typeof agreementSchema>;

export const reviewStateSchema = z.object({
  skills: z.array(snapshotSkillSchema),
  self: assessmentSchema,
  manager: assessmentSchema,
  selfSubmitted: z.boolean(),
  managerSubmitted: z.boolean(),
  /** The manager chose to see the self-assessment before submitting their own. */
  selfRevealed: z.boolean(),
  agreement: agreementSchema.nullable(),
  personSignedOff: z.boolean(),
  managerSignedOff: z.boolean(),
  cancelled: z.boolean(),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

export type ReviewStep = 'assessing' | 'agreeing' | 'signing' | 'complete' | 'cancelled';

export const STEP_LABELS: Record<ReviewStep, string> = {
  assessing: 'Assessing',
  agreeing: 'Agreeing levels',
  signing: 'Signing off',
  complete: 'Complete',
  cancelled: 'Cancelled',
};

export function stepOf(s: ReviewState): ReviewStep {
  if (s.cancelled) return 'cancelled';
  if (!s.selfSubmitted || !s.managerSubmitted) return 'assessing';
  if (s.agreement === null) return 'agreeing';
  if (!s.personSignedOff || !s.managerSignedOff) return 'signing';
  return 'complete';
}

/** The reviewed person, or whoever reviews them (their manager or an admin). */
export type ReviewRole = 'person' | 'manager';

export type ReviewEvent =
  | { type: 'addSkill'; skill: SnapshotSkill }
  | { type: 'saveSelf'; assessment: Assessment }
  | { type: 'submitSelf' }
  | { type: 'saveManager'; assessment: Assessment }
  | { type: 'submitManager' }
  | { type: 'revealSelf' }
  | { type: 'agree'; agreement: Agreement }
  | { type: 'signOff' }
  | { type: 'cancel' };

export type TransitionResult = { ok: true; state: ReviewState } | { ok: false; reason: string };

const refuse = (reason: string): TransitionResult => ({ ok: false, reason });

/** A new review with the skills its tier targets, frozen as they are today. */
export function openReview(skills: readonly SnapshotSkill[]): ReviewState {
  return {
    skills: skills.map((s) => ({ ...s, levels: s.levels.map((l) => ({ ...l })) })),
    self: {},
    manager: {},
    selfSubmitted: false,
    managerSubmitted: false,
    selfRevealed: false,
    agreement: null,
    personSignedOff: false,
    managerSignedOff: false,
    cancelled: false,
  };
}

/** Only entries for skills in the review are kept: a tampered skill id is dropped, not stored. */
function onlyReviewSkills(state: ReviewState, assessment: Assessment): Assessment {
  const ids = new Set(state.skills.map((s) => s.skillId));
  return Object.fromEntries(Object.entries(assessment).filter(([id]) => ids.has(id)));
}

/** Skills without a level in an assessment: submitting needs every skill assessed. */
export function unassessed(state: ReviewState, assessment: Assessment): SnapshotSkill[] {
  return state.skills.filter((s) => assessment[s.skillId]?.level === null || assessment[s.skillId]?.level === undefined);
}

export function transition(state: ReviewState, role: ReviewRole, event: ReviewEvent): TransitionResult {
  const step = stepOf(state);
  if (step === 'complete') return refuse('This review is complete and can no longer change.');
  if (step === 'cancelled') return refuse('This review was cancelled.');

  switch (event.type) {
    case 'addSkill': {
      if (role !== 'person') return refuse('Only the person reviewed adds skills to their review.');
      if (state.selfSubmitted) return refuse('Skills can be added only before the self-assessment is submitted.');
      if (state.skills.some((s) => s.skillId === event.skill.skillId)) return refuse('That skill is already in the review.');
      return { ok: true, state: { ...state, skills: [...state.skills, { ...event.skill, addedBy: 'person' }] } };
    }
    case 'saveSelf':
    case 'submitSelf': {
      if (role !== 'person') return refuse('Only the person reviewed writes the self-assessment.');
      if (state.selfSubmitted) return refuse('The self-assessment is already submitted.');
      const self = event.type === 'saveSelf' ? onlyReviewSkills(state, event.assessment) : state.self;
      if (event.type === 'saveSelf') return { ok: true, state: { ...state, self } };
      if (unassessed(state, self).length > 0) return refuse('Give every skill a level before submitting.');
      return { ok: true, state: { ...state, selfSubmitted: true } };
    }
    case 'saveManager':
    case 'submitManager': {
      if (role !== 'manager') return refuse('Only a manager of the person writes the manager assessment.');
      if (state.managerSubmitted) return refuse('The manager assessment is already submitted.');
      const manager = event.type === 'saveManager' ? onlyReviewSkills(state, event.assessment) : state.manager;
      if (event.type === 'saveManager') return { ok: true, state: { ...state, manager } };
      if (unassessed(state, manager).length > 0) return refuse('Give every skill a level before submitting.');
      return { ok: true, state: { ...state, managerSubmitted: true } };
    }
    case 'revealSelf': {
      if (role !== 'manager') return refuse('Only the manager chooses to see the self-assessment early.');
      if (!state.selfSubmitted) return refuse('The self-assessment is not submitted yet.');
      if (state.selfRevealed || state.managerSubmitted) return refuse('The self-assessment is already visible.');
      return { ok: true, state: { ...state, selfRevealed: true } };
    }
    case 'agree': {
      if (role !== 'manager') return refuse('The manager records the agreed levels.');
      if (step === 'assessing') return refuse('Both assessments must be submitted before levels are agreed.');
      if (state.personSignedOff || state.managerSignedOff) return refuse('Someone has signed off; the agreement can no longer change.');
      const missing = state.skills.filter((s) => event.agreement.levels[s.skillId] === undefined);
      if (missing.length > 0) return refuse('Record an agreed level for every skill.');
      const levels = Object.fromEntries(state.skills.map((s) => [s.skillId, event.agreement.levels[s.skillId]!]));
      return { ok: true, state: { ...state, agreement: { ...event.agreement, levels } } };
    }
    case 'signOff': {
      if (step !== 'signing') return refuse('Sign-off comes after the agreed levels are recorded.');
      if (role === 'person') {
        if (state.personSignedOff) return refuse('You have already signed off.');
        return { ok: true, state: { ...state, personSignedOff: true } };
      }
      if (state.managerSignedOff) return refuse('The manager has already signed off.');
      return { ok: true, state: { ...state, managerSignedOff: true } };
    }
    case 'cancel': {
      if (role !== 'manager') return refuse('Only a manager cancels a review.');
      return { ok: true, state: { ...state, cancelled: true } };
    }
  }
}

/** What each side may see now: the manager sees the self-assessment once revealed or once both are in; the person sees the manager's once both are in. */
export function visibleAssessments(state: ReviewState, role: ReviewRole): { self: boolean; manager: boolean } {
  const both = state.selfSubmitted && state.managerSubmitted;
  if (role === 'person') return { self: true, manager: both };
  return { self: both || state.selfRevealed, manager: true };
}

export interface ComparisonRow {
  skill: SnapshotSkill;
  self: number | null;
  manager: number | null;
  agreed: number | null;
  /** manager − self when both are set. */
  difference: number | null;
}

/** The side-by-side view: one row per skill, with the difference to highlight. */
export function compare(state: ReviewState): ComparisonRow[] {
  return state.skills.map((skill) => {
    const self = state.self[skill.skillId]?.level ?? null;
    const manager = state.manager[skill.skillId]?.level ?? null;
    return {
      skill,
      self,
      manager,
      agreed: state.agreement?.levels[skill.skillId] ?? null,
      difference: self !== null && manager !== null ? manager - self : null,
    };
  });
}

/** Agreed levels to append as the person's manager ratings when the review completes. */
export function agreedRatings(state: ReviewState): { skillId: string; level: number }[] {
  if (stepOf(state) !== 'complete' || state.agreement === null) return [];
  return state.skills.map((s) => ({ skillId: s.skillId, level: state.agreement!.levels[s.skillId]! }));
}

/** Reads a stored state (a JSON column) back, refusing anything that is not a review. */
export function parseReviewState(json: string): ReviewState {
  return reviewStateSchema.parse(JSON.parse(json));
}

/** The columns of a review's CSV: one row per skill of the snapshot. */
export const REVIEW_CSV_HEADER = ['Skill', 'Target', 'Self level', 'Manager level', 'Agreed level', 'Self note', 'Manager note'] as const;

/**
 * A review as CSV rows, from the state the actor may see (reviewFor leaves a
 * hidden assessment out, so its cells are empty here too). Levels are numbers,
 * empty when not given; notes as written.
 */
export function reviewCsvRows(state: ReviewState): (string | number | null)[][] {
  return [
    [...REVIEW_CSV_HEADER],
    ...compare(state).map((row) => [
      row.skill.name,
      row.skill.target,
      row.self,
      row.manager,
      row.agreed,
      state.self[row.skill.skillId]?.note ?? '',
      state.manager[row.skill.skillId]?.note ?? '',
    ]),
  ];
}
