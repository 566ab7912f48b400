// Review cycles and reviews (issue 17, ADR 034): the public face. Every read
// and action takes the actor, decides access itself and answers an Outcome.
// The state machine is src/lib/domain/reviews.ts; this file loads, asks it,
// stores the answer and audits, in one transaction.
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Ladder } from '#domain/skills.ts';
import { canActAsManagerOf, isAdmin, manageableTeams, type Actor } from '#domain/access.ts';
import { requiredDate, requiredText } from '#domain/fields.ts';
import {
  agreedRatings,
  agreementSchema,
  assessmentSchema,
  openReview,
  parseReviewState,
  stepOf,
  transition,
  visibleAssessments,
  type ReviewEvent,
  type ReviewRole,
  type ReviewState,
  type ReviewStep,
  type SnapshotSkill,
} from '#domain/reviews.ts';
import { LEVELS } from '#domain/scale.ts';
import { targetsFor } from '#domain/skills-matrix.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { reviewCycles, reviews, skillRatings, skills, teamMemberships, teams, users } from '#server/db/schema.ts';
import { enqueueMessage, publicLink } from '#server/outbox/index.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { loadTeamContext } from '#server/teams/queries.ts';

const levelDefinitions = () => LEVELS.map((l) => ({ value: l.value, label: l.label, definition: l.definition }));

export const reviewPath = (id: number) => `/app/reviews/${id}/`;

// --- opening a cycle ----------------------------------------------------------------

export const openCycleInput = z.object({
  name: requiredText(120, 'Give the cycle a name.'),
  dueOn: requiredDate('Choose the due date.'),
  teamIds: z.array(z.coerce.number().int().positive()).default([]),
  /** Chosen people of those teams; empty means everyone in them. */
  personIds: z.array(z.coerce.number().int().positive()).default([]),
});

/** The skills a person's tier targets, frozen as they are now. Targets come from the matrix's own function, so organisation overrides flow in. */
async function targetSkills(db: Executor, ladders: readonly Ladder[], person: { jobRole: string | null; tier: string | null }) {
  const targets = targetsFor(ladders, person.jobRole, person.tier) ?? {};
  const ids = Object.keys(targets);
  if (ids.length === 0) return [];
  const rows = await db.select({ id: skills.id, name: skills.name, position: skills.position }).from(skills).where(inArray(skills.id, ids));
  return rows
    .sort((a, b) => a.position - b.position)
    .map((s): SnapshotSkill => ({
      skillId: s.id,
      name: s.name,
      levels: levelDefinitions(),
      target: targets[s.id] ?? null,
      addedBy: 'target',
    }));
}

