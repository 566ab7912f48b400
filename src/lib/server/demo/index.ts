// The demo organisation, created by the start command on an empty database
// outside production, so someone trying OpsPath can sign in at once.
import { count } from 'drizzle-orm';
import { writeAudit } from '#server/audit/index.ts';
import type { Db } from '#server/db/client.ts';
import { organisations, teamMemberships, teams, users } from '#server/db/schema.ts';
import type { RoleSlug } from '#content/schema.ts';
import { findJobRole, type JobRoleCatalog } from '#domain/job-roles.ts';
import { hashPassword } from '#server/auth/password.ts';
import type { Catalogs } from '#catalog/catalogs.ts';
import { addDays, organisationToday } from '#domain/calendar.ts';
import { seedDemoRamp } from './ramp.ts';
import { seedDemoCertifications } from './certifications.ts';
import { seedDemoSkills } from './skills.ts';
import type { UserRole } from '#domain/access.ts';

export const DEMO_ORG_NAME = 'Demo Logistics';
export const DEMO_PASSWORD = 'opspath-demo';
/** The demo organisation keeps its calendar in Bucharest (so its "today" differs from UTC's between 00:00 and 02:00 or 03:00). */
export const DEMO_TIME_ZONE = 'Europe/Bucharest';
/** Bucharest's spreadsheets: Excel and LibreOffice set to Romanian write semicolons and day-first dates (decision 019). */
export const DEMO_SPREADSHEET_LOCALE = 'ro-RO';

/** What the demo needs from content (tests may pass a generic job-role catalog). */
export type DemoContent = Pick<Catalogs, 'jobRoles' | 'ladders' | 'skills' | 'certifications' | 'ramp'>;

type DemoPerson = {
  email: string;
  name: string;
  role: UserRole;
  jobRole: RoleSlug | null;
  /** Index into the role guide's tiers, clamped to the tiers the guide has. */
  tier: number;
  /** Days before today. */
  startedDaysAgo: number;
  team: 'warehouse' | 'customer' | null;
};

// Two teams with different managers; members across all five job roles and
// their tiers; one new hire 20 days in (the ramp plan's interesting case) and
// one 45 days in.
const PEOPLE: DemoPerson[] = [
  { email: 'admin@demo.opspath.test', name: 'Alex Morgan', role: 'admin', jobRole: null, tier: 0, startedDaysAgo: 2200, team: null },
  {
    email: 'manager@demo.opspath.test',
    name: 'Maria Lopez',
    role: 'manager',
    jobRole: 'operations-manager',
    tier: 1,
    startedDaysAgo: 1800,
    team: null,
  },
  {
    email: 'manager2@demo.opspath.test',
    name: 'David Chen',
    role: 'manager',
    jobRole: 'operations-manager',
    tier: 1,
    startedDaysAgo: 1300,
    team: null,
  },
  {
    email: 'newhire@demo.opspath.test',
    name: 'Nina Patel',
    role: 'member',
    jobRole: 'operations-assistant',
    tier: 0,
    startedDaysAgo: 20,
    team: 'warehouse',
  },
  {
    email: 'tom.becker@demo.opspath.test',
    name: 'Tom Becker',
    role: 'member',
    jobRole: 'operations-coordinator',
    tier: 1,
    startedDaysAgo: 700,
    team: 'warehouse',
  },
  {
    email: 'ioana.popescu@demo.opspath.test',
    name: 'Ioana Popescu',
    role: 'member',
    jobRole: 'operations-support-specialist',
    tier: 2,
    startedDaysAgo: 1500,
    team: 'warehouse',
  },
  {
    email: 'samuel.okafor@demo.opspath.test',
    name: 'Samuel Okafor',
    role: 'member',
    jobRole: 'operations-officer',
    tier: 0,
    startedDaysAgo: 240,
    team: 'warehouse',
  },
  {
    email: 'lena.fischer@demo.opspath.test',
    name: 'Lena Fischer',
    role: 'member',
    jobRole: 'operations-manager',
    tier: 0,
    startedDaysAgo: 400,
    team: 'warehouse',
  },
  {
    email: 'priya.raman@demo.opspath.test',
    name: 'Priya Raman',
    role: 'member',
    jobRole: 'operations-assistant',
    tier: 1,
    startedDaysAgo: 500,
    team: 'customer',
  },
  {
    email: 'jonas.weber@demo.opspath.test',
    name: 'Jonas Weber',
    role: 'member',
    jobRole: 'operations-coordinator',
    tier: 0,
    startedDaysAgo: 45,
    team: 'customer',
  },
  {
    email: 'elena.dumitru@demo.opspath.test',
    name: 'Elena Dumitru',
    role: 'member',
    jobRole: 'operations-support-specialist',
    tier: 1,
    startedDaysAgo: 1100,
    team: 'customer',
  },
  {
    email: 'marcus.reid@demo.opspath.test',
    name: 'Marcus Reid',
    role: 'member',
    jobRole: 'operations-officer',
    tier: 2,
    startedDaysAgo: 2000,
    team: 'customer',
  },
  {
    email: 'ana.silva@demo.opspath.test',
    name: 'Ana Silva',
    role: 'member',
    jobRole: 'operations-coordinator',
    tier: 2,
    startedDaysAgo: 900,
    team: 'customer',
  },
];

