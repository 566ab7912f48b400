// The ratings CSV import on a real database: all or nothing, idempotent, and
// scoped to the people the importer may rate. Properties (fast-check): a bad
// file leaves the database unchanged; importing twice equals importing once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import fc from 'fast-check';
import { desc, eq, sql } from 'drizzle-orm';
import { auditLog, skillRatings } from '#server/db/schema.ts';
import type { Actor } from '#domain/access.ts';
import type { ActionContext } from '#server/request/context.ts';
import { MAX_IMPORT_BYTES, importRatings, readUploadedCsv } from '#server/skills/index.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
let manager: Actor;
let member: Actor;
const NOW = new Date('2026-11-22T10:00:00Z');
const WAREHOUSE = [
  'tom.becker@demo.opspath.test',
  'ioana.popescu@demo.opspath.test',
  'samuel.okafor@demo.opspath.test',
  'newhire@demo.opspath.test',
];
const CUSTOMER = 'priya.raman@demo.opspath.test';
const SKILLS = ['spreadsheets', 'erp-systems', 'written-communication', 'Attention to detail'];

beforeAll(async () => {
  t = await createTestDatabase('skills-import');
  await seedDemo(t.db, NOW);
  const actor = (email: string) => actorByEmail(t.db, email);
  admin = await actor('admin@demo.opspath.test');
  manager = await actor('manager@demo.opspath.test');
  member = await actor('newhire@demo.opspath.test');
});
afterAll(() => t.cleanup());

const ctx = (actor: Actor, now = NOW): ActionContext => testContext(actor, now, '198.51.100.7');

const ratingCount = async () => Number((await t.db.all<{ n: number }>(sql`select count(*) as n from skill_ratings`))[0]!.n);

describe('importing a good file', () => {
  it('writes every row in one transaction with one audit row, as manager ratings by the importer', async () => {
    const before = await ratingCount();
    const csv = [
      'email,skill,level,date,note',
      'tom.becker@demo.opspath.test,spreadsheets,4,2026-11-01,"Rebuilt the stock model, alone"',
      'ioana.popescu@demo.opspath.test,Attention to detail,proficient,2026-11-02,',
      'samuel.okafor@demo.opspath.test,erp-systems,1,,first import',
    ].join('\r\n');
    const result = await importRatings(t.db, ctx(manager), csv, 'november.csv');
    expect(result).toEqual({ ok: true, value: { rows: 3, written: 3, skipped: 0 } });
    expect(await ratingCount()).toBe(before + 3);
    const rows = await t.db.select().from(skillRatings).orderBy(desc(skillRatings.id)).limit(3);
    expect(rows.every((r) => r.kind === 'manager' && r.raterUserId === manager.id && r.importKey !== null)).toBe(true);
    const tom = rows.find((r) => r.skillId === 'spreadsheets')!;
    expect(tom).toMatchObject({ level: 4, note: 'Rebuilt the stock model, alone' });
    expect(tom.ratedAt.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(rows.find((r) => r.skillId === 'erp-systems')!.ratedAt).toEqual(NOW);
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'skill.ratings_imported',
      actorUserId: manager.id,
      targetType: 'organisation',
      ip: '198.51.100.7',
    });
    expect(audit!.after).toMatchObject({ rows: 3, written: 3, skipped: 0, fileName: 'november.csv' });
  });

  it('compares an undated row with the latest rating once the same file’s dated rows are in (found by the property below)', async () => {
    // Stored: samuel, spreadsheets at 2, "steady". The file dates a newer 1 and then says, undated, 2 "steady" again.
    const stored = 'email,skill,level,date,note\nsamuel.okafor@demo.opspath.test,spreadsheets,2,2024-01-05,steady\n';
    expect(await importRatings(t.db, ctx(manager), stored)).toMatchObject({ ok: true, value: { written: 1 } });
    const csv =
      'email,skill,level,date,note\nsamuel.okafor@demo.opspath.test,spreadsheets,1,2025-03-01,slipped\nsamuel.okafor@demo.opspath.test,spreadsheets,2,,steady\n';
    // The undated row is a change against the dated 1 before it, so both are written...
    expect(await importRatings(t.db, ctx(manager), csv)).toMatchObject({ ok: true, value: { rows: 2, written: 2 } });
    const once = await tableSnapshot(t);
    // ...and a second import, later, writes nothing.
    expect(await importRatings(t.db, ctx(admin, new Date(NOW.getTime() + 3 * 86_400_000)), csv)).toMatchObject({
      ok: true,
      value: { written: 0 },
    });
    await expectUnchanged(t, once);
  });

  it('changes nothing the second time, even on a later day for undated rows', async () => {
    const csv =
      'email,skill,level,date,note\ntom.becker@demo.opspath.test,written-communication,2,2026-10-10,ok\ntom.becker@demo.opspath.test,erp-systems,3,,\n';
    expect(await importRatings(t.db, ctx(manager), csv)).toMatchObject({ ok: true, value: { written: 2 } });
    const once = await tableSnapshot(t);
    expect(await importRatings(t.db, ctx(manager), csv)).toEqual({ ok: true, value: { rows: 2, written: 0, skipped: 2 } });
    // A week later, by someone else: the dated row by its key, the undated one because it equals the latest rating.
    expect(await importRatings(t.db, ctx(admin, new Date('2026-11-29T08:00:00Z')), csv)).toEqual({
      ok: true,
      value: { rows: 2, written: 0, skipped: 2 },
    });
    await expectUnchanged(t, once);
  });

  it('writes an undated row again once the latest rating differs', async () => {
    const csv = 'email,skill,level\nioana.popescu@demo.opspath.test,spreadsheets,1\n';
    expect(await importRatings(t.db, ctx(manager), csv)).toMatchObject({ ok: true, value: { written: 1 } });
    const later = new Date('2026-11-25T10:00:00Z');
    await importRatings(t.db, ctx(manager, later), 'email,skill,level\nioana.popescu@demo.opspath.test,spreadsheets,3\n');
    expect(await importRatings(t.db, ctx(manager, new Date('2026-11-26T10:00:00Z')), csv)).toMatchObject({
      ok: true,
      value: { written: 1 },
    });
  });
});

