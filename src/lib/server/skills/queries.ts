// Unchecked reads of skills and ratings, by organisation or by person: for
// the feature's own modules, other features' server code, the CLI, the seed,
// the benchmarks and tests. Nothing here authorizes: pages read through the
// public face (index.ts), whose reads call the access rules first.
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { UserRole } from '#domain/access.ts';
import { PROFICIENT, type Level } from '#domain/scale.ts';
import {
  cellKey,
  type CellRatings,
  type MatrixSkill,
  type RatingRecord,
  type SkillCoverageCount,
  type SkillMatrixPerson,
} from '#domain/skills-matrix.ts';
import type { Executor } from '#server/db/client.ts';
import { skillRatings, skills, teamMemberships, users, type Skill } from '#server/db/schema.ts';

// --- the organisation's skills ----------------------------------------------------

export type OrgSkill = MatrixSkill & { description: string; source: Skill['source'] };

/** The active skills an organisation uses: the catalog's and its own, in catalog order. */
export async function listOrgSkills(db: Executor, orgId: number): Promise<OrgSkill[]> {
  return db
    .select({
      id: skills.id,
      name: skills.name,
      category: skills.category,
      position: skills.position,
      description: skills.description,
      source: skills.source,
    })
    .from(skills)
    .where(and(eq(skills.active, true), or(isNull(skills.orgId), eq(skills.orgId, orgId))))
    .orderBy(asc(skills.position), asc(skills.id));
}

// --- matrix queries -------------------------------------------------------------

/**
 * Latest self and manager rating per person x skill, from skill_ratings_current
 * (kept by a trigger on every insert, migration 0007). Each person comes back
 * as one row with their cells packed in a string: 500 people x 60 skills is 500
 * small rows rather than 60,000 objects, and the client's per-row cost is what
 * dominates a read this size. `personIds` null means everyone in the organisation.
 */
export async function latestCells(db: Executor, orgId: number, personIds: readonly number[] | null): Promise<Map<string, CellRatings>> {
  const cells = new Map<string, CellRatings>();
  if (personIds !== null && personIds.length === 0) return cells;
  // For a list of people, "+org_id" keeps SQLite on the primary key (person,
  // skill): through the org index it would walk every rating of the organisation.
  const where =
    personIds === null
      ? sql`org_id = ${orgId}`
      : sql`+org_id = ${orgId} and subject_user_id in (${sql.join(
          personIds.map((id) => sql`${id}`),
          sql`, `,
        )})`;
  const rows = await db.all<{ s: number; c: string }>(sql`
    select subject_user_id as s,
           group_concat(skill_id || ' ' || ifnull(self_level, '') || ' ' || ifnull(self_rated_at, '') || ' ' || ifnull(manager_level, '') || ' ' || ifnull(manager_rated_at, ''), ',') as c
    from skill_ratings_current where ${where}
    group by subject_user_id`);
  const rating = (level: string, ratedAt: string) => (level === '' ? null : { level: Number(level) as Level, ratedAt: Number(ratedAt) });
  for (const row of rows) {
    const person = Number(row.s);
    for (const packed of String(row.c).split(',')) {
      // Skill ids are kebab-case, so neither ' ' nor ',' can occur inside one.
      const [skillId, selfLevel, selfAt, managerLevel, managerAt] = packed.split(' ') as [string, string, string, string, string];
      cells.set(cellKey(person, skillId), { self: rating(selfLevel, selfAt), manager: rating(managerLevel, managerAt) });
    }
  }
  return cells;
}

/**
 * Per skill, across the organisation's active people: how many have a current
 * rating and how many are at proficient or above (the manager's rating where
 * there is one, else their own, as currentLevel decides). One pass over a
 * covering index of skill_ratings_current; deactivated people, few, are left
 * out by a small list rather than a join per rating.
 */
export async function orgSkillCoverage(db: Executor, orgId: number): Promise<SkillCoverageCount[]> {
  const rows = await db.all<{ skillId: string; rated: number; proficient: number }>(sql`
    select skill_id as skillId, count(*) as rated, sum(coalesce(manager_level, self_level) >= ${PROFICIENT}) as proficient
    from skill_ratings_current
    where org_id = ${orgId} and subject_user_id not in (select id from users where org_id = ${orgId} and active = 0)
    group by skill_id`);
  return rows.map((r) => ({ skillId: String(r.skillId), rated: Number(r.rated), proficient: Number(r.proficient) }));
}

