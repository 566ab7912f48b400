// Writes a realistic organisation straight into a libSQL database for the
// benchmark: teams with their managers, people in the five job roles and their
// tiers, self and manager skill ratings with history, certification records
// (renewal chains, plans, some expired or expiring), certification
// requirements, and ramp plans (active ones for recent hires, completed ones
// for people who started within the last year).
//
// Everything goes through the project's schema module: multi-row inserts
// built from its tables (see insertAll), a few thousand rows per statement
// (under SQLite's 32,766 bound parameters), inside transactions of ~100k
// rows. Ids are assigned here (max(id) + 1 onwards), so related rows can be
// batched without RETURNING.
// No audit rows and no sessions are written. Deterministic for a given seed
// and `now`.
//
// Standalone: node tests/bench/org-generator.mjs file:/tmp/org.db [people]
import { SQL, getTableColumns, getTableName, is, sql } from 'drizzle-orm';
import { seededRandom } from '#domain/random.ts';
import {
  certificationRecords,
  certificationRequirements,
  organisations,
  rampPlanHistory,
  rampPlans,
  rampTasks,
  skillRatings,
  skills,
  teamMemberships,
  teams,
  users,
} from '#server/db/schema.ts';
import { hashPassword } from '#server/auth/password.ts';
import { syncSkillCatalog } from '#server/skills/catalog.ts';
import { computeExpiryFor } from '#domain/certifications.ts';
import { findTemplate } from '#catalog/catalogs.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { dueDate, phaseForDay } from '#domain/ramp.ts';
import { addDays } from '#domain/calendar.ts';

const DAY = 86_400_000;
export const BENCH_PASSWORD = 'bench-password-1';

/** The same seed gives the same organisation. */
export const random = (seed) => seededRandom(String(seed));

const FIRST = [
  'Ana',
  'Mihai',
  'Elena',
  'Andrei',
  'Ioana',
  'Radu',
  'Maria',
  'Stefan',
  'Laura',
  'Paul',
  'Sofia',
  'Tudor',
  'Irina',
  'Victor',
  'Clara',
  'Daniel',
  'Nora',
  'Lucas',
  'Emma',
  'Omar',
  'Priya',
  'Kenji',
  'Fatima',
  'Jonas',
  'Lena',
  'Marco',
  'Aisha',
  'Tom',
  'Yara',
  'Felix',
  'Mei',
  'Hugo',
  'Sara',
  'Ivan',
  'Leila',
  'Noah',
  'Zoe',
  'Amir',
  'Julia',
  'Samuel',
];
const LAST = [
  'Popescu',
  'Ionescu',
  'Dumitru',
  'Stan',
  'Marin',
  'Becker',
  'Fischer',
  'Weber',
  'Silva',
  'Costa',
  'Okafor',
  'Reid',
  'Chen',
  'Patel',
  'Raman',
  'Novak',
  'Horvat',
  'Kowalski',
  'Nielsen',
  'Moreau',
  'Rossi',
  'Garcia',
  'Tanaka',
  'Haddad',
  'Larsen',
  'Schmidt',
  'Dubois',
  'Jensen',
  'Kaya',
  'Ortiz',
];
const ROLES = [
  'operations-assistant',
  'operations-coordinator',
  'operations-support-specialist',
  'operations-officer',
  'operations-manager',
];

const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const clamp = (n) => Math.max(0, Math.min(4, Math.round(n)));

/**
 * Inserts rows in multi-row statements inside transactions of about `perTx`
 * rows. The statement comes from the schema module's table (column names,
 * drizzle's own value mapping: Date to milliseconds, JSON, booleans, and the
 * columns' $defaultFn and literal defaults); it bypasses drizzle's query
 * builder only because that costs ~4x the insert itself at millions of rows
 * (300k ratings: 6.4 s through db.insert().values(), 1.6 s this way).
 */
