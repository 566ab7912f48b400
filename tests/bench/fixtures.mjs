// Fixtures the bench adds to its fresh demo database before the server
// starts (the demo organisation's teams hold 5 and 6 people):
// - "benchteam team 0001" in Demo Logistics: 50 people across the five job
//   roles and their tiers, with a new manager, 10-20 rated skills each (self
//   and manager ratings, 1-3 dated rounds), certification records, and
//   5 new hires with active ramp plans (tasks partly done);
// - a separate organisation of 500 people x 60 skills (the catalog plus
//   organisation skills; 2 rounds of self and manager ratings per person x
//   skill) for the admin's whole-organisation matrix, made by the project's
//   own seedSkillsBenchmarkOrg.
// Everyone shares one password hash.
import { eq, sql } from 'drizzle-orm';
import { openDatabase } from '#server/db/client.ts';
import { organisations, rampTasks } from '#server/db/schema.ts';
import { DEMO_ORG_NAME } from '#server/demo/index.ts';
import { seedSkillsBenchmarkOrg } from '#server/demo/skills.ts';
import { hashPassword } from '#server/auth/password.ts';
import { BENCH_PASSWORD, generateOrganisation } from './org-generator.mjs';

export async function addBenchFixtures(databaseUrl) {
  const database = openDatabase({ url: databaseUrl });
  try {
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const [demo] = await database.db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, DEMO_ORG_NAME));
    if (!demo) throw new Error('no demo organisation in the bench database');
    const team = await generateOrganisation(database, {
      orgId: demo.id,
      label: 'benchteam',
      teamCount: 1,
      teamSize: 50,
      totalSkills: 0,
      newHiresPerTeam: 5,
      recentShare: 0.1,
      passwordHash,
    });
    const taskIds = team.activePlans.flatMap((p) => p.taskIds);
    const states = await database.db
      .select({ id: rampTasks.id, done: sql`done_at is not null` })
      .from(rampTasks)
      .where(
        sql`${rampTasks.id} in (${sql.join(
          taskIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    const org500 = await seedSkillsBenchmarkOrg(database.db, {
      passwordHash,
      label: 'org500',
      people: 500,
      skills: 60,
      teamSize: 50,
      rounds: 2,
    });
    return {
      password: BENCH_PASSWORD,
      teamId: team.managers[0].teamId,
      manager: team.managers[0].email,
      newHire: team.activePlans[0].email,
      tasks: states.map((s) => ({ id: s.id, done: Boolean(s.done) })),
      counts: team.counts,
      org500: { orgId: org500.orgId, admin: org500.adminEmail, people: 500, skills: org500.skillIds.length, ratings: org500.ratings },
    };
  } finally {
    database.close();
  }
}