export async function openCycle(
  db: Db,
  ctx: ActionContext,
  ladders: readonly Ladder[],
  input: Record<string, unknown>,
): Promise<Outcome<{ cycleId: number; reviewIds: number[] }>> {
  const actor = ctx.actor;
  if (!actor.active || (actor.role !== 'admin' && actor.role !== 'manager'))
    return forbidden('Only managers and admins open review cycles.');
  // A team the actor does not manage is not theirs to know of: 404 before the rest of the form is read.
  const rawTeams = Array.isArray(input.teamIds) ? input.teamIds.map((t) => Number(t)) : [];
  if (rawTeams.length > 0) {
    const mine = new Set(manageableTeams(actor, await db.select().from(teams).where(eq(teams.orgId, actor.orgId))).map((t) => t.id));
    if (rawTeams.some((t) => !mine.has(t))) return notFound();
  }
  const parsed = parseInput(openCycleInput, input);
  if (!parsed.ok) return parsed;
  const { name, dueOn, teamIds, personIds } = parsed.value;
  if (dueOn < ctx.today) return invalid({ dueOn: 'Choose a due date from today on.' });
  // The form's checklist was shown and nobody is ticked: that is not "everyone".
  if (input.choosing === 'yes' && personIds.length === 0)
    return invalid({ personIds: 'Tick at least one person, or open the cycle for the whole team.' });
  return db.transaction(async (tx) => {
    const orgTeams = await tx.select().from(teams).where(eq(teams.orgId, actor.orgId));
    const chosen = manageableTeams(actor, orgTeams).filter((t) => teamIds.includes(t.id));
    if (chosen.length === 0 || chosen.length !== new Set(teamIds).size) return invalid({ teamIds: 'Choose one or more of your teams.' });
    const members = await tx
      .select({
        id: users.id,
        orgId: users.orgId,
        role: users.role,
        active: users.active,
        email: users.email,
        jobRole: users.jobRole,
        tier: users.tier,
        team: teamMemberships.teamId,
        notificationSettings: users.notificationSettings,
      })
      .from(teamMemberships)
      .innerJoin(users, eq(users.id, teamMemberships.userId))
      .where(
        inArray(
          teamMemberships.teamId,
          chosen.map((t) => t.id),
        ),
      );
    const teamContext = await loadTeamContext(tx, actor);
    const people = new Map<number, (typeof members)[number]>();
    for (const m of members) {
      if (m.active && canActAsManagerOf(actor, m, teamContext) && (personIds.length === 0 || personIds.includes(m.id))) people.set(m.id, m);
    }
    if (personIds.some((id) => !people.has(id))) return invalid({ personIds: 'Choose people of the chosen teams.' });
    if (people.size === 0) return invalid({ teamIds: 'Nobody in these teams can be reviewed by you.' });
    const [cycle] = await tx
      .insert(reviewCycles)
      .values({ orgId: actor.orgId, name, dueOn, openedByUserId: actor.id, createdAt: ctx.now })
      .returning();
    const reviewIds: number[] = [];
    for (const person of people.values()) {
      const team = chosen.find((t) => t.id === person.team);
      const reviewer = isAdmin(actor) ? actor.id : (team?.managerUserId ?? actor.id);
      const state = openReview(await targetSkills(tx, ladders, person));
      const [row] = await tx
        .insert(reviews)
        .values({
          orgId: actor.orgId,
          cycleId: cycle!.id,
          subjectUserId: person.id,
          reviewerUserId: reviewer,
          step: stepOf(state),
          state: JSON.stringify(state),
          createdAt: ctx.now,
          updatedAt: ctx.now,
        })
        .returning({ id: reviews.id });
      reviewIds.push(row!.id);
      const url = publicLink(reviewPath(row!.id));
      await enqueueMessage(
        tx,
        {
          orgId: actor.orgId,
          kind: 'review-requested',
          recipient: person,
          subject: `Skills review: ${name}`,
          content: {
            heading: `Please assess your skills for “${name}”`,
            paragraphs: [
              `Your skills review is due on ${dueOn}. Rate each skill on one page, save a draft as often as you like, then submit it.`,
            ],
            action: { label: 'Open my review', url },
          },
          idempotencyKey: `review-requested:${row!.id}`,
        },
        ctx.now,
      );
    }
    await writeActorAudit(
      tx,
      ctx,
      'review.cycle_opened',
      { type: 'review_cycle', id: cycle!.id },
      { after: { name, dueOn, people: people.size } },
    );
    return ok({ cycleId: cycle!.id, reviewIds });
  });
}

// --- reading a review ---------------------------------------------------------------

type LoadedReview = { row: typeof reviews.$inferSelect; state: ReviewState; role: ReviewRole };

/** The actor's role on a review, or null: the person, their managers and admins only. Anyone else gets 404. */
async function loadReview(tx: Executor, actor: Actor, rawId: number): Promise<LoadedReview | null> {
  if (!actor.active || !Number.isInteger(rawId)) return null;
  const [row] = await tx
    .select()
    .from(reviews)
    .where(and(eq(reviews.id, rawId), eq(reviews.orgId, actor.orgId)))
    .limit(1);
  if (!row) return null;
  let role: ReviewRole | null = null;
  if (row.subjectUserId === actor.id) role = 'person';
  else {
    const [subject] = await tx
      .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active })
      .from(users)
      .where(eq(users.id, row.subjectUserId))
      .limit(1);
    if (subject && canActAsManagerOf(actor, subject, await loadTeamContext(tx, actor))) role = 'manager';
  }
  return role ? { row, state: parseReviewState(row.state), role } : null;
}

export type ReviewPage = {
  id: number;
  cycle: { id: number; name: string; dueOn: string };
  subject: { id: number; name: string };
  role: ReviewRole;
  step: ReviewStep;
  state: ReviewState;
  visible: { self: boolean; manager: boolean };
};

