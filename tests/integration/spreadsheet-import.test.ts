// The ratings import and the exports with what spreadsheets write, on a real
// database: the organisation's spreadsheet setting (separator and date order),
// an export imported back unchanged, workbooks refused by name, and nothing
// written whenever anything is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import type { Actor } from '#domain/access.ts';
import { parseCsv } from '#domain/csv.ts';
import { auditLog, organisations, skillRatings } from '#server/db/schema.ts';
import { organisationSpreadsheetLocale, setOrganisationSpreadsheetLocale } from '#server/organisation/index.ts';
import { exportSkillMatrix, importRatings, importTemplate, previewImport, readUploadedCsv } from '#server/skills/index.ts';
import { TEMPLATE_NOTE } from '#server/skills/template.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { actorByEmail, createTestDatabase, seedDemo, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let admin: Actor;
let manager: Actor;
let member: Actor;
const NOW = new Date('2026-11-22T10:00:00Z');
const TODAY = '2026-11-22';
const catalogs = loadCatalogsFromDisk();
const ctx = (actor: Actor, now = NOW) => testContext(actor, now, '198.51.100.9');
const setLocale = async (id: string) => {
  const result = await setOrganisationSpreadsheetLocale(t.db, ctx(admin), { spreadsheetLocale: id });
  expect(result.ok).toBe(true);
};
const exported = async (actor: Actor) => {
  const file = await exportSkillMatrix(t.db, actor, new URLSearchParams(), catalogs, TODAY);
  if (!file.ok) throw new Error('export refused');
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(file.value.body);
};

beforeAll(async () => {
  t = await createTestDatabase('spreadsheet-import');
  await seedDemo(t.db, NOW);
  admin = await actorByEmail(t.db, 'admin@demo.opspath.test');
  manager = await actorByEmail(t.db, 'manager@demo.opspath.test');
  member = await actorByEmail(t.db, 'newhire@demo.opspath.test');
});
afterAll(() => t.cleanup());

describe('the organisation’s spreadsheet setting', () => {
  it('is Romanian (semicolon, day-first) for the demo organisation and "iso" (comma) for one without the setting', async () => {
    expect(await organisationSpreadsheetLocale(t.db, admin)).toMatchObject({ id: 'ro-RO', separator: ';', dateOrder: 'day-first' });
    const [other] = await t.db.insert(organisations).values({ name: 'Elsewhere', settings: {} }).returning();
    expect(await organisationSpreadsheetLocale(t.db, { ...admin, orgId: other!.id })).toMatchObject({
      id: 'iso',
      separator: ',',
      dateOrder: null,
    });
  });

  it('is changed by admins only, with an audit row, and refuses an unknown value', async () => {
    const before = await tableSnapshot(t);
    expect(await setOrganisationSpreadsheetLocale(t.db, ctx(manager), { spreadsheetLocale: 'en-US' })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await setOrganisationSpreadsheetLocale(t.db, ctx(admin), { spreadsheetLocale: 'xx-XX' })).toMatchObject({
      ok: false,
      status: 400,
    });
    await expectUnchanged(t, before);
    await setLocale('en-US');
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'org.spreadsheet_locale_changed',
      before: { spreadsheetLocale: 'ro-RO' },
      after: { spreadsheetLocale: 'en-US' },
    });
    await setLocale('ro-RO');
  });
});

