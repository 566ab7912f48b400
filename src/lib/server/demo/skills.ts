// Skills for the demo organisation: the catalog, and a year of self and
// manager ratings for everyone in a team, so the matrix shows gaps, a single
// point of failure, people who rate themselves higher (and lower) than their
// manager does, and a new hire with only her own first ratings.
// Deterministic: the same people and `now` always give the same ratings.
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { seededRandom } from '#domain/random.ts';
import type { Level } from '#domain/scale.ts';
import { targetsFor } from '#domain/skills-matrix.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { organisations, skillRatings, skills, teamMemberships, teams, users } from '#server/db/schema.ts';
import type { Catalogs } from '#catalog/catalogs.ts';
import { syncSkillCatalogIn } from '#server/skills/catalog.ts';

const DAY = 86_400_000;

const random = (seed: string) => seededRandom(seed);

const clamp = (n: number): Level => Math.max(0, Math.min(4, Math.round(n))) as Level;

const NOTES = [
  'Handled the month-end backlog without help.',
  'Walked a new colleague through this.',
  'Still asks for a check on unusual cases.',
  'Led the fix after the carrier outage.',
  'Wants more practice before doing this alone.',
  null,
  null,
  null,
];

/**
 * Seeds the catalog and ratings inside the demo transaction (`tx`). People
 * whose tier is unknown to the guides (generic tiers) get targets from their
 * role's first tier, so every member still has something to show.
 */
