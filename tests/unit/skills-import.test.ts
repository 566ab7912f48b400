import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Level } from '#domain/scale.ts';
import { parseCsv } from '#domain/csv.ts';
import { importIdentity, parseLevel, validateImport, type ImportContext } from '#domain/skills-import.ts';
import { skillIdFromName } from '#domain/skills-matrix.ts';
import { isIsoDate } from '#domain/calendar.ts';

describe('CSV import validation', () => {
  const ctx: ImportContext = {
    people: new Map([
      ['tom@x.test', 11],
      ['ana@x.test', 12],
    ]),
    skills: new Map([
      ['spreadsheets', 'spreadsheets'],
      ['spreadsheets (excel, google sheets)', 'spreadsheets'],
      ['erp-systems', 'erp-systems'],
    ]),
    today: '2026-11-22',
    scope: 'your teams',
  };
  const check = (text: string) => {
    const parsed = parseCsv(text);
    return validateImport(parsed.records, ctx, parsed);
  };

  it('accepts a good file: ids or names, levels as numbers or words, optional date and note', () => {
    const result = check(
      'Email,Skill,Level,Date,Note\nTom@X.test,spreadsheets,3,2026-10-01,"Weekly report, solo"\nana@x.test,"Spreadsheets (Excel, Google Sheets)",proficient,,\nana@x.test,erp-systems,0\n',
    );
    expect(result).toMatchObject({
      ok: true,
      reading: { separator: ',', levelColumn: 'level', ignoredColumns: [], hasNotes: true, emptyRows: 0, unrated: 0 },
      rows: [
        { line: 2, subjectId: 11, skillId: 'spreadsheets', level: 3, date: '2026-10-01', note: 'Weekly report, solo' },
        { line: 3, subjectId: 12, skillId: 'spreadsheets', level: 3, date: null, note: null },
        { line: 4, subjectId: 12, skillId: 'erp-systems', level: 0, date: null, note: null },
      ],
    });
  });

  it('lists every bad row with its line number and every reason', () => {
    const result = check(
      [
        'email,skill,level,date,note',
        'tom@x.test,spreadsheets,3,,fine',
        'nobody@x.test,spreadsheets,2,,',
        'not-an-email,juggling,7,,',
        'ana@x.test,erp-systems,2,2026-02-30,',
        'ana@x.test,spreadsheets,2,2027-01-01,',
        ',,,,a note and nothing else',
        'tom@x.test,erp-systems,2,,"' + 'x'.repeat(501) + '"',
        'tom@x.test,spreadsheets,1,,again',
        'ana@x.test,erp-systems,1,2026-01-01,note,extra',
      ].join('\n'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    const reason = (line: number) => result.problems.find((p) => p.line === line)!.reason;
    expect(reason(3)).toBe('No one with the email nobody@x.test in your teams.');
    expect(reason(4)).toMatch(/"not-an-email" is not an email address.*Unknown skill "juggling".*Level "7" is not on the scale/);
    expect(reason(5)).toMatch(/Date "2026-02-30" is not a day of the calendar/);
    expect(reason(6)).toMatch(/Date 2027-01-01 is in the future \(today is 2026-11-22\)/);
    expect(reason(7)).toMatch(/email is empty.*skill is empty.*level is empty/);
    expect(reason(8)).toMatch(/note has 501 characters; the limit is 500/);
    expect(reason(9)).toMatch(
      /^Line 2 also rates tom@x.test for spreadsheets on 2026-11-22 \(an empty date means today, 2026-11-22\), with a different level/,
    );
    expect(reason(10)).toMatch(/has 6 values but the header names 5 columns/);
  });

  it('checks the header first', () => {
    expect(check('')).toMatchObject({ ok: false, problems: [{ line: 1, reason: expect.stringMatching(/file is empty/) }] });
    expect(check('email,skill\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/Missing column: level/) }],
    });
    expect(check('email,skill,level,kind\nx,y,1,self')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/Unknown column "kind"/) }],
    });
    expect(check('email,skill,level,level\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/"level" appears twice/) }],
    });
    expect(check('email,skill,level\n\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, reason: expect.stringMatching(/no ratings below the header/) }],
    });
  });

  it('reports an unclosed quote with the other problems', () => {
    const result = check('email,skill,level,note\nnobody@x.test,spreadsheets,1,\ntom@x.test,spreadsheets,1,"open\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.line)).toEqual([2, 3]);
  });

  it('reports exactly the lines of the bad rows, wherever they are (property)', () => {
    const good = fc.record({
      email: fc.constantFrom('tom@x.test', 'ana@x.test'),
      skill: fc.constantFrom('spreadsheets', 'erp-systems'),
      level: fc.integer({ min: 0, max: 4 }),
    });
    const bad = fc.constantFrom(
      'ghost@x.test,spreadsheets,1',
      'tom@x.test,unknown-skill,1',
      'tom@x.test,spreadsheets,9',
      'tom@x.test,erp-systems,1,2999-01-01',
    );
    const row = fc.oneof(
      good.map((g) => ({ bad: false as const, g })),
      bad.map((b) => ({ bad: true as const, b })),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 25 }), (rows) => {
        // Distinct dates keep good rows from repeating one another.
        const lines = rows.map((r, i) => {
          const date = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
          return r.bad ? `${r.b}${r.b.split(',').length === 3 ? `,${date}` : ''}` : `${r.g.email},${r.g.skill},${r.g.level},${date}`;
        });
        const result = check(['email,skill,level,date', ...lines].join('\n'));
        const expected = rows.flatMap((r, i) => (r.bad ? [i + 2] : []));
        if (expected.length === 0) expect(result.ok).toBe(true);
        else expect(!result.ok && result.problems.map((p) => p.line)).toEqual(expected);
      }),
    );
  });

  it('reads levels, dates and ids the way people write them', () => {
    expect(parseLevel(' 4 ')).toBe(4);
    expect(parseLevel('Expert')).toBe(4);
    expect(parseLevel('3.0')).toBeNull();
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-2-1')).toBe(false);
    expect(skillIdFromName('Forklift operation (LLOP) — Café')).toBe('forklift-operation-llop-cafe');
  });

  it('identifies an imported rating by person, skill, kind, level, date and note', () => {
    const row = { subjectId: 1, skillId: 'a', level: 2 as Level, date: null, note: null };
    expect(importIdentity(row, '2026-11-22')).toBe(importIdentity({ ...row, date: '2026-11-22' }, '2026-11-23'));
    expect(importIdentity(row, '2026-11-22')).not.toBe(importIdentity({ ...row, note: 'x' }, '2026-11-22'));
    expect(importIdentity(row, '2026-11-22')).not.toBe(importIdentity({ ...row, level: 3 }, '2026-11-22'));
  });
});