export type ScopedPerson = SkillMatrixPerson & { email: string; teamIds: number[] };

/** Active people of the organisation, or of some of its teams, with their team ids. */
export async function scopedPeople(
  db: Executor,
  orgId: number,
  teamIds: readonly number[] | null,
  excludeId: number | null,
): Promise<ScopedPerson[]> {
  const base = db
    .select({
      id: users.id,
      name: users.displayName,
      email: users.email,
      jobRole: users.jobRole,
      tier: users.tier,
      teamId: teamMemberships.teamId,
    })
    .from(users)
    .leftJoin(teamMemberships, eq(teamMemberships.userId, users.id));
  const rows = await base.where(
    and(eq(users.orgId, orgId), eq(users.active, true), teamIds === null ? undefined : inArray(teamMemberships.teamId, [...teamIds])),
  );
  const people = new Map<number, ScopedPerson>();
  for (const r of rows) {
    if (r.id === excludeId) continue;
    const person = people.get(r.id) ?? { id: r.id, name: r.name, email: r.email, jobRole: r.jobRole, tier: r.tier, teamIds: [] };
    if (r.teamId !== null) person.teamIds.push(r.teamId);
    people.set(r.id, person);
  }
  return [...people.values()];
}

export type OrgMatrixData = { people: ScopedPerson[]; skills: OrgSkill[]; cells: Map<string, CellRatings> };

/**
 * Everything the admin's whole-organisation matrix needs, in three queries.
 * The benchmark times this for 500 people x 60 skills.
 */
export async function loadOrgMatrix(db: Executor, orgId: number): Promise<OrgMatrixData> {
  const [people, orgSkills, cells] = await Promise.all([
    scopedPeople(db, orgId, null, null),
    listOrgSkills(db, orgId),
    latestCells(db, orgId, null),
  ]);
  return { people, skills: orgSkills, cells };
}

// --- one person -----------------------------------------------------------------------

/** What the skills pages need of a person: who they are for the access rules, and their position. */
export type SkillsPerson = {
  id: number;
  orgId: number;
  role: UserRole;
  active: boolean;
  displayName: string;
  jobRole: string | null;
  tier: string | null;
};

export async function getSkillsPerson(db: Executor, id: number): Promise<SkillsPerson | undefined> {
  const [person] = await db
    .select({
      id: users.id,
      orgId: users.orgId,
      role: users.role,
      active: users.active,
      displayName: users.displayName,
      jobRole: users.jobRole,
      tier: users.tier,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return person;
}

export type HistoryEntry = RatingRecord & { raterName: string; note: string | null; evidenceUrl: string | null };

/** Every rating of a person (or of one skill of theirs), newest first, with who gave it. */
export async function ratingHistory(db: Executor, personId: number, skillId: string | null = null): Promise<HistoryEntry[]> {
  const rows = await db
    .select({
      id: skillRatings.id,
      skillId: skillRatings.skillId,
      kind: skillRatings.kind,
      level: skillRatings.level,
      ratedAt: skillRatings.ratedAt,
      note: skillRatings.note,
      evidenceUrl: skillRatings.evidenceUrl,
      raterName: users.displayName,
    })
    .from(skillRatings)
    .innerJoin(users, eq(users.id, skillRatings.raterUserId))
    // The org_id term lets SQLite use skill_ratings_latest_idx (org, subject, …); by subject alone it scanned every rating.
    .where(
      and(
        eq(skillRatings.orgId, sql`(select ${users.orgId} from ${users} where ${users.id} = ${personId})`),
        eq(skillRatings.subjectUserId, personId),
        skillId === null ? undefined : eq(skillRatings.skillId, skillId),
      ),
    )
    .orderBy(sql`${skillRatings.ratedAt} desc, ${skillRatings.id} desc`);
  return rows.map((r) => ({ ...r, subjectId: personId, level: r.level as Level, ratedAt: r.ratedAt.getTime() }));
}
