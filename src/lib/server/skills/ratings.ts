// Recording a rating: from the rating form (My skills, a person's page) and
// from the matrix's keyboard editor, which gets the updated cell back. The
// kind of rating follows from who rates whom, and the rating and its audit row
// are written in one transaction.
import { and, eq, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Ladder } from '#domain/skills.ts';
import { canViewUser, ratingKindFor } from '#domain/access.ts';
import { choiceOf, optionalText, optionalWebLink, parseId, requiredText } from '#domain/fields.ts';
import type { Level } from '#domain/scale.ts';
import {
  MAX_NOTE_LENGTH,
  cellDescription,
  cellKey,
  cellText,
  skillMatrixCell,
  targetsFor,
  type SkillMatrixCell,
} from '#domain/skills-matrix.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db } from '#server/db/client.ts';
import { skillRatings, skills, users, type SkillRating } from '#server/db/schema.ts';
import { forbidden, invalid, notFound, ok, parseInput, type Outcome } from '#server/outcome.ts';
import type { ActionContext } from '#server/request/context.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { latestCells } from './queries.ts';
import { effectiveLadders } from '#server/frameworks/queries.ts';

// --- recording a rating ----------------------------------------------------------

const LEVEL_CHOICES = ['0', '1', '2', '3', '4'] as const;
const CHOOSE_LEVEL = 'Choose a level from 0 to 4.';

export const ratingInput = z.object({
  skillId: requiredText(100, 'Choose a skill.', 'Choose a skill from the list.'),
  // The form posts the level as text, the matrix's editor as a number.
  level: z
    .union([z.string(), z.number()], { error: CHOOSE_LEVEL })
    .transform((v) => String(v).trim())
    .pipe(choiceOf(LEVEL_CHOICES, CHOOSE_LEVEL))
    .transform((v) => Number(v) as Level),
  note: optionalText(MAX_NOTE_LENGTH),
  evidenceUrl: optionalWebLink(500),
});
export type RatingInput = z.input<typeof ratingInput>;

export type RecordedRating = { rating: SkillRating; subject: { id: number; jobRole: string | null; tier: string | null } };

/**
 * Records a rating of `rawSubjectId` by the actor. The kind follows from who
 * rates whom (never from the request), so a member cannot forge a manager
 * rating. 404 when the actor may not see the person, 403 when they may see
 * but not rate them (a deactivated person).
 */
export async function recordRating(
  db: Db,
  ctx: ActionContext,
  rawSubjectId: string | number | undefined,
  input: Record<string, unknown>,
): Promise<Outcome<RecordedRating>> {
  const subjectId = parseId(rawSubjectId === undefined ? undefined : String(rawSubjectId));
  if (subjectId === null) return notFound();
  return db.transaction(async (tx) => {
    const [subject] = await tx
      .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active, jobRole: users.jobRole, tier: users.tier })
      .from(users)
      .where(eq(users.id, subjectId))
      .limit(1);
    if (!subject) return notFound();
    const teamContext = await loadTeamContext(tx, ctx.actor);
    if (!canViewUser(ctx.actor, subject, teamContext)) return notFound();
    const kind = ratingKindFor(ctx.actor, subject, teamContext);
    if (!kind) return forbidden('You cannot rate this person.');

    const parsed = parseInput(ratingInput, input);
    if (!parsed.ok) return parsed;
    const value = parsed.value;
    const [skill] = await tx
      .select({ id: skills.id })
      .from(skills)
      .where(and(eq(skills.id, value.skillId), eq(skills.active, true), or(isNull(skills.orgId), eq(skills.orgId, subject.orgId))))
      .limit(1);
    if (!skill) return invalid({ skillId: 'Choose a skill from the list.' });

    const [rating] = await tx
      .insert(skillRatings)
      .values({
        orgId: subject.orgId,
        subjectUserId: subject.id,
        raterUserId: ctx.actor.id,
        skillId: skill.id,
        kind,
        level: value.level,
        note: value.note,
        evidenceUrl: value.evidenceUrl,
        ratedAt: ctx.now,
        createdAt: ctx.now,
      })
      .returning();
    await writeActorAudit(
      tx,
      ctx,
      'skill.rated',
      { type: 'user', id: subject.id },
      { after: { ratingId: rating!.id, skillId: skill.id, kind, level: value.level, note: value.note, evidenceUrl: value.evidenceUrl } },
    );
    return ok({ rating: rating!, subject: { id: subject.id, jobRole: subject.jobRole, tier: subject.tier } });
  });
}

// --- from the matrix --------------------------------------------------------------

export type RatedCell = {
  ratingId: number;
  kind: SkillRating['kind'];
  cell: SkillMatrixCell & { text: string; description: string };
};

/**
 * The matrix editor's save: `personId` with the rating's fields. Records the
 * rating as recordRating does (the same authorization), then answers the
 * person's cell for that skill as the heatmap draws it.
 */
export async function rateFromMatrix(
  db: Db,
  ctx: ActionContext,
  body: Record<string, unknown>,
  ladders: readonly Ladder[],
): Promise<Outcome<RatedCell>> {
  const { personId, ...input } = body;
  const recorded = await recordRating(db, ctx, typeof personId === 'number' || typeof personId === 'string' ? personId : undefined, input);
  if (!recorded.ok) return recorded;
  const { rating, subject } = recorded.value;
  const cells = await latestCells(db, ctx.actor.orgId, [subject.id]);
  const target = targetsFor(await effectiveLadders(db, ctx.actor.orgId, ladders), subject.jobRole, subject.tier)?.[rating.skillId] ?? null;
  const cell = skillMatrixCell(cells.get(cellKey(subject.id, rating.skillId)), target);
  return ok({ ratingId: rating.id, kind: rating.kind, cell: { ...cell, text: cellText(cell), description: cellDescription(cell) } });
}
