// One matrix cell in full, for the matrix's popover: a person's latest self
// and manager rating of one skill with their notes and evidence, the target
// for their tier, and the recent history. The same access as their skills
// page (canViewUser): the person themself, their managers, admins; anyone
// else, and another organisation, gets "not found".
import { canViewUser, type Actor } from '#domain/access.ts';
import { formatClockIn, organisationTimeZone } from '#domain/calendar.ts';
import { parseId } from '#domain/fields.ts';
import { LEVELS, type Level } from '#domain/scale.ts';
import type { Ladder } from '#domain/skills.ts';
import { targetOf, tierOf } from '#domain/skills-matrix.ts';
import type { Executor } from '#server/db/client.ts';
import { effectiveLadders } from '#server/frameworks/queries.ts';
import { invalid, notFound, ok, type Outcome } from '#server/outcome.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { getSkillsPerson, listOrgSkills, ratingHistory, type HistoryEntry } from './queries.ts';

/** How many of the skill's ratings the popover lists; the rest are counted and on the person's page. */
export const CELL_HISTORY_LIMIT = 10;

/** One rating as the popover shows it. Notes are the rater's own text: render them as text, never as HTML. */
export type CellRating = {
  kind: 'self' | 'manager';
  level: Level;
  /** The scale's word for the level: "Proficient". */
  label: string;
  note: string | null;
  evidenceUrl: string | null;
  /** When, on the organisation's clock ("Nov 2, 2026, 11:00 AM"); the zone is `timeZone` of the answer. */
  ratedAt: string;
  /** The same instant, ISO 8601, for a <time> element. */
  ratedAtIso: string;
  /** Who gave it. */
  by: string;
};

export type SkillCellDetails = {
  person: { id: number; name: string };
  skill: { id: string; name: string };
  self: CellRating | null;
  manager: CellRating | null;
  /** Their tier's target for the skill, or null where the tier sets none. */
  target: number | null;
  /** The latest ratings of the skill, newest first, at most CELL_HISTORY_LIMIT. */
  history: CellRating[];
  /** How many older ratings there are beyond `history`. */
  olderCount: number;
  /** The organisation's time zone, which every `ratedAt` is written in. */
  timeZone: string;
  /** The page with every rating of the skill: the person's skills page (My skills for oneself), its history section. */
  historyHref: string;
};

function cellRating(entry: HistoryEntry, timeZone: string): CellRating {
  const at = new Date(entry.ratedAt);
  return {
    kind: entry.kind,
    level: entry.level,
    label: LEVELS[entry.level]?.label ?? '',
    note: entry.note,
    evidenceUrl: entry.evidenceUrl,
    ratedAt: formatClockIn(at, timeZone),
    ratedAtIso: at.toISOString(),
    by: entry.raterName,
  };
}

/**
 * One person's cell for one skill. 404 when the id is not a number, there is
 * no such person or the actor may not see them (checked before the skill, so
 * a refusal says nothing about the skill); 400 without a skill; 404 for a
 * skill the organisation does not use.
 */
export async function skillCellDetails(
  db: Executor,
  actor: Actor & { timeZone: string },
  rawPersonId: string | number | undefined,
  rawSkillId: string | null,
  ladders: readonly Ladder[],
): Promise<Outcome<SkillCellDetails>> {
  const id = parseId(rawPersonId);
  const person = id === null ? undefined : await getSkillsPerson(db, id);
  if (!person) return notFound();
  if (!canViewUser(actor, person, await loadTeamContext(db, actor))) return notFound();
  const skillId = rawSkillId?.trim() ?? '';
  if (skillId === '') return invalid({ skill: 'Name a skill: ?skill=<skill id>.' });
  const [skills, history, orgLadders] = await Promise.all([
    listOrgSkills(db, person.orgId),
    ratingHistory(db, person.id, skillId),
    effectiveLadders(db, person.orgId, ladders),
  ]);
  const skill = skills.find((s) => s.id === skillId);
  if (!skill) return notFound();
  const timeZone = organisationTimeZone(actor.timeZone);
  // History is newest first by (ratedAt, id), the domain's rule for the latest rating
  // (latestRatings), so the first of a kind is the one the matrix cell shows.
  const latestOf = (kind: 'self' | 'manager') => {
    const entry = history.find((h) => h.kind === kind);
    return entry ? cellRating(entry, timeZone) : null;
  };
  const query = `?skill=${encodeURIComponent(skill.id)}#history`;
  return ok({
    person: { id: person.id, name: person.displayName },
    skill: { id: skill.id, name: skill.name },
    self: latestOf('self'),
    manager: latestOf('manager'),
    target: targetOf(tierOf(orgLadders, person.jobRole, person.tier)?.targets ?? null, skill.id),
    history: history.slice(0, CELL_HISTORY_LIMIT).map((h) => cellRating(h, timeZone)),
    olderCount: Math.max(0, history.length - CELL_HISTORY_LIMIT),
    timeZone,
    historyHref: person.id === actor.id ? `/app/skills/me/${query}` : `/app/skills/people/${person.id}/${query}`,
  });
}
