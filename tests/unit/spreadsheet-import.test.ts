// What spreadsheets write, read by the ratings import: separators, byte-order
// marks, CRLF, quoted line breaks, rows of empty cells, dates in the
// organisation's order, an export's columns, invisible characters, and which
// rows really clash.
import { describe, expect, it } from 'vitest';
import { detectSeparator, parseCsv, toCsv } from '#domain/csv.ts';
import { describeReading, findInvisible, validateImport, type ImportContext } from '#domain/skills-import.ts';
import { readSpreadsheetDate, spreadsheetLocale, writeSpreadsheetDate, type DateOrder } from '#domain/spreadsheet-locale.ts';

const ctx = (dateOrder: DateOrder | null = null): ImportContext => ({
  people: new Map([
    ['tom@x.test', 11],
    ['ana@x.test', 12],
  ]),
  skills: new Map([
    ['spreadsheets', 'spreadsheets'],
    ['erp-systems', 'erp-systems'],
  ]),
  today: '2026-11-22',
  scope: 'your teams',
  dateOrder,
});
const check = (text: string, order: DateOrder | null = null) => {
  const parsed = parseCsv(text);
  return validateImport(parsed.records, ctx(order), parsed);
};

describe('reading what spreadsheets write', () => {
  it('detects a semicolon from the header line, with a BOM, CRLF, quoted line breaks and trailing empty rows', () => {
    const text =
      '\uFEFFemail;skill;level;date;note\r\ntom@x.test;spreadsheets;3;01.11.2026;"two lines,\r\nwith a comma"\r\n;;;;\r\n"";"";"";"";""\r\n';
    const result = check(text, 'day-first');
    expect(result).toMatchObject({
      ok: true,
      rows: [{ line: 2, subjectId: 11, level: 3, date: '2026-11-01', note: 'two lines,\nwith a comma' }],
      reading: { separator: ';', emptyRows: 2 },
    });
    if (result.ok) expect(describeReading(result.reading)).toContain('Separator: semicolon (;), read from the header line.');
  });

  it('keeps commas as the separator when the header has them, and ignores `,,,,` rows', () => {
    expect(detectSeparator('email,skill,level\n1;2;3;4;5\n')).toBe(',');
    expect(detectSeparator('\n"a;b",c;d;e\n')).toBe(';');
    expect(check('email,skill,level\ntom@x.test,spreadsheets,2\n,,\n,,\n')).toMatchObject({ ok: true, reading: { emptyRows: 2 } });
  });

  it('writes and reads a semicolon file, quoting either separator inside a cell', () => {
    const csv = toCsv([['a', 'b;c', 'd,e', '=1']], ';');
    expect(csv).toBe(`a;"b;c";"d,e";'=1`);
    expect(parseCsv(csv).records[0]!.cells).toEqual(['a', 'b;c', 'd,e', "'=1"]);
    // A comma file whose first cell holds a semicolon is still read as commas.
    expect(parseCsv(toCsv([['x;y'], ['1']])).separator).toBe(',');
  });

  it('names an unclosed quote with its line, not "no ratings below the header"', () => {
    const result = check('email,skill,level,note\ntom@x.test,spreadsheets,1,"open\nana@x.test,spreadsheets,2,\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ line: 2, reason: expect.stringMatching(/starts on line 2 is never closed/) }]);
  });
});

describe('dates', () => {
  it('reads ISO always, and day-first or month-first per the setting', () => {
    for (const order of [null, 'day-first', 'month-first'] as const)
      expect(readSpreadsheetDate('2026-11-01', order)).toEqual({ ok: true, date: '2026-11-01' });
    expect(readSpreadsheetDate('01/11/2026', 'day-first')).toEqual({ ok: true, date: '2026-11-01' });
    expect(readSpreadsheetDate('1.11.2026', 'day-first')).toEqual({ ok: true, date: '2026-11-01' });
    expect(readSpreadsheetDate('11/1/2026', 'month-first')).toEqual({ ok: true, date: '2026-11-01' });
    expect(readSpreadsheetDate('13/11/2026', 'day-first')).toEqual({ ok: true, date: '2026-11-13' });
  });

  it('refuses a date that reads two ways when the setting does not decide, saying both and how to write it', () => {
    const reading = readSpreadsheetDate('01/11/2026', null);
    expect(reading).toEqual({
      ok: false,
      reason: expect.stringMatching(/ambiguous: it is 2026-11-01 read day-first and 2026-01-11 read month-first.*YYYY-MM-DD/),
    });
    // One reading only, or the same day both ways: not ambiguous.
    expect(readSpreadsheetDate('13/11/2026', null)).toEqual({ ok: true, date: '2026-11-13' });
    expect(readSpreadsheetDate('11/13/2026', null)).toEqual({ ok: true, date: '2026-11-13' });
    expect(readSpreadsheetDate('05/05/2026', null)).toEqual({ ok: true, date: '2026-05-05' });
  });

  it('refuses a date that does not fit the setting, or has a two-digit year', () => {
    expect(readSpreadsheetDate('11/13/2026', 'day-first')).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a day-first date.*2026-11-13 read month-first.*YYYY-MM-DD/),
    });
    expect(readSpreadsheetDate('13/11/2026', 'month-first')).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a month-first date/),
    });
    expect(readSpreadsheetDate('1/11/26', 'day-first')).toEqual({ ok: false, reason: expect.stringMatching(/two-digit year/) });
    expect(readSpreadsheetDate('31.02.2026', 'day-first')).toMatchObject({ ok: false });
  });

  it('reports an ambiguous date on its line, and does not call rows with unreadable dates repeats', () => {
    const result = check('email,skill,level,date\ntom@x.test,spreadsheets,3,01/11/2026\ntom@x.test,spreadsheets,2,02/11/2026\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([2, 3]);
    for (const p of result.problems) {
      expect(p.reason).toMatch(/ambiguous/);
      expect(p.reason).not.toMatch(/repeats/);
    }
    // The same file in a day-first organisation: two dates, no clash.
    expect(
      check('email,skill,level,date\ntom@x.test,spreadsheets,3,01/11/2026\ntom@x.test,spreadsheets,2,02/11/2026\n', 'day-first'),
    ).toMatchObject({ ok: true });
  });

  it('says what clashes: a true repeat, or the same day with another level', () => {
    const result = check(
      'email,skill,level,date\ntom@x.test,spreadsheets,3,2026-11-01\ntom@x.test,spreadsheets,3,01/11/2026\ntom@x.test,spreadsheets,2,2026-11-01\n',
      'day-first',
    );
    if (result.ok) throw new Error('expected problems');
    expect(result.problems[0]!.reason).toMatch(/^It repeats line 2: the same rating of tom@x.test for spreadsheets on 2026-11-01/);
    expect(result.problems[1]!.reason).toMatch(/^Line 2 also rates tom@x.test for spreadsheets on 2026-11-01, with a different level/);
  });

  it('writes the template date as the organisation reads it', () => {
    expect(writeSpreadsheetDate('2026-11-01', spreadsheetLocale('ro-RO'))).toBe('01.11.2026');
    expect(writeSpreadsheetDate('2026-11-01', spreadsheetLocale('en-GB'))).toBe('01/11/2026');
    expect(writeSpreadsheetDate('2026-11-01', spreadsheetLocale('en-US'))).toBe('11/01/2026');
    expect(writeSpreadsheetDate('2026-11-01', spreadsheetLocale(undefined))).toBe('2026-11-01');
    for (const id of ['ro-RO', 'en-GB', 'en-US', 'iso']) {
      const locale = spreadsheetLocale(id);
      expect(readSpreadsheetDate(writeSpreadsheetDate('2026-11-01', locale), locale.dateOrder)).toEqual({ ok: true, date: '2026-11-01' });
    }
  });
});