describe('refusing a file', () => {
  it('writes nothing when any row is bad, and lists every bad row with its line', async () => {
    const before = await tableSnapshot(t);
    const csv = [
      'email,skill,level,date',
      'tom.becker@demo.opspath.test,spreadsheets,3,2026-01-01',
      `${CUSTOMER},spreadsheets,3,2026-01-01`,
      'tom.becker@demo.opspath.test,spreadsheets,3,2099-01-01',
      'tom.becker@demo.opspath.test,spreadsheets,3,2026-01-02',
      'admin@demo.opspath.test,spreadsheets,2,2026-01-01',
    ].join('\n');
    const result = await importRatings(t.db, ctx(manager), csv);
    expect(result.ok).toBe(false);
    if (result.ok || !('problems' in result)) return;
    expect(result.status).toBe(400);
    expect(result.message).toBe('Nothing was imported: 3 lines have a problem.');
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 6]);
    // Someone outside the manager's teams reads exactly like someone who does not exist.
    expect(result.problems[0]!.reason).toBe(`No one with the email ${CUSTOMER} in your teams.`);
    await expectUnchanged(t, before);
  });

  it('refuses members outright and writes nothing', async () => {
    const before = await tableSnapshot(t);
    expect(await importRatings(t.db, ctx(member), 'email,skill,level\nnewhire@demo.opspath.test,spreadsheets,4\n')).toMatchObject({
      ok: false,
      status: 403,
    });
    await expectUnchanged(t, before);
  });

  it('is atomic: a failure while writing row 1,100 of 1,200 leaves no row and no audit entry', async () => {
    // A trigger that fails one insert half-way through, standing in for a crash or a constraint.
    await t.client.execute(
      `CREATE TRIGGER test_fail_import BEFORE INSERT ON skill_ratings WHEN NEW.note = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`,
    );
    try {
      const before = await tableSnapshot(t);
      const lines = ['email,skill,level,date,note'];
      for (let i = 0; i < 1200; i++) {
        const day = new Date(Date.UTC(2023, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
        lines.push(`${WAREHOUSE[i % 4]},${SKILLS[i % 3]},${i % 5},${day},${i === 1099 ? 'boom' : `row ${i}`}`);
      }
      await expect(importRatings(t.db, ctx(admin), lines.join('\n'))).rejects.toThrow(/boom/);
      await expectUnchanged(t, before);
    } finally {
      await t.client.execute('DROP TRIGGER test_fail_import');
    }
  });
});

