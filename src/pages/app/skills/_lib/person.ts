// What "My skills" and a person's page both show: their ratings against their
// tier and the next, what to learn next, and one skill's history for the chart.
import type { Ladder } from '#domain/skills.ts';
import {
  historySeries,
  learnNext,
  nextTierOf,
  personSkills,
  tierOf,
  type HistoryPoint,
  type LearningStep,
  type PersonSkillRow,
} from '#domain/skills-matrix.ts';
import type { Executor } from '#server/db/client.ts';
import { latestBySkill, listOrgSkills, ratingHistory, type HistoryEntry, type OrgSkill } from '#server/skills.ts';

export type PersonSkillsPage = {
  skills: OrgSkill[];
  rows: PersonSkillRow[];
  tierTitle: string | null;
  nextTierTitle: string | null;
  learn: LearningStep[];
  history: HistoryEntry[];
  /** Skills with at least one rating, for the history picker. */
  ratedSkills: OrgSkill[];
  chart: { skill: OrgSkill; points: HistoryPoint[]; target: number | null } | null;
};

export async function loadPersonSkills(
  db: Executor,
  person: { id: number; orgId: number; jobRole: string | null; tier: string | null },
  ladders: readonly Ladder[],
  chosenSkill: string | null,
): Promise<PersonSkillsPage> {
  const [skills, history] = await Promise.all([listOrgSkills(db, person.orgId), ratingHistory(db, person.id)]);
  const tier = tierOf(ladders, person.jobRole, person.tier);
  const next = nextTierOf(ladders, person.jobRole, person.tier);
  const rows = personSkills(skills, latestBySkill(history), tier?.targets ?? null, next?.targets ?? null);
  const ratedIds = new Set(history.map((h) => h.skillId));
  const ratedSkills = skills.filter((s) => ratedIds.has(s.id));
  // The chosen skill if it has history; else the rated skill with the largest gap (rows are sorted so).
  const chartSkill =
    ratedSkills.find((s) => s.id === chosenSkill) ??
    rows.map((r) => ratedSkills.find((s) => s.id === r.skill.id)).find((s) => s !== undefined) ??
    null;
  const chart = chartSkill
    ? {
        skill: chartSkill,
        points: historySeries(history.filter((h) => h.skillId === chartSkill.id)),
        target: rows.find((r) => r.skill.id === chartSkill.id)?.target ?? null,
      }
    : null;
  return {
    skills,
    rows,
    tierTitle: tier?.title ?? null,
    nextTierTitle: next?.title ?? null,
    learn: learnNext(rows),
    history,
    ratedSkills,
    chart,
  };
}