describe('an export’s columns', () => {
  const header = 'name,email,job_role,tier,skill,skill_name,category,self,manager,target,gap';
  it('reads the manager column as the level, ignores the others and skips unrated rows', () => {
    const result = check(
      `${header}\nTom,tom@x.test,ops,t1,spreadsheets,Spreadsheets,Tools,2,3,3,0\nAna,ana@x.test,ops,t1,erp-systems,ERP,Tools,1,,2,1\n`,
    );
    expect(result).toMatchObject({
      ok: true,
      rows: [{ line: 2, subjectId: 11, skillId: 'spreadsheets', level: 3, date: null, note: null }],
      reading: {
        levelColumn: 'manager',
        hasNotes: false,
        unrated: 1,
        ignoredColumns: ['name', 'job_role', 'tier', 'skill_name', 'category', 'self', 'target', 'gap'],
      },
    });
    if (result.ok)
      expect(describeReading(result.reading)).toContain('Ignored columns: name, job_role, tier, skill_name, category, self, target, gap.');
  });

  it('still refuses a column it does not know (a typo would lose data)', () => {
    expect(check('email,skill,levle\ntom@x.test,spreadsheets,2\n')).toMatchObject({
      ok: false,
      problems: [{ reason: expect.stringMatching(/Unknown column "levle"/) }],
    });
  });
});

describe('invisible characters', () => {
  it('names a zero-width space in an email', () => {
    const result = check('email,skill,level\ntom@x\u200B.test,spreadsheets,2\n');
    if (result.ok) throw new Error('expected a problem');
    expect(result.problems[0]!.reason).toMatch(/invisible character, U\+200B ZERO WIDTH SPACE, after "tom@x"/);
    expect(result.problems[0]!.reason).not.toMatch(/No one with the email/);
    expect(findInvisible('a\u2060b')).toMatchObject({ code: 'U+2060', name: 'WORD JOINER' });
    expect(findInvisible('plain text')).toBeNull();
  });
});