describe('properties', () => {
  const row = fc.record({
    email: fc.constantFrom(...WAREHOUSE),
    skill: fc.constantFrom(...SKILLS),
    level: fc.integer({ min: 0, max: 4 }),
    day: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
    note: fc.option(fc.constantFrom('solid', 'needs practice', 'led the fix, twice', '=1+1', 'quote "this"'), { nil: null }),
  });
  const line = (r: { email: string; skill: string; level: number; day: number | null; note: string | null }) => {
    const date = r.day === null ? '' : new Date(Date.UTC(2020, 0, 1) + r.day * 86_400_000).toISOString().slice(0, 10);
    const note = r.note === null ? '' : `"${r.note.replaceAll('"', '""')}"`;
    return `${r.email},"${r.skill}",${r.level},${date},${note}`;
  };
  /** Good rows with distinct person, skill and date (the validator refuses repeats). */
  const goodRows = fc.uniqueArray(row, {
    minLength: 1,
    maxLength: 15,
    selector: (r) => `${r.email}|${r.skill.toLowerCase()}|${r.day ?? 'today'}`,
  });
  const BAD_LINES = [
    `${CUSTOMER},spreadsheets,2,,`,
    'tom.becker@demo.opspath.test,not-a-skill,2,,',
    'tom.becker@demo.opspath.test,spreadsheets,9,,',
    'tom.becker@demo.opspath.test,spreadsheets,2,2999-12-31,',
    'tom.becker@demo.opspath.test,spreadsheets,2,2024-13-01,',
    ',spreadsheets,2,,',
    'tom.becker@demo.opspath.test,spreadsheets,2,11/13/2025,', // month-first, in a day-first organisation
    'tom.becker@demo\u200B.opspath.test,spreadsheets,2,,',
    'not an email,spreadsheets,2,,',
  ];

  it('a file with any bad row leaves the database unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(goodRows, fc.constantFrom(...BAD_LINES), fc.nat(), async (rows, bad, at) => {
        const lines = rows.map(line);
        lines.splice(at % (lines.length + 1), 0, bad);
        const before = await tableSnapshot(t);
        const result = await importRatings(t.db, ctx(manager), ['email,skill,level,date,note', ...lines].join('\n'));
        expect(result.ok).toBe(false);
        await expectUnchanged(t, before);
      }),
      { numRuns: 20 },
    );
  });

  it('importing a file twice equals importing it once', async () => {
    let day = 0;
    await fc.assert(
      fc.asyncProperty(goodRows, fc.boolean(), async (rows, sameDay) => {
        const now = new Date(Date.UTC(2026, 11, 1) + day++ * 86_400_000);
        const csv = ['email,skill,level,date,note', ...rows.map(line)].join('\n');
        const first = await importRatings(t.db, ctx(manager, now), csv);
        expect(first.ok).toBe(true);
        const once = await tableSnapshot(t);
        const later = sameDay ? now : new Date(now.getTime() + 3 * 86_400_000);
        const second = await importRatings(t.db, ctx(admin, later), csv);
        expect(second).toMatchObject({ ok: true, value: { written: 0 } });
        await expectUnchanged(t, once);
      }),
      { numRuns: 20 },
    );
  });
});

describe('reading the upload', () => {
  const upload = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request('http://localhost/app/skills/import', { method: 'POST', body, headers });
  const form = (content: BlobPart, name = 'ratings.csv') => {
    const data = new FormData();
    data.set('file', new File([content], name, { type: 'text/csv' }));
    return data;
  };

  it('returns the file’s text and name', async () => {
    expect(await readUploadedCsv(upload(form('email,skill,level\n')))).toEqual({
      ok: true,
      text: 'email,skill,level\n',
      fileName: 'ratings.csv',
      step: 'import',
    });
  });

  it('refuses a file over the limit with a clear message and status 413', async () => {
    const big = 'x'.repeat(MAX_IMPORT_BYTES + 1);
    const result = await readUploadedCsv(upload(form(big)));
    expect(result).toMatchObject({ ok: false, status: 413 });
    if (!result.ok) expect(result.message).toMatch(/too large.*The limit is 2\.0 MB: split it/);
    // A declared length over the limit is refused before the body is read.
    const declared = await readUploadedCsv(
      upload('tiny', { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(MAX_IMPORT_BYTES * 2) }),
    );
    expect(declared).toMatchObject({ ok: false, status: 413 });
  });

  it('refuses what is not a UTF-8 CSV upload', async () => {
    expect(await readUploadedCsv(upload('a,b', { 'content-type': 'text/csv' }))).toMatchObject({ ok: false, status: 400 });
    expect(await readUploadedCsv(upload(form(new Uint8Array([0x65, 0xff, 0xfe, 0x0a]))))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not UTF-8/),
    });
    expect(await readUploadedCsv(upload(form('')))).toMatchObject({ ok: false, message: expect.stringMatching(/empty or missing/) });
  });
});

describe('audit', () => {
  it('records who imported what, and nothing for an import that changed nothing', async () => {
    const count = async () => (await t.db.select().from(auditLog).where(eq(auditLog.action, 'skill.ratings_imported'))).length;
    const before = await count();
    const csv = 'email,skill,level,date\nsamuel.okafor@demo.opspath.test,spreadsheets,2,2025-05-05\n';
    await importRatings(t.db, ctx(manager), csv);
    await importRatings(t.db, ctx(manager), csv);
    expect(await count()).toBe(before + 1);
  });
});