export async function seedDemoSkills(
  tx: Executor,
  orgId: number,
  now: Date,
  content: Pick<Catalogs, 'skills' | 'ladders'>,
): Promise<number> {
  const { ladders } = content;
  const catalog = [...content.skills.values()];
  await syncSkillCatalogIn(tx, catalog, now);
  const known = new Set(catalog.map((s) => s.id));
  const people = await tx
    .select({
      id: users.id,
      email: users.email,
      jobRole: users.jobRole,
      tier: users.tier,
      startDate: users.startDate,
      managerId: teams.managerUserId,
    })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .where(and(eq(users.orgId, orgId), isNotNull(teams.managerUserId)));

  const rows: (typeof skillRatings.$inferInsert)[] = [];
  for (const person of people) {
    const ladder = ladders.find((l) => l.slug === person.jobRole);
    const targets = targetsFor(ladders, person.jobRole, person.tier) ?? ladder?.tiers[0]?.targets ?? null;
    if (!targets) continue;
    const rnd = random(person.email);
    const started = person.startDate ? Date.parse(`${person.startDate}T00:00:00Z`) : now.getTime() - 400 * DAY;
    const daysIn = Math.floor((now.getTime() - started) / DAY);
    const newHire = daysIn < 60;
    // Review rounds: roughly a year, six and one month ago, never before the start date.
    const rounds = (newHire ? [Math.max(daysIn - 3, 0)] : [360, 180, 30].filter((d) => d < daysIn - 14)).map(
      (d) => now.getTime() - d * DAY,
    );
    if (rounds.length === 0) rounds.push(now.getTime() - DAY);

    for (const [skillId, target] of Object.entries(targets)) {
      if (!known.has(skillId)) continue;
      // Where the person really is at the last round: mostly near target, some well below, a few above.
      const draw = rnd();
      const final = clamp(target + (draw < 0.2 ? -2 : draw < 0.55 ? -1 : draw < 0.9 ? 0 : 1) - (newHire ? 1 : 0));
      const selfBias = rnd() < 0.3 ? 1 : rnd() < 0.15 ? -1 : 0;
      // Levels only grow from round to round: count the steps still to come, from the last round back.
      const deficits = rounds.map(() => 0);
      for (let i = rounds.length - 2; i >= 0; i--) deficits[i] = deficits[i + 1]! + (rnd() < 0.6 ? 1 : 0);
      rounds.forEach((at, i) => {
        const level = clamp(final - deficits[i]!);
        const note = NOTES[Math.floor(rnd() * NOTES.length)] ?? null;
        rows.push({
          orgId,
          subjectUserId: person.id,
          raterUserId: person.id,
          skillId,
          kind: 'self',
          level: clamp(level + selfBias),
          note: null,
          ratedAt: new Date(at - 2 * DAY),
          createdAt: now,
        });
        // A new hire's manager has not rated her yet: the matrix shows self ratings only.
        if (!newHire && person.managerId !== null) {
          rows.push({
            orgId,
            subjectUserId: person.id,
            raterUserId: person.managerId,
            skillId,
            kind: 'manager',
            level,
            note,
            ratedAt: new Date(at),
            createdAt: now,
          });
        }
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await tx.insert(skillRatings).values(rows.slice(i, i + 500));
  return rows.length;
}

export type BenchmarkOrg = {
  orgId: number;
  adminEmail: string;
  managerEmails: string[];
  teamIds: number[];
  skillIds: string[];
  ratings: number;
};

/**
 * A large organisation for benchmarks and the 500 x 60 browser test: an
 * admin, `people` members in teams of `teamSize` (each with its manager),
 * the catalog plus organisation skills up to `skills`, and `rounds` dated
 * self and manager ratings per person x skill. Everyone gets `passwordHash`.
 * Emails are made unique with `label`, so it can run on a shared database.
 */
export async function seedSkillsBenchmarkOrg(
  db: Db,
  options: { passwordHash: string; label?: string; people?: number; skills?: number; teamSize?: number; rounds?: number; now?: Date },
): Promise<BenchmarkOrg> {
  const {
    passwordHash,
    label = `bench-${Date.now().toString(36)}`,
    people = 500,
    skills: skillCount = 60,
    teamSize = 50,
    rounds = 2,
    now = new Date(),
  } = options;
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organisations)
      .values({ name: `Skills benchmark ${label}`, settings: {}, createdAt: now })
      .returning({ id: organisations.id });
    const orgId = org!.id;
    const email = (who: string) => `${who}.${label}@bench.opspath.test`;
    await tx.insert(users).values({
      orgId,
      email: email('admin'),
      displayName: 'Benchmark Admin',
      passwordHash,
      role: 'admin',
      createdAt: now,
      updatedAt: now,
    });
    const catalog = await tx
      .select({ id: skills.id })
      .from(skills)
      .where(and(isNull(skills.orgId), eq(skills.active, true)))
      .orderBy(asc(skills.position));
    const own = Array.from({ length: Math.max(0, skillCount - catalog.length) }, (_, i) => ({
      id: `${label}-skill-${i + 1}`,
      orgId,
      name: `Benchmark skill ${i + 1}`,
      category: 'technical' as const,
      description: 'A skill of the benchmark organisation.',
      source: 'admin' as const,
      position: 10_000 + i,
      createdAt: now,
      updatedAt: now,
    }));
    if (own.length) await tx.insert(skills).values(own);
    const skillIds = [...catalog.map((s) => s.id), ...own.map((s) => s.id)].slice(0, skillCount);

    const teamIds: number[] = [];
    const managerEmails: string[] = [];
    const memberIds: { id: number; managerId: number }[] = [];
    const tiers = ['junior', 'mid', 'senior'];
    for (let t = 0; t * teamSize < people; t++) {
      const managerEmail = email(`manager${t + 1}`);
      const [manager] = await tx
        .insert(users)
        .values({
          orgId,
          email: managerEmail,
          displayName: `Manager ${t + 1}`,
          passwordHash,
          role: 'manager',
          jobRole: 'operations-manager',
          tier: 'manager',
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: users.id });
      const [team] = await tx
        .insert(teams)
        .values({ orgId, name: `Team ${t + 1}`, managerUserId: manager!.id, createdAt: now, updatedAt: now })
        .returning({ id: teams.id });
      teamIds.push(team!.id);
      managerEmails.push(managerEmail);
      const size = Math.min(teamSize, people - t * teamSize);
      const inserted = await tx
        .insert(users)
        .values(
          Array.from({ length: size }, (_, i) => {
            const n = t * teamSize + i + 1;
            return {
              orgId,
              email: email(`person${n}`),
              displayName: `Person ${String(n).padStart(3, '0')}`,
              passwordHash,
              role: 'member' as const,
              jobRole: 'operations-coordinator',
              tier: tiers[n % 3]!,
              createdAt: now,
              updatedAt: now,
            };
          }),
        )
        .returning({ id: users.id });
      await tx.insert(teamMemberships).values(inserted.map((p) => ({ teamId: team!.id, userId: p.id, createdAt: now })));
      memberIds.push(...inserted.map((p) => ({ id: p.id, managerId: manager!.id })));
    }

    let batch: (typeof skillRatings.$inferInsert)[] = [];
    let ratings = 0;
    const flush = async () => {
      for (let i = 0; i < batch.length; i += 500) await tx.insert(skillRatings).values(batch.slice(i, i + 500));
      ratings += batch.length;
      batch = [];
    };
    for (const [p, person] of memberIds.entries()) {
      for (const [k, skillId] of skillIds.entries()) {
        for (let r = 0; r < rounds; r++) {
          const at = now.getTime() - (rounds - r) * 90 * DAY;
          batch.push({
            orgId,
            subjectUserId: person.id,
            raterUserId: person.id,
            skillId,
            kind: 'self',
            level: clamp((p + k + r) % 5),
            ratedAt: new Date(at - DAY),
            createdAt: now,
          });
          batch.push({
            orgId,
            subjectUserId: person.id,
            raterUserId: person.managerId,
            skillId,
            kind: 'manager',
            level: clamp((p * 3 + k + r) % 5),
            ratedAt: new Date(at),
            createdAt: now,
          });
        }
      }
      if (batch.length >= 5000) await flush();
    }
    await flush();
    return { orgId, adminEmail: email('admin'), managerEmails, teamIds, skillIds, ratings };
  });
}