async function insertAll(database, table, rows, perTx = 100_000) {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table));
  const per = Math.floor(30_000 / columns.length);
  const valueOf = (row, key, column) => {
    let v = row[key];
    if (v === undefined) {
      if (column.defaultFn) v = column.defaultFn();
      else if (column.default !== undefined && !is(column.default, SQL)) v = column.default;
      else if (column.default !== undefined) throw new Error(`${getTableName(table)}.${column.name}: give a value (its default is SQL)`);
      else return null;
    }
    return v === null ? null : column.mapToDriverValue(v);
  };
  const head = `insert into "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) values `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perTx) {
    const slice = rows.slice(start, start + perTx);
    const tx = await database.client.transaction('write');
    try {
      for (let i = 0; i < slice.length; i += per) {
        const chunk = slice.slice(i, i + per);
        const args = [];
        for (const row of chunk) for (const [key, column] of columns) args.push(valueOf(row, key, column));
        await tx.execute({ sql: head + Array(chunk.length).fill(tuple).join(', '), args });
      }
      await tx.commit();
    } finally {
      tx.close();
    }
  }
}

async function nextId(db, table) {
  const [row] = await db.all(sql`select coalesce(max(id), 0) + 1 as n from ${table}`);
  return Number(row.n);
}

/**
 * Generates an organisation (or adds teams to an existing one with `orgId`).
 * Returns what the benchmark needs: ids, sign-in emails and counts.
 */