/** One review as the actor may see it: the hidden assessment is left out, not just not shown. */
export async function reviewFor(db: Db, actor: Actor, id: number): Promise<Outcome<ReviewPage>> {
  const loaded = await loadReview(db, actor, id);
  if (!loaded) return notFound();
  const { row, role } = loaded;
  const visible = visibleAssessments(loaded.state, role);
  const state = { ...loaded.state, self: visible.self ? loaded.state.self : {}, manager: visible.manager ? loaded.state.manager : {} };
  const [cycle] = await db.select().from(reviewCycles).where(eq(reviewCycles.id, row.cycleId)).limit(1);
  const [subject] = await db.select({ id: users.id, name: users.displayName }).from(users).where(eq(users.id, row.subjectUserId)).limit(1);
  return ok({
    id: row.id,
    cycle: { id: cycle!.id, name: cycle!.name, dueOn: cycle!.dueOn },
    subject: subject!,
    role,
    step: stepOf(loaded.state),
    state,
    visible,
  });
}

// --- acting on a review -------------------------------------------------------------

const actionInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('addSkill'), skillId: requiredText(100, 'Choose a skill.') }),
  z.object({ type: z.literal('saveSelf'), assessment: assessmentSchema }),
  z.object({ type: z.literal('submitSelf') }),
  z.object({ type: z.literal('saveManager'), assessment: assessmentSchema }),
  z.object({ type: z.literal('submitManager') }),
  z.object({ type: z.literal('revealSelf') }),
  z.object({ type: z.literal('agree'), agreement: agreementSchema }),
  z.object({ type: z.literal('signOff') }),
  z.object({ type: z.literal('cancel') }),
]);
export type ReviewActionInput = z.input<typeof actionInput>;

/**
 * One step on a review. The role comes from who the actor is, never from the
 * request. When the step completes the review, the agreed levels are appended
 * as the person's manager ratings with the review as their evidence.
 */
export async function actOnReview(db: Db, ctx: ActionContext, id: number, input: unknown): Promise<Outcome<{ step: ReviewStep }>> {
  const parsed = parseInput(actionInput, input);
  if (!parsed.ok) return parsed;
  return db.transaction(async (tx) => {
    const loaded = await loadReview(tx, ctx.actor, id);
    if (!loaded) return notFound();
    let event: ReviewEvent;
    const a = parsed.value;
    if (a.type === 'addSkill') {
      const [skill] = await tx
        .select()
        .from(skills)
        .where(and(eq(skills.id, a.skillId), eq(skills.active, true)))
        .limit(1);
      if (!skill || (skill.orgId !== null && skill.orgId !== ctx.actor.orgId)) return invalid({ skillId: 'Choose a skill from the list.' });
      event = {
        type: 'addSkill',
        skill: { skillId: skill.id, name: skill.name, levels: levelDefinitions(), target: null, addedBy: 'person' },
      };
    } else event = a;
    const result = transition(loaded.state, loaded.role, event);
    if (!result.ok) return invalid({ form: result.reason }, result.reason, 409);
    const step = stepOf(result.state);
    await tx
      .update(reviews)
      .set({ state: JSON.stringify(result.state), step, updatedAt: ctx.now, completedAt: step === 'complete' ? ctx.now : null })
      .where(eq(reviews.id, id));
    await writeActorAudit(
      tx,
      ctx,
      'review.changed',
      { type: 'review', id },
      { after: { event: event.type, step, subjectUserId: loaded.row.subjectUserId } },
    );
    if (step === 'complete') {
      const evidenceUrl = publicLink(reviewPath(id));
      for (const r of agreedRatings(result.state)) {
        const [rating] = await tx
          .insert(skillRatings)
          .values({
            orgId: ctx.actor.orgId,
            subjectUserId: loaded.row.subjectUserId,
            raterUserId: loaded.row.reviewerUserId,
            skillId: r.skillId,
            kind: 'manager',
            level: r.level,
            note: 'Agreed in a skills review',
            evidenceUrl,
            ratedAt: ctx.now,
            createdAt: ctx.now,
          })
          .returning({ id: skillRatings.id });
        await writeActorAudit(
          tx,
          ctx,
          'skill.rated',
          { type: 'user', id: loaded.row.subjectUserId },
          { after: { ratingId: rating!.id, skillId: r.skillId, kind: 'manager', level: r.level, evidenceUrl } },
        );
      }
    }
    return ok({ step });
  });
}

// --- the cycle overview -------------------------------------------------------------

export type CycleOverview = {
  cycle: { id: number; name: string; dueOn: string };
  people: { reviewId: number; name: string; step: ReviewStep }[];
};