describe('importing what spreadsheets write', () => {
  it('imports a semicolon file with a BOM, CRLF, a day-first date, a quoted line break and trailing empty rows', async () => {
    const csv =
      '\uFEFFemail;skill;level;date;note\r\ntom.becker@demo.opspath.test;spreadsheets;4;01.11.2026;"Rebuilt the model;\r\nalone"\r\n;;;;\r\n"";"";"";"";""\r\n';
    const preview = await previewImport(t.db, ctx(manager), csv);
    expect(preview).toMatchObject({ ok: true, value: { rows: 1, written: 1, reading: { separator: ';', emptyRows: 2 } } });
    expect(await importRatings(t.db, ctx(manager), csv)).toEqual({ ok: true, value: { rows: 1, written: 1, skipped: 0 } });
    const [row] = await t.db.select().from(skillRatings).orderBy(desc(skillRatings.id)).limit(1);
    expect(row).toMatchObject({ skillId: 'spreadsheets', level: 4, note: 'Rebuilt the model;\nalone' });
    expect(row!.ratedAt.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    // The preview of a file already imported says so.
    expect(await previewImport(t.db, ctx(manager), csv)).toMatchObject({ ok: true, value: { written: 0, skipped: 1 } });
  });

  it('reads 11/1/2026 month-first in en-US, and refuses 01/11/2026 as ambiguous where no order is set, writing nothing', async () => {
    await setLocale('en-US');
    try {
      const csv = 'email,skill,level,date\nioana.popescu@demo.opspath.test,erp-systems,2,11/3/2026\n';
      expect(await importRatings(t.db, ctx(manager), csv)).toMatchObject({ ok: true, value: { written: 1 } });
      const [row] = await t.db.select().from(skillRatings).orderBy(desc(skillRatings.id)).limit(1);
      expect(row!.ratedAt.toISOString()).toBe('2026-11-03T00:00:00.000Z');
      await setLocale('iso');
      const before = await tableSnapshot(t);
      const refused = await importRatings(
        t.db,
        ctx(manager),
        'email,skill,level,date\nioana.popescu@demo.opspath.test,erp-systems,3,01/11/2026\nioana.popescu@demo.opspath.test,spreadsheets,3,2026-11-02\n',
      );
      expect(refused).toMatchObject({
        ok: false,
        status: 400,
        problems: [{ line: 2, reason: expect.stringMatching(/ambiguous.*YYYY-MM-DD/) }],
      });
      await expectUnchanged(t, before);
    } finally {
      await setLocale('ro-RO');
    }
  });
});

describe('an export imports back', () => {
  it('unchanged: no error, and nothing written, for the manager and the admin', async () => {
    for (const actor of [manager, admin]) {
      const csv = await exported(actor);
      expect(csv.startsWith('\uFEFFname;email;job_role;tier;skill;skill_name;category;self;manager;target;gap\r\n')).toBe(true);
      const before = await tableSnapshot(t);
      const preview = await previewImport(t.db, ctx(actor), csv);
      expect(preview).toMatchObject({ ok: true, value: { written: 0, reading: { levelColumn: 'manager', separator: ';' } } });
      if (preview.ok)
        expect(preview.value.reading.ignoredColumns).toEqual([
          'name',
          'job_role',
          'tier',
          'skill_name',
          'category',
          'self',
          'target',
          'gap',
        ]);
      expect(await importRatings(t.db, ctx(actor), csv)).toMatchObject({ ok: true, value: { written: 0 } });
      await expectUnchanged(t, before);
    }
  });

  it('edited: writes exactly the manager cells that changed', async () => {
    const csv = await exported(manager);
    const { records } = parseCsv(csv);
    const target = records.find((r) => r.cells[1] === 'samuel.okafor@demo.opspath.test' && r.cells[8] !== '')!;
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    const next = String((Number(target.cells[8]) + 1) % 5);
    lines[target.line - 1] = [...target.cells.slice(0, 8), next, ...target.cells.slice(9)]
      .map((c) => (/[;"\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
      .join(';');
    expect(await importRatings(t.db, ctx(manager), lines.join('\r\n'))).toMatchObject({ ok: true, value: { written: 1 } });
    const [row] = await t.db.select().from(skillRatings).orderBy(desc(skillRatings.id)).limit(1);
    expect(row).toMatchObject({ skillId: target.cells[4], level: Number(next), kind: 'manager', raterUserId: manager.id });
  });

  it('survives a round trip through LibreOffice (.xlsx and back to semicolon CSV)', async (test) => {
    const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));
    // CI installs it (.ci/run), so there a missing LibreOffice is a failure, not a skip.
    if (!soffice && process.env.CI)
      throw new Error('LibreOffice (soffice) is missing: .ci/run should have installed libreoffice-calc-nogui');
    if (!soffice) {
      test.skip('LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'opspath-soffice-'));
    try {
      const csv = await exported(manager);
      writeFileSync(join(dir, 'skills.csv'), csv);
      const run = (args: string[]) =>
        execFileSync(soffice, ['--headless', `-env:UserInstallation=file://${dir}/profile`, ...args], {
          cwd: dir,
          timeout: 120_000,
          stdio: 'pipe',
        });
      // 59 = semicolon, 34 = double quote, 76 = UTF-8: how LibreOffice set to Romanian reads and writes CSV.
      run(['--infilter=CSV:59,34,76,1', '--convert-to', 'xlsx', 'skills.csv']);
      expect(readFileSync(join(dir, 'skills.xlsx')).subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
      rmSync(join(dir, 'skills.csv'));
      run(['--convert-to', 'csv:Text - txt - csv (StarCalc):59,34,76,1', 'skills.xlsx']);
      const back = readFileSync(join(dir, 'skills.csv'), 'utf8');
      // LibreOffice quotes every text cell; the header still reads as the export's.
      const reread = parseCsv(back);
      expect(reread.separator).toBe(';');
      expect(reread.records[0]!.cells.slice(0, 3)).toEqual(['name', 'email', 'job_role']);
      const before = await tableSnapshot(t);
      expect(await importRatings(t.db, ctx(manager), back)).toMatchObject({ ok: true, value: { written: 0 } });
      await expectUnchanged(t, before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('the template', () => {
  it('uses the organisation’s separator and date order, and imports cleanly (and cleanly refused once emptied)', async () => {
    const file = await importTemplate(t.db, manager, TODAY);
    if (!file.ok) throw new Error('template refused');
    const [header, example] = file.value.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(header).toBe('email;skill;level;date;note');
    expect(example).toMatch(new RegExp(`;22\\.11\\.2026;${TEMPLATE_NOTE}$`));
    expect(await previewImport(t.db, ctx(manager), file.value.body)).toMatchObject({ ok: true, value: { rows: 1, written: 1 } });
    expect(await importTemplate(t.db, member, TODAY)).toMatchObject({ ok: false, status: 403 });
  });
});

describe('files that are not CSV', () => {
  const upload = (bytes: Uint8Array, name: string) => {
    const data = new FormData();
    data.set('file', new File([bytes as BlobPart], name));
    return readUploadedCsv(new Request('http://localhost/app/skills/import', { method: 'POST', body: data }));
  };
  it('names an .xlsx or .ods workbook and says to save as CSV UTF-8', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]);
    expect(await upload(zip, 'skills.xlsx')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/is an Excel workbook \(\.xlsx\), not a CSV file.*CSV UTF-8/),
    });
    expect(await upload(zip, 'ratings.csv')).toMatchObject({ ok: false, message: expect.stringMatching(/Excel workbook \(\.xlsx\)/) });
    const ods = new Uint8Array([
      ...zip,
      ...new TextEncoder().encode('\0'.repeat(22) + 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet'),
    ]);
    expect(await upload(ods, 'skills')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/OpenDocument spreadsheet \(\.ods\).*UTF-8/),
    });
  });
});

describe('exports follow the separator', () => {
  it('writes commas again when the setting says so, keeping the BOM', async () => {
    await setLocale('en-GB');
    try {
      const csv = await exported(manager);
      expect(csv.startsWith('\uFEFFname,email,job_role,')).toBe(true);
    } finally {
      await setLocale('ro-RO');
    }
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, admin.orgId));
    expect(org!.settings).toMatchObject({ spreadsheetLocale: 'ro-RO', timeZone: 'Europe/Bucharest' });
  });
});
