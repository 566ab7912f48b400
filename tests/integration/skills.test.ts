// Skills on a real database: the catalog sync, admins' own skills, recording
// ratings, and the matrix queries, with the access rules each page and
// endpoint applies through these functions. Every persona tries every action
// on its own people, another team's, another organisation's, and tampered
// ids; allowed actions write the rating and its audit row together, denied
// ones answer 403/404 and leave every table exactly as it was.
// (The pages and endpoints over HTTP, anonymous requests included: tests/browser/skills.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
const readSkillCatalogFile = () => [...loadCatalogsFromDisk().skills.values()];
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { and, desc, eq, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '#server/db/client.ts';
import { migrateDatabase } from '#server/db/migrate.ts';
import { auditLog, organisations, skillRatings, skills, teamMemberships, teams, users } from '#server/db/schema.ts';
import type { Actor } from '#domain/access.ts';
import type { ActionContext } from '#server/request/context.ts';
import type { Outcome } from '#server/outcome.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import { setPersonActive } from '#server/people/index.ts';
import { createSkill, loadMatrixFor, recordRating } from '#server/skills/index.ts';
import { syncSkillCatalog } from '#server/skills/catalog.ts';
import { matrixCsv } from '#server/skills/export.ts';
import { latestCells, listOrgSkills, loadOrgMatrix, orgSkillCoverage } from '#server/skills/queries.ts';
import {
  buildSkillMatrix,
  CATEGORY_LABELS,
  currentLevel,
  latestRatings,
  NO_SKILL_FILTERS,
  type RatingRecord,
} from '#domain/skills-matrix.ts';
import { parseCsv, toCsv, type CsvCell } from '#domain/csv.ts';
import type { Level } from '#domain/scale.ts';
import { seedDemo } from '../support/db.ts';

const dir = mkdtempSync(join(tmpdir(), 'opspath-skills-'));
const templatePath = join(dir, 'template.db');
let templateDb: Database | undefined;
let copies = 0;

type Persona = 'admin' | 'manager' | 'otherManager' | 'member' | 'foreignAdmin';
type Ids = Record<Persona, Actor> & {
  warehouseMember: number;
  customerMember: number;
  foreignMember: number;
  deactivatedMember: number;
  teamWarehouse: number;
  teamCustomer: number;
  teamForeign: number;
  foreignSkill: string;
};
let ids: Ids;
const NOW = new Date('2026-11-22T10:00:00Z');

beforeAll(async () => {
  const template = openDatabase({ url: `file:${templatePath}` });
  await migrateDatabase(template, `file:${templatePath}`);
  const { db } = template;
  await seedDemo(db, NOW);
  const [org] = await db.insert(organisations).values({ name: 'Other Org', settings: {}, createdAt: NOW }).returning();
  const [foreignAdmin] = await db
    .insert(users)
    .values({ orgId: org!.id, email: 'admin@other.test', displayName: 'Other Admin', passwordHash: 'x', role: 'admin' })
    .returning();
  const [foreignMember] = await db
    .insert(users)
    .values({
      orgId: org!.id,
      email: 'member@other.test',
      displayName: 'Other Member',
      passwordHash: 'x',
      role: 'member',
      jobRole: 'operations-assistant',
      tier: 'junior',
    })
    .returning();
  const [foreignTeam] = await db.insert(teams).values({ orgId: org!.id, name: 'Other Team', managerUserId: null }).returning();
  await db.insert(teamMemberships).values({ teamId: foreignTeam!.id, userId: foreignMember!.id });
  const foreignActor: Actor = { id: foreignAdmin!.id, orgId: org!.id, role: 'admin', active: true };
  const foreignSkill = await createSkill(db, testContext(foreignActor, NOW), {
    name: 'Other org secret skill',
    category: 'technical',
    description: 'Only the other organisation uses this one.',
  });
  if (!foreignSkill.ok) throw new Error('could not create the foreign skill');

  const actor = async (email: string): Promise<Actor> => {
    const u = (await findUserByEmail(db, email))!;
    return { id: u.id, orgId: u.orgId, role: u.role, active: u.active };
  };
  const allTeams = await db.select().from(teams);
  ids = {
    admin: await actor('admin@demo.opspath.test'),
    manager: await actor('manager@demo.opspath.test'),
    otherManager: await actor('manager2@demo.opspath.test'),
    member: await actor('newhire@demo.opspath.test'),
    foreignAdmin: foreignActor,
    warehouseMember: (await actor('tom.becker@demo.opspath.test')).id,
    customerMember: (await actor('priya.raman@demo.opspath.test')).id,
    deactivatedMember: (await actor('lena.fischer@demo.opspath.test')).id,
    foreignMember: foreignMember!.id,
    teamWarehouse: allTeams.find((t) => t.name === 'Warehouse Operations')!.id,
    teamCustomer: allTeams.find((t) => t.name === 'Customer Operations')!.id,
    teamForeign: foreignTeam!.id,
    foreignSkill: foreignSkill.value.id,
  };
  const deactivated = await setPersonActive(db, testContext(ids.admin, NOW), String(ids.deactivatedMember), false);
  if (!deactivated.ok) throw new Error('could not deactivate');
  templateDb = template;
});
afterAll(() => {
  templateDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A private copy of the seeded database for one case. */
async function freshCopy(): Promise<Database> {
  const path = join(dir, `case-${++copies}.db`);
  await templateDb!.client.execute({ sql: 'VACUUM INTO ?', args: [path] });
  return openDatabase({ url: `file:${path}` });
}

const ctxFor = (actor: Actor): ActionContext => testContext(actor, NOW, '203.0.113.9');
const PERSONAS: Persona[] = ['admin', 'manager', 'otherManager', 'member', 'foreignAdmin'];
type Expect = 'self' | 'manager' | 403 | 404 | 400;
const rating = (extra: Record<string, unknown> = {}) => ({
  skillId: 'spreadsheets',
  level: '3',
  note: 'Built the weekly report',
  evidenceUrl: 'https://example.com/report',
  ...extra,
});

const CASES: { action: string; subject: () => string; input?: Record<string, unknown>; expect: Record<Persona, Expect> }[] = [
  {
    action: 'rate a Warehouse member',
    subject: () => String(ids.warehouseMember),
    expect: { admin: 'manager', manager: 'manager', otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate a Customer member',
    subject: () => String(ids.customerMember),
    expect: { admin: 'manager', manager: 404, otherManager: 'manager', member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate the member Nina',
    subject: () => String(ids.member.id),
    expect: { admin: 'manager', manager: 'manager', otherManager: 404, member: 'self', foreignAdmin: 404 },
  },
  {
    action: 'rate oneself',
    subject: () => 'SELF',
    expect: { admin: 'self', manager: 'self', otherManager: 'self', member: 'self', foreignAdmin: 'self' },
  },
  {
    action: 'rate the other manager',
    subject: () => String(ids.otherManager.id),
    expect: { admin: 'manager', manager: 404, otherManager: 'self', member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate a deactivated member',
    subject: () => String(ids.deactivatedMember),
    expect: { admin: 403, manager: 403, otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate a person in another organisation',
    subject: () => String(ids.foreignMember),
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 'manager' },
  },
  {
    action: 'rate with a non-numeric id',
    subject: () => '1 OR 1=1',
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate with an id of -1',
    subject: () => '-1',
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate someone who does not exist',
    subject: () => '999999',
    expect: { admin: 404, manager: 404, otherManager: 404, member: 404, foreignAdmin: 404 },
  },
  {
    action: 'rate on another organisation’s own skill',
    subject: () => 'SELF',
    input: { skillId: 'FOREIGN' },
    expect: { admin: 400, manager: 400, otherManager: 400, member: 400, foreignAdmin: 'self' },
  },
  {
    action: 'send a kind of "manager" for oneself',
    subject: () => 'SELF',
    input: { kind: 'manager' },
    expect: { admin: 'self', manager: 'self', otherManager: 'self', member: 'self', foreignAdmin: 'self' },
  },
];

describe('recording a rating: who may rate whom', () => {
  for (const c of CASES) {
    for (const persona of PERSONAS) {
      const expected = c.expect[persona];
      it(`${persona}: ${c.action} → ${expected}`, async () => {
        const database = await freshCopy();
        try {
          const actor = ids[persona];
          const subject = c.subject() === 'SELF' ? String(actor.id) : c.subject();
          const input = rating({ ...c.input, ...(c.input?.skillId === 'FOREIGN' ? { skillId: ids.foreignSkill } : {}) });
          const before = await tableSnapshot(database);
          const result: Outcome<{ rating: { id: number; kind: string; raterUserId: number; subjectUserId: number } }> = await recordRating(
            database.db,
            ctxFor(actor),
            subject,
            input,
          );
          if (expected === 'self' || expected === 'manager') {
            expect(result.ok).toBe(true);
            if (!result.ok) return;
            expect(result.value.rating).toMatchObject({ kind: expected, raterUserId: actor.id, subjectUserId: Number(subject) });
            const [audit] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
            expect(audit).toMatchObject({
              action: 'skill.rated',
              actorUserId: actor.id,
              targetType: 'user',
              targetId: subject,
              ip: '203.0.113.9',
            });
            expect(audit!.after).toMatchObject({ ratingId: result.value.rating.id, kind: expected, level: 3 });
          } else {
            expect(result).toMatchObject({ ok: false, status: expected });
            await expectUnchanged(database, before);
          }
        } finally {
          database.close();
        }
      });
    }
  }
});

describe('rating input', () => {
  it.each([
    ['a level of 5', { level: '5' }, 'level'],
    ['a level that is not a number', { level: 'lots' }, 'level'],
    ['no level', { level: undefined }, 'level'],
    ['an unknown skill', { skillId: 'juggling' }, 'skillId'],
    ['a javascript: evidence link', { evidenceUrl: 'javascript:alert(1)' }, 'evidenceUrl'],
    ['a note over 500 characters', { note: 'x'.repeat(501) }, 'note'],
  ])('refuses %s with a message for the field and writes nothing', async (_name, extra, field) => {
    const database = await freshCopy();
    try {
      const before = await tableSnapshot(database);
      const result = await recordRating(database.db, ctxFor(ids.manager), String(ids.warehouseMember), rating(extra));
      expect(result).toMatchObject({ ok: false, status: 400 });
      if (!result.ok && 'fieldErrors' in result) expect(Object.keys(result.fieldErrors)).toContain(field);
      await expectUnchanged(database, before);
    } finally {
      database.close();
    }
  });

  it('keeps ratings append-only: the database refuses to change or delete one', async () => {
    const database = await freshCopy();
    try {
      await expect(database.db.update(skillRatings).set({ level: 0 })).rejects.toThrow();
      await expect(database.db.delete(skillRatings)).rejects.toThrow();
    } finally {
      database.close();
    }
  });

  it('refuses at the database a self rating given by someone else', async () => {
    const database = await freshCopy();
    try {
      await expect(
        database.db.insert(skillRatings).values({
          orgId: ids.admin.orgId,
          subjectUserId: ids.warehouseMember,
          raterUserId: ids.manager.id,
          skillId: 'spreadsheets',
          kind: 'self',
          level: 2,
          ratedAt: NOW,
        }),
      ).rejects.toThrow();
    } finally {
      database.close();
    }
  });
});

describe('the matrix: who sees whom', () => {
  it('refuses members', async () => {
    expect(await loadMatrixFor(templateDb!.db, ids.member, null)).toMatchObject({ ok: false, status: 403 });
  });

  it('shows a manager only the people of the teams they manage, not themselves', async () => {
    const result = await loadMatrixFor(templateDb!.db, ids.manager, null);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const emails = result.value.data.people.map((p) => p.email).sort();
    expect(emails).toContain('tom.becker@demo.opspath.test');
    expect(emails).not.toContain('priya.raman@demo.opspath.test');
    expect(emails).not.toContain('manager@demo.opspath.test');
    expect(emails).not.toContain('lena.fischer@demo.opspath.test'); // deactivated
    expect(result.value.teams.map((t) => t.id)).toEqual([ids.teamWarehouse]);
    // Only ratings of the people shown come back.
    const shown = new Set(result.value.data.people.map((p) => p.id));
    for (const key of result.value.data.cells.keys()) expect(shown.has(Number(key.split(':')[0]))).toBe(true);
  });

  it.each([
    ['another manager’s team', () => String(ids.teamCustomer)],
    ['another organisation’s team', () => String(ids.teamForeign)],
    ['a team that does not exist', () => '424242'],
    ['a tampered team id', () => '1;drop table users'],
  ])('answers 404 for %s', async (_name, team) => {
    expect(await loadMatrixFor(templateDb!.db, ids.manager, team())).toMatchObject({ ok: false, status: 404 });
  });

  it('shows an admin the whole organisation (not themselves) or one team', async () => {
    const all = await loadMatrixFor(templateDb!.db, ids.admin, null);
    expect(all.ok).toBe(true);
    if (!all.ok) return;
    const emails = all.value.data.people.map((p) => p.email);
    expect(emails).toContain('priya.raman@demo.opspath.test');
    expect(emails).toContain('manager@demo.opspath.test');
    expect(emails).not.toContain('admin@demo.opspath.test');
    expect(emails).not.toContain('member@other.test');
    const one = await loadMatrixFor(templateDb!.db, ids.admin, String(ids.teamCustomer));
    expect(one.ok && one.value.data.people.every((p) => p.teamIds.includes(ids.teamCustomer))).toBe(true);
    expect(await loadMatrixFor(templateDb!.db, ids.admin, String(ids.teamForeign))).toMatchObject({ ok: false, status: 404 });
  });

  it('never lists another organisation’s own skills', async () => {
    const mine = await listOrgSkills(templateDb!.db, ids.admin.orgId);
    expect(mine.map((s) => s.id)).not.toContain(ids.foreignSkill);
    const theirs = await listOrgSkills(templateDb!.db, ids.foreignAdmin.orgId);
    expect(theirs.map((s) => s.id)).toContain(ids.foreignSkill);
  });
});

describe('latest ratings in SQL', () => {
  it('match the pure rule, ties on the same instant included (property)', async () => {
    const database = await freshCopy();
    try {
      const { db } = database;
      const subjects = [ids.warehouseMember, ids.customerMember];
      const base = Date.parse('2026-01-01T00:00:00Z');
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              subjectId: fc.constantFrom(...subjects),
              skillId: fc.constantFrom('spreadsheets', 'erp-systems'),
              kind: fc.constantFrom('self' as const, 'manager' as const),
              level: fc.integer({ min: 0, max: 4 }),
              day: fc.integer({ min: 0, max: 3 }),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          async (rows) => {
            await db.insert(skillRatings).values(
              rows.map((r) => ({
                orgId: ids.admin.orgId,
                subjectUserId: r.subjectId,
                raterUserId: r.kind === 'self' ? r.subjectId : ids.admin.id,
                skillId: r.skillId,
                kind: r.kind,
                level: r.level,
                ratedAt: new Date(base + r.day * 86_400_000),
              })),
            );
            const all = await db
              .select()
              .from(skillRatings)
              .where(and(eq(skillRatings.orgId, ids.admin.orgId)));
            const records: RatingRecord[] = all.map((r) => ({
              id: r.id,
              subjectId: r.subjectUserId,
              skillId: r.skillId,
              kind: r.kind,
              level: r.level as Level,
              ratedAt: r.ratedAt.getTime(),
            }));
            const expected = latestRatings(records.filter((r) => subjects.includes(r.subjectId)));
            const actual = await latestCells(db, ids.admin.orgId, subjects);
            expect(new Map([...actual].sort())).toEqual(new Map([...expected].sort()));
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      database.close();
    }
  });

  it('counts organisation coverage per skill in SQL exactly as the matrix would from its cells, without deactivated people', async () => {
    const db = templateDb!.db;
    const active = (
      await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.orgId, ids.admin.orgId), eq(users.active, true)))
    ).map((u) => u.id);
    expect(active).not.toContain(ids.deactivatedMember);
    const cells = await latestCells(db, ids.admin.orgId, null);
    expect(
      [...cells.keys()].some((k) => k.startsWith(`${ids.deactivatedMember}:`)),
      'the fixture has a rated deactivated person',
    ).toBe(true);
    const expected = new Map<string, { rated: number; proficient: number }>();
    for (const [key, cell] of cells) {
      const [person, skillId] = [Number(key.split(':')[0]), key.slice(key.indexOf(':') + 1)];
      if (!active.includes(person)) continue;
      const e = expected.get(skillId) ?? { rated: 0, proficient: 0 };
      e.rated += 1;
      if ((currentLevel(cell) ?? -1) >= 3) e.proficient += 1;
      expected.set(skillId, e);
    }
    const counts = await orgSkillCoverage(db, ids.admin.orgId);
    expect(new Map(counts.map((c) => [c.skillId, { rated: c.rated, proficient: c.proficient }]))).toEqual(expected);
    expect(counts.some((c) => c.proficient > 0 && c.proficient < c.rated)).toBe(true);
  });

  it('loads the whole organisation for the 500 x 60 view in one pass', async () => {
    const data = await loadOrgMatrix(templateDb!.db, ids.admin.orgId);
    expect(data.people.length).toBeGreaterThan(10);
    expect(data.skills.length).toBeGreaterThanOrEqual(40);
    expect(data.cells.size).toBeGreaterThan(50);
  });
});

describe('the skill catalog', () => {
  it('syncs from content idempotently: a second run changes nothing', async () => {
    const database = await freshCopy();
    try {
      const entries = readSkillCatalogFile();
      const again = await syncSkillCatalog(database.db, entries, new Date('2026-11-23T00:00:00Z'));
      expect(again).toEqual({ added: 0, updated: 0, retired: 0 });
      const before = await tableSnapshot(database);
      await syncSkillCatalog(database.db, entries, new Date('2026-11-24T00:00:00Z'));
      await expectUnchanged(database, before);
      expect((await listOrgSkills(database.db, ids.admin.orgId)).filter((s) => s.source === 'content')).toHaveLength(entries.length);
    } finally {
      database.close();
    }
  });

  it('updates changed skills and retires removed ones, keeping their ratings', async () => {
    const database = await freshCopy();
    try {
      const entries = readSkillCatalogFile();
      const ratedBefore = await database.db.select({ n: sql<number>`count(*)` }).from(skillRatings);
      const changed = entries
        .filter((e) => e.id !== 'spreadsheets')
        .map((e) => (e.id === 'erp-systems' ? { ...e, name: 'ERP (renamed)' } : e));
      const result = await syncSkillCatalog(database.db, changed, NOW);
      // The renamed skill, and every skill after the removed one (its catalog position moved up).
      const shifted = entries.length - 1 - entries.findIndex((e) => e.id === 'spreadsheets');
      const renamedShifted = entries.findIndex((e) => e.id === 'erp-systems') > entries.findIndex((e) => e.id === 'spreadsheets');
      expect(result).toEqual({ added: 0, updated: shifted + (renamedShifted ? 0 : 1), retired: 1 });
      const [renamed] = await database.db.select().from(skills).where(eq(skills.id, 'erp-systems'));
      expect(renamed!.name).toBe('ERP (renamed)');
      const [retired] = await database.db.select().from(skills).where(eq(skills.id, 'spreadsheets'));
      expect(retired!.active).toBe(false);
      expect((await listOrgSkills(database.db, ids.admin.orgId)).map((s) => s.id)).not.toContain('spreadsheets');
      expect(await database.db.select({ n: sql<number>`count(*)` }).from(skillRatings)).toEqual(ratedBefore);
      const [audit] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
      expect(audit).toMatchObject({ action: 'skill.catalog_synced', actorUserId: null });
    } finally {
      database.close();
    }
  });

  it('lets admins, and only admins, add a skill for their organisation', async () => {
    const database = await freshCopy();
    try {
      const form = { name: 'Forklift operation', category: 'technical', description: 'Operates a counterbalance forklift safely.' };
      for (const persona of ['manager', 'member'] as const) {
        const before = await tableSnapshot(database);
        expect(await createSkill(database.db, ctxFor(ids[persona]), form)).toMatchObject({ ok: false, status: 403 });
        await expectUnchanged(database, before);
      }
      const created = await createSkill(database.db, ctxFor(ids.admin), form);
      expect(created).toMatchObject({ ok: true, value: { id: 'forklift-operation', orgId: ids.admin.orgId, source: 'admin' } });
      const [audit] = await database.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
      expect(audit).toMatchObject({
        action: 'skill.created',
        actorUserId: ids.admin.id,
        targetType: 'skill',
        targetId: 'forklift-operation',
      });
      expect(await createSkill(database.db, ctxFor(ids.admin), { ...form, name: 'FORKLIFT operation' })).toMatchObject({
        ok: false,
        status: 409,
      });
      // The same name in another organisation gets its own id, never the first one's skill.
      const theirs = await createSkill(database.db, ctxFor(ids.foreignAdmin), form);
      expect(theirs).toMatchObject({ ok: true, value: { id: 'forklift-operation-2', orgId: ids.foreignAdmin.orgId } });
      const bad = await createSkill(database.db, ctxFor(ids.admin), { name: '', category: 'magic', description: 'short' });
      expect(bad.ok).toBe(false);
      if (!bad.ok && 'fieldErrors' in bad) expect(Object.keys(bad.fieldErrors).sort()).toEqual(['category', 'description', 'name']);
    } finally {
      database.close();
    }
  });
});

describe('CSV export', () => {
  it('writes one row per person and skill, with formulas neutralised', async () => {
    const database = await freshCopy();
    try {
      await database.db.update(users).set({ displayName: '=HYPERLINK("http://evil.test","x")' }).where(eq(users.id, ids.warehouseMember));
      const scope = await loadMatrixFor(database.db, ids.manager, null);
      if (!scope.ok) throw new Error('no scope');
      const view = buildSkillMatrix({ ...scope.value.data, ladders: [] }, NO_SKILL_FILTERS);
      const csv = matrixCsv(view, new Map(scope.value.data.people.map((p) => [p.id, p.email])));
      const { records } = parseCsv(csv);
      expect(records[0]!.cells).toEqual([
        'name',
        'email',
        'job_role',
        'tier',
        'skill',
        'skill_name',
        'category',
        'self',
        'manager',
        'target',
        'gap',
      ]);
      expect(records).toHaveLength(1 + view.rows.length * view.columns.length);
      const tom = records.filter((r) => r.cells[1] === 'tom.becker@demo.opspath.test');
      expect(tom.length).toBe(view.columns.length);
      expect(tom[0]!.cells[0]).toBe(`'=HYPERLINK("http://evil.test","x")`);
      // The same bytes as writing every cell of every line through toCsv.
      const emails = new Map(scope.value.data.people.map((p) => [p.id, p.email]));
      const naive = [
        ['name', 'email', 'job_role', 'tier', 'skill', 'skill_name', 'category', 'self', 'manager', 'target', 'gap'] as CsvCell[],
      ];
      for (const row of view.rows) {
        view.columns.forEach((column, i) => {
          const c = row.cells[i]!;
          naive.push([
            row.person.name,
            emails.get(row.person.id) ?? '',
            row.person.jobRole ?? '',
            row.person.tier ?? '',
            column.skill.id,
            column.skill.name,
            CATEGORY_LABELS[column.skill.category],
            c.self,
            c.manager,
            c.target,
            c.gap,
          ]);
        });
      }
      expect(csv).toBe(toCsv(naive));
    } finally {
      database.close();
    }
  });
});