/** Who is at which step: the people the actor may act as a manager of (all of them for an admin). */
export async function cycleOverview(db: Db, actor: Actor, cycleId: number): Promise<Outcome<CycleOverview>> {
  if (!actor.active || (actor.role !== 'admin' && actor.role !== 'manager')) return notFound();
  const [cycle] = await db
    .select()
    .from(reviewCycles)
    .where(and(eq(reviewCycles.id, cycleId), eq(reviewCycles.orgId, actor.orgId)))
    .limit(1);
  if (!cycle) return notFound();
  const rows = await db
    .select({
      reviewId: reviews.id,
      name: users.displayName,
      step: reviews.step,
      id: users.id,
      orgId: users.orgId,
      role: users.role,
      active: users.active,
    })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.subjectUserId))
    .where(eq(reviews.cycleId, cycleId));
  const teamContext = await loadTeamContext(db, actor);
  const people = rows
    .filter((r) => canActAsManagerOf(actor, r, teamContext))
    .map((r) => ({ reviewId: r.reviewId, name: r.name, step: r.step as ReviewStep }));
  if (people.length === 0 && !isAdmin(actor)) return notFound();
  return ok({ cycle: { id: cycle.id, name: cycle.name, dueOn: cycle.dueOn }, people });
}

export type CyclePrint = { cycle: CycleOverview['cycle']; reviews: ReviewPage[] };

/**
 * Every review of a cycle the actor may see, by the person's name, for
 * printing: the people of the cycle overview (same refusals), each review as
 * reviewFor gives it to the actor (a hidden assessment is left out). One
 * read per review: a cycle is a team or chosen people of one.
 */
export async function cyclePrint(db: Db, actor: Actor, cycleId: number): Promise<Outcome<CyclePrint>> {
  const overview = await cycleOverview(db, actor, cycleId);
  if (!overview.ok) return overview;
  const people = [...overview.value.people].sort((a, b) => a.name.localeCompare(b.name) || a.reviewId - b.reviewId);
  const printed: ReviewPage[] = [];
  for (const p of people) {
    const review = await reviewFor(db, actor, p.reviewId);
    if (review.ok) printed.push(review.value);
  }
  return ok({ cycle: overview.value.cycle, reviews: printed });
}

// --- the pages' forms ---------------------------------------------------------------

/**
 * A review form as posted (flat fields: `level:<skill>`, `note:<skill>`,
 * `evidence:<skill>`, `agreed:<skill>`, `summary`, `nextSteps`, `step`) turned
 * into one action. Fields of skills not in the review are ignored by the state machine.
 */
export function reviewFormAction(form: Record<string, string>): Record<string, unknown> {
  const step = form.step ?? '';
  const perSkill = (prefix: string) =>
    Object.entries(form)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v] as const);
  const assessment = () =>
    Object.fromEntries(
      perSkill('level:').map(([id, v]) => [
        id,
        { level: v === '' ? null : Number(v), note: (form[`note:${id}`] ?? '').trim(), evidenceUrl: (form[`evidence:${id}`] ?? '').trim() },
      ]),
    );
  switch (step) {
    case 'saveSelf':
    case 'saveManager':
      return { type: step, assessment: assessment() };
    case 'submitSelf':
    case 'submitManager':
      // Submitting saves what is on the page first; the server runs both steps.
      return { type: step, assessment: assessment() };
    case 'agree':
      return {
        type: 'agree',
        agreement: {
          levels: Object.fromEntries(
            perSkill('agreed:')
              .filter(([, v]) => v !== '')
              .map(([id, v]) => [id, Number(v)]),
          ),
          summary: (form.summary ?? '').trim(),
          nextSteps: (form.nextSteps ?? '').trim(),
        },
      };
    case 'addSkill':
      return { type: 'addSkill', skillId: form.skillId ?? '' };
    default:
      return { type: step };
  }
}

/** A posted review form: a submit saves the page's levels, then submits, in one transaction each. */
export async function postReviewForm(
  db: Db,
  ctx: ActionContext,
  id: number,
  form: Record<string, string>,
): Promise<Outcome<{ step: ReviewStep }>> {
  const action = reviewFormAction(form);
  if ((action.type === 'submitSelf' || action.type === 'submitManager') && action.assessment) {
    const saved = await actOnReview(db, ctx, id, {
      type: action.type === 'submitSelf' ? 'saveSelf' : 'saveManager',
      assessment: action.assessment,
    });
    if (!saved.ok) return saved;
    return actOnReview(db, ctx, id, { type: action.type });
  }
  return actOnReview(db, ctx, id, action);
}