export async function generateOrganisation(database, options = {}) {
  const {
    orgId: existingOrgId = null,
    orgName = 'Scale Benchmark Org',
    label = 'scale',
    teamCount = 1000,
    teamSize = 50,
    totalSkills = 60,
    newHireShare = 0.04,
    recentShare = 0.06,
    /** When set, exactly this many people per team are new hires (under 90 days in), spread over the 90 days. */
    newHiresPerTeam = null,
    seed = 'opspath-bench',
    now = new Date(),
    passwordHash: givenHash,
  } = options;
  const { db } = database;
  const started = performance.now();
  const rnd = random(`${seed}:${label}`);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const passwordHash = givenHash ?? (await hashPassword(BENCH_PASSWORD));
  const email = (who) => `${who}.${label}@bench.opspath.test`;
  const nowMs = now.getTime();
  const today = iso(nowMs);

  const content = loadCatalogsFromDisk();
  await syncSkillCatalog(db, [...content.skills.values()], now);
  const { jobRoles, ladders, certifications: certContent, ramp: rampCatalog } = content;
  const certIds = [...certContent.catalog.keys()];

  // --- organisation, admin, organisation skills ---
  let orgId = existingOrgId;
  let adminEmail = null;
  let userId = await nextId(db, users);
  const userRows = [];
  if (orgId === null) {
    orgId = await nextId(db, organisations);
    await db.insert(organisations).values({
      id: orgId,
      name: orgName,
      settings: { certificationReminderDays: [90, 60, 30, 7], timeZone: 'Europe/Bucharest' },
      createdAt: now,
    });
    adminEmail = email('admin');
    userRows.push({
      id: userId++,
      orgId,
      email: adminEmail,
      displayName: 'Scale Admin',
      passwordHash,
      role: 'admin',
      jobRole: null,
      tier: null,
      startDate: iso(nowMs - 3000 * DAY),
      createdAt: now,
      updatedAt: now,
    });
  }
  const catalogSkills = (
    await db
      .select({ id: skills.id })
      .from(skills)
      .where(sql`org_id is null and active = 1`)
  ).map((s) => s.id);
  const ownSkills = Array.from({ length: Math.max(0, totalSkills - catalogSkills.length) }, (_, i) => ({
    id: `${label}-org-skill-${i + 1}`,
    orgId,
    name: `${['Carrier', 'Returns', 'Customs', 'Vendor', 'Inventory', 'Shift', 'Safety', 'Quality', 'Billing', 'Fleet', 'Audit', 'Planning'][i % 12]} procedures ${Math.floor(i / 12) + 1}`,
    category: 'technical',
    description: 'An organisation-specific skill added by the admin.',
    source: 'admin',
    position: 1000 + i,
    createdAt: now,
    updatedAt: now,
  }));
  await insertAll(database, skills, ownSkills);
  const skillIds = [...catalogSkills, ...ownSkills.map((s) => s.id)];

  // --- certification policy: each role's second tier requires its first recommended certification ---
  const requirementRows = [];
  for (const role of jobRoles) {
    const tier = role.tiers[1];
    const rec = tier ? [...(certContent.recommended.get(`${role.slug}/${tier.id}`) ?? [])][0] : undefined;
    if (tier && rec)
      requirementRows.push({ orgId, jobRole: role.slug, tier: tier.id, certificationId: rec, createdBy: null, createdAt: now });
  }
  if (requirementRows.length) await db.insert(certificationRequirements).values(requirementRows).onConflictDoNothing();

  // --- teams, managers, members ---
  let teamId = await nextId(db, teams);
  const teamRows = [];
  const membershipRows = [];
  const managers = [];
  const members = [];
  let n = 0;
  for (let t = 0; t < teamCount; t++) {
    const managerId = userId++;
    const managerEmail = email(`manager${t + 1}`);
    userRows.push({
      id: managerId,
      orgId,
      email: managerEmail,
      displayName: `${pick(FIRST)} ${pick(LAST)}`,
      passwordHash,
      role: 'manager',
      jobRole: 'operations-manager',
      tier: 'manager',
      startDate: iso(nowMs - (400 + Math.floor(rnd() * 3000)) * DAY),
      createdAt: now,
      updatedAt: now,
    });
    const id = teamId++;
    teamRows.push({
      id,
      orgId,
      name: `${label} team ${String(t + 1).padStart(4, '0')}`,
      managerUserId: managerId,
      createdAt: now,
      updatedAt: now,
    });
    managers.push({ id: managerId, email: managerEmail, teamId: id });
    const team = [];
    for (let i = 0; i < teamSize; i++) {
      n++;
      const role = ROLES[Math.floor(rnd() * ROLES.length)];
      const roleTiers = jobRoles.find((r) => r.slug === role)?.tiers ?? [];
      const tier = roleTiers.length
        ? roleTiers[Math.min(roleTiers.length - 1, Math.floor(rnd() * Math.min(3, roleTiers.length)))].id
        : null;
      const draw = rnd();
      const recent = () => 91 + Math.floor(rnd() * 275);
      const longer = () => 366 + Math.floor(rnd() * 3300);
      const daysIn =
        newHiresPerTeam !== null
          ? i < newHiresPerTeam
            ? 3 + Math.floor(((i + 0.5) / newHiresPerTeam) * 84)
            : draw < recentShare
              ? recent()
              : longer()
          : draw < newHireShare
            ? 1 + Math.floor(rnd() * 89)
            : draw < newHireShare + recentShare
              ? recent()
              : longer();
      const person = {
        id: userId++,
        orgId,
        email: email(`p${n}`),
        displayName: `${pick(FIRST)} ${pick(LAST)}`,
        passwordHash,
        role: 'member',
        jobRole: role,
        tier,
        startDate: iso(nowMs - daysIn * DAY),
        createdAt: now,
        updatedAt: now,
      };
      userRows.push(person);
      membershipRows.push({ teamId: id, userId: person.id, createdAt: now });
      const member = { id: person.id, email: person.email, role, tier, daysIn, startDate: person.startDate, managerId, teamId: id };
      team.push(member);
      members.push(member);
    }
    for (const m of team) m.buddyId = team[(team.indexOf(m) + 1) % team.length].id;
  }
  // notification_settings' default is SQL ('{}'), which insertAll cannot read: every person starts with none turned off.
  await insertAll(
    database,
    users,
    userRows.map((u) => ({ notificationSettings: {}, ...u })),
  );
  await insertAll(database, teams, teamRows);
  await insertAll(database, teamMemberships, membershipRows);

  // --- skill ratings: 10-20 skills per person (their tier's targets first), self and manager, 1-3 dated rounds ---
  let ratingId = await nextId(db, skillRatings);
  let ratingCount = 0;
  let ratingBatch = [];
  const flushRatings = async () => {
    await insertAll(database, skillRatings, ratingBatch);
    ratingCount += ratingBatch.length;
    ratingBatch = [];
  };
  for (const m of members) {
    const targets = ladders.find((l) => l.slug === m.role)?.tiers.find((t) => t.id === m.tier)?.targets ?? {};
    const want = 10 + Math.floor(rnd() * 11);
    const chosen = Object.keys(targets)
      .filter((s) => skillIds.includes(s))
      .sort(() => rnd() - 0.5)
      .slice(0, want);
    while (chosen.length < want) {
      const s = pick(skillIds);
      if (!chosen.includes(s)) chosen.push(s);
    }
    const roundsAgo =
      m.daysIn < 60 ? [Math.max(m.daysIn - 3, 0)] : [360, 180, 30].filter((d) => d < m.daysIn - 14).slice(-1 - Math.floor(rnd() * 3));
    if (roundsAgo.length === 0) roundsAgo.push(1);
    const managerRates = m.daysIn >= 30 && rnd() < 0.9;
    for (const skillId of chosen) {
      const target = targets[skillId] ?? 2;
      const d = rnd();
      const final = clamp(target + (d < 0.2 ? -2 : d < 0.55 ? -1 : d < 0.9 ? 0 : 1));
      const selfBias = rnd() < 0.3 ? 1 : rnd() < 0.15 ? -1 : 0;
      roundsAgo.forEach((ago, i) => {
        const level = clamp(final - (roundsAgo.length - 1 - i));
        const at = nowMs - ago * DAY;
        ratingBatch.push({
          id: ratingId++,
          orgId,
          subjectUserId: m.id,
          raterUserId: m.id,
          skillId,
          kind: 'self',
          level: clamp(level + selfBias),
          ratedAt: new Date(at - 2 * DAY),
          createdAt: now,
        });
        if (managerRates)
          ratingBatch.push({
            id: ratingId++,
            orgId,
            subjectUserId: m.id,
            raterUserId: m.managerId,
            skillId,
            kind: 'manager',
            level,
            ratedAt: new Date(at),
            createdAt: now,
          });
      });
    }
    if (ratingBatch.length >= 200_000) await flushRatings();
  }
  await flushRatings();

  // --- certifications: recommended ones for the tier, some earned (with renewals), some planned ---
  let recordId = await nextId(db, certificationRecords);
  const recordRows = [];
  for (const m of members) {
    const recommended = [...(certContent.recommended.get(`${m.role}/${m.tier}`) ?? [])];
    const extra = rnd() < 0.3 ? [pick(certIds)] : [];
    for (const certId of new Set([...recommended.slice(0, 3), ...extra])) {
      const entry = certContent.catalog.get(certId);
      const d = rnd();
      if (d < 0.35) continue;
      if (d < 0.45) {
        recordRows.push({
          id: recordId++,
          orgId,
          userId: m.id,
          certificationId: certId,
          status: rnd() < 0.5 ? 'planned' : 'in_progress',
          earnedOn: null,
          expiresOn: null,
          expirySource: null,
          renewsRecordId: null,
          createdBy: m.id,
          createdAt: now,
          updatedAt: now,
        });
        continue;
      }
      // Earned some time in the last six years, possibly before they joined (people bring certificates with them).
      let earnedOn = iso(nowMs - Math.floor(rnd() * 6 * 365) * DAY);
      let prev = null;
      for (let k = 0; k < 3; k++) {
        const expiry = computeExpiryFor(entry, earnedOn, null);
        const id = recordId++;
        recordRows.push({
          id,
          orgId,
          userId: m.id,
          certificationId: certId,
          status: 'earned',
          earnedOn,
          ...expiry,
          renewsRecordId: prev,
          createdBy: m.id,
          createdAt: now,
          updatedAt: now,
        });
        prev = id;
        // Renewed when it expired (70 % of the time), shortly before the expiry.
        if (!expiry.expiresOn || expiry.expiresOn > today || rnd() > 0.7) break;
        earnedOn = addDays(expiry.expiresOn, -Math.floor(rnd() * 30) - 1);
        if (earnedOn > today) break;
      }
    }
  }
  await insertAll(database, certificationRecords, recordRows);

  // --- ramp plans: active for people under 90 days in, completed for those who started in the last year ---
  let planId = await nextId(db, rampPlans);
  let taskId = await nextId(db, rampTasks);
  let historyId = await nextId(db, rampPlanHistory);
  const planRows = [];
  const taskRows = [];
  const historyRows = [];
  const activePlans = [];
  for (const m of members) {
    if (m.daysIn > 365) continue;
    const template = findTemplate(rampCatalog, m.role);
    if (!template) continue;
    const active = m.daysIn < 90;
    const id = planId++;
    const startedAt = new Date(Date.parse(`${addDays(m.startDate, -3)}T10:00:00Z`));
    const phases = template.phases.map((p) => ({ id: p.id, title: p.title, startDay: p.startDay, endDay: p.endDay, goals: [...p.goals] }));
    const endedAt = active ? null : new Date(Date.parse(`${dueDate(m.startDate, 90)}T17:00:00Z`));
    planRows.push({
      id,
      orgId,
      userId: m.id,
      templateRole: template.role,
      title: template.title,
      phases,
      startDate: m.startDate,
      status: active ? 'active' : 'completed',
      createdBy: m.managerId,
      createdAt: startedAt,
      updatedAt: endedAt ?? startedAt,
      endedAt,
      endedBy: active ? null : m.managerId,
    });
    historyRows.push({
      id: historyId++,
      planId: id,
      taskId: null,
      actorUserId: m.managerId,
      action: 'plan.started',
      before: null,
      after: { personId: m.id, templateRole: template.role, startDate: m.startDate },
      at: startedAt,
    });
    // On-track, slipping and late plans: how many of the tasks already due are done.
    const diligence = rnd() < 0.6 ? 1 : rnd() < 0.6 ? 0.8 : 0.5;
    const tasks = template.phases.flatMap((p) => p.tasks);
    const planTaskIds = [];
    tasks.forEach((task, index) => {
      const due = dueDate(m.startDate, task.dueDay);
      const done = !active || (due < today && rnd() < diligence);
      const doneAt = done ? new Date(Math.min(nowMs - 60_000, Date.parse(`${due}T15:00:00Z`))) : null;
      const doneBy = done ? (task.owner === 'manager' ? m.managerId : task.owner === 'buddy' ? m.buddyId : m.id) : null;
      const tid = taskId++;
      planTaskIds.push(tid);
      taskRows.push({
        id: tid,
        planId: id,
        phaseId: phaseForDay(task.dueDay),
        templateTaskId: task.id,
        title: task.title,
        detail: task.detail ?? null,
        owner: task.owner,
        buddyUserId: task.owner === 'buddy' ? m.buddyId : null,
        dueDay: task.dueDay,
        position: (index + 1) * 10,
        skillId: task.skill ?? null,
        kpiId: task.kpi ?? null,
        doneAt,
        doneBy,
        createdAt: startedAt,
        updatedAt: doneAt ?? startedAt,
      });
      if (done)
        historyRows.push({
          id: historyId++,
          planId: id,
          taskId: tid,
          actorUserId: doneBy,
          action: 'task.done',
          before: { title: task.title, done: false },
          after: { title: task.title, done: true },
          at: doneAt,
        });
    });
    if (!active)
      historyRows.push({
        id: historyId++,
        planId: id,
        taskId: null,
        actorUserId: m.managerId,
        action: 'plan.completed',
        before: { status: 'active' },
        after: { status: 'completed' },
        at: endedAt,
      });
    if (active)
      activePlans.push({ planId: id, userId: m.id, email: m.email, managerId: m.managerId, teamId: m.teamId, taskIds: planTaskIds });
  }
  await insertAll(database, rampPlans, planRows);
  await insertAll(database, rampTasks, taskRows);
  await insertAll(database, rampPlanHistory, historyRows);

  return {
    orgId,
    adminEmail,
    password: givenHash ? null : BENCH_PASSWORD,
    managers,
    activePlans,
    skillIds,
    counts: {
      people: members.length,
      managers: managers.length,
      teams: teamRows.length,
      skills: skillIds.length,
      ratings: ratingCount,
      certificationRecords: recordRows.length,
      requirements: requirementRows.length,
      plans: planRows.length,
      activePlans: activePlans.length,
      tasks: taskRows.length,
      historyRows: historyRows.length,
    },
    ms: Math.round(performance.now() - started),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { openDatabase } = await import('#server/db/client.ts');
  const { migrateDatabase } = await import('#server/db/migrate.ts');
  const url = process.argv[2] ?? 'file:/tmp/opspath-org.db';
  const teamCount = Math.ceil(Number(process.argv[3] ?? 50_000) / 50);
  const database = openDatabase({ url });
  await migrateDatabase(database, url);
  const r = await generateOrganisation(database, { teamCount });
  database.close();
  console.log(
    JSON.stringify({ ...r, managers: r.managers.length, activePlans: r.activePlans.length, skillIds: r.skillIds.length }, null, 2),
  );
}