const TEAMS = {
  warehouse: { name: 'Warehouse Operations', manager: 'manager@demo.opspath.test' },
  customer: { name: 'Customer Operations', manager: 'manager2@demo.opspath.test' },
} as const;

/** The accounts the README and the start command list. */
export const DEMO_ACCOUNTS = [
  { email: 'admin@demo.opspath.test', what: 'admin: runs the organisation' },
  { email: 'manager@demo.opspath.test', what: 'manager of Warehouse Operations' },
  { email: 'manager2@demo.opspath.test', what: 'manager of Customer Operations' },
  { email: 'newhire@demo.opspath.test', what: 'member who started 20 days ago' },
] as const;

function tierFor(catalog: JobRoleCatalog, person: DemoPerson): string | null {
  if (!person.jobRole) return null;
  const tiers = findJobRole(catalog, person.jobRole)?.tiers ?? [];
  if (tiers.length === 0) return null;
  return tiers[Math.min(person.tier, tiers.length - 1)]!.id;
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [orgRows] = await db.select({ n: count() }).from(organisations);
  const [userRows] = await db.select({ n: count() }).from(users);
  return (orgRows?.n ?? 0) === 0 && (userRows?.n ?? 0) === 0;
}

/**
 * Creates Demo Logistics in one transaction (all or nothing) and returns its id.
 * The caller decides whether this may run (empty database, not production).
 */
export async function seedDemoOrganisation(db: Db, content: DemoContent, now = new Date()): Promise<number> {
  const catalog = content.jobRoles;
  const today = organisationToday(now, DEMO_TIME_ZONE);
  // Everyone shares the demo password, so one hash (one salt) is enough: ~20 ms instead of ~300.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const system = { actorUserId: null, ip: null, at: now };
    const [org] = await tx
      .insert(organisations)
      .values({ name: DEMO_ORG_NAME, settings: { timeZone: DEMO_TIME_ZONE, spreadsheetLocale: DEMO_SPREADSHEET_LOCALE }, createdAt: now })
      .returning();
    const orgId = org!.id;
    await writeAudit(tx, {
      ...system,
      orgId,
      action: 'org.created',
      target: { type: 'organisation', id: orgId },
      after: { name: DEMO_ORG_NAME, demo: true, timeZone: DEMO_TIME_ZONE, spreadsheetLocale: DEMO_SPREADSHEET_LOCALE },
    });

    const ids = new Map<string, number>();
    for (const person of PEOPLE) {
      const values = {
        orgId,
        email: person.email,
        displayName: person.name,
        passwordHash,
        role: person.role,
        jobRole: person.jobRole,
        tier: tierFor(catalog, person),
        startDate: addDays(today, -person.startedDaysAgo),
        active: true,
        createdAt: now,
        updatedAt: now,
      };
      const [row] = await tx.insert(users).values(values).returning({ id: users.id });
      ids.set(person.email, row!.id);
      const { passwordHash: _omit, orgId: _org, createdAt: _c, updatedAt: _u, ...snapshot } = values;
      await writeAudit(tx, { ...system, orgId, action: 'user.created', target: { type: 'user', id: row!.id }, after: snapshot });
    }

    for (const [key, spec] of Object.entries(TEAMS) as [keyof typeof TEAMS, (typeof TEAMS)[keyof typeof TEAMS]][]) {
      const managerUserId = ids.get(spec.manager)!;
      const [team] = await tx
        .insert(teams)
        .values({ orgId, name: spec.name, managerUserId, createdAt: now, updatedAt: now })
        .returning({ id: teams.id });
      await writeAudit(tx, {
        ...system,
        orgId,
        action: 'team.created',
        target: { type: 'team', id: team!.id },
        after: { name: spec.name, managerUserId },
      });
      for (const person of PEOPLE.filter((p) => p.team === key)) {
        const userId = ids.get(person.email)!;
        await tx.insert(teamMemberships).values({ teamId: team!.id, userId, createdAt: now });
        await writeAudit(tx, { ...system, orgId, action: 'team.member_added', target: { type: 'team', id: team!.id }, after: { userId } });
      }
    }
    await seedDemoRamp(tx, { orgId, ids, now, today, catalog: content.ramp });
    await seedDemoCertifications(tx, orgId, now, today, content.certifications);
    await seedDemoSkills(tx, orgId, now, content);
    return orgId;
  });
}