export type ReviewsHome = {
  mine: { id: number; cycle: string; dueOn: string; step: ReviewStep }[];
  cycles: { id: number; name: string; dueOn: string }[];
  teams: { id: number; name: string }[];
  canOpen: boolean;
};

/** The reviews page: the actor's own reviews, the cycles they can oversee, and the teams they may open a cycle for. */
export async function reviewsHome(db: Db, actor: Actor): Promise<Outcome<ReviewsHome>> {
  if (!actor.active) return notFound();
  const mine = await db
    .select({ id: reviews.id, cycle: reviewCycles.name, dueOn: reviewCycles.dueOn, step: reviews.step })
    .from(reviews)
    .innerJoin(reviewCycles, eq(reviewCycles.id, reviews.cycleId))
    .where(eq(reviews.subjectUserId, actor.id));
  const canOpen = actor.role === 'admin' || actor.role === 'manager';
  const orgTeams = canOpen ? await db.select().from(teams).where(eq(teams.orgId, actor.orgId)) : [];
  const allCycles = canOpen ? await db.select().from(reviewCycles).where(eq(reviewCycles.orgId, actor.orgId)) : [];
  const cycles = [];
  for (const c of allCycles) if ((await cycleOverview(db, actor, c.id)).ok) cycles.push({ id: c.id, name: c.name, dueOn: c.dueOn });
  return ok({
    mine: mine.map((m) => ({ ...m, step: m.step as ReviewStep })),
    cycles,
    teams: manageableTeams(actor, orgTeams).map((t) => ({ id: t.id, name: t.name })),
    canOpen,
  });
}

export type ReviewCandidate = { id: number; name: string };

/**
 * The people of one of the actor's teams they may open a review for (active,
 * and someone the actor acts as manager of): the opening form's checklist,
 * the same rule openCycle applies. 404 for a team that is not the actor's.
 */
export async function reviewCandidates(db: Db, actor: Actor, teamId: number): Promise<Outcome<ReviewCandidate[]>> {
  if (!actor.active || (actor.role !== 'admin' && actor.role !== 'manager')) return forbidden();
  const orgTeams = await db.select().from(teams).where(eq(teams.orgId, actor.orgId));
  if (!manageableTeams(actor, orgTeams).some((t) => t.id === teamId)) return notFound();
  const members = await db
    .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active, name: users.displayName })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(eq(teamMemberships.teamId, teamId));
  const teamContext = await loadTeamContext(db, actor);
  return ok(
    members
      .filter((m) => m.active && canActAsManagerOf(actor, m, teamContext))
      .map((m) => ({ id: m.id, name: m.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
}

/** The ticked people of the opening form (a checkbox named person-<id> each). */
export const chosenPeople = (form: Record<string, string>) =>
  Object.keys(form)
    .map((key) => /^person-(\d{1,12})$/.exec(key)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number);

export type PersonReviews = { id: number; cycle: string; dueOn: string; step: ReviewStep }[];

/**
 * One person's reviews, newest cycle first, for the person themselves, anyone
 * who may act as their manager, and admins: the links on a person's page and
 * skills page. Anyone else gets 404, like the reviews themselves.
 */
export async function reviewsOfPerson(db: Db, actor: Actor, personId: number): Promise<Outcome<PersonReviews>> {
  if (!actor.active || !Number.isInteger(personId)) return notFound();
  const [subject] = await db
    .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active })
    .from(users)
    .where(and(eq(users.id, personId), eq(users.orgId, actor.orgId)))
    .limit(1);
  if (!subject) return notFound();
  if (subject.id !== actor.id && !canActAsManagerOf(actor, subject, await loadTeamContext(db, actor))) return notFound();
  const rows = await db
    .select({ id: reviews.id, cycle: reviewCycles.name, dueOn: reviewCycles.dueOn, step: reviews.step })
    .from(reviews)
    .innerJoin(reviewCycles, eq(reviewCycles.id, reviews.cycleId))
    .where(eq(reviews.subjectUserId, subject.id));
  return ok(rows.map((r) => ({ ...r, step: r.step as ReviewStep })).sort((a, b) => b.dueOn.localeCompare(a.dueOn) || b.id - a.id));
}
