import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import { csvSafeCell, parseCsv, toCsv } from '#domain/csv.ts';

describe('csvSafeCell', () => {
  it.each(['=1+2', '+41 22 000', '-5', '@SUM(A1)', '\t=cmd', '\r=cmd', '=HYPERLINK("http://x","y")'])(
    'neutralises a cell that a spreadsheet would run as a formula: %j',
    (value) => {
      expect(csvSafeCell(value)).toBe(`'${value}`);
    },
  );

  it('leaves ordinary text, and numbers as numbers', () => {
    expect(csvSafeCell('Tom Becker')).toBe('Tom Becker');
    expect(csvSafeCell('a=b')).toBe('a=b');
    expect(csvSafeCell(-3)).toBe('-3');
    expect(csvSafeCell(2.5)).toBe('2.5');
    expect(csvSafeCell(Number.NaN)).toBe('');
    expect(csvSafeCell(null)).toBe('');
    expect(csvSafeCell(undefined)).toBe('');
    expect(csvSafeCell(true)).toBe('true');
  });
});

describe('toCsv', () => {
  it('quotes what needs quoting and ends lines with CRLF', () => {
    expect(
      toCsv([
        ['name', 'note'],
        ['Becker, Tom', 'said "hi"'],
        ['Ana', 'two\nlines'],
      ]),
    ).toBe('name,note\r\n"Becker, Tom","said ""hi"""\r\nAna,"two\nlines"');
  });

  it('writes exactly what Papa.unparse wrote for the same safe cells (the export format did not change)', () => {
    // Apart from semicolons, which toCsv now quotes too (so the import's separator detection reads its files).
    const text = fc.oneof(
      fc.string().filter((t) => !t.includes(';')),
      fc.string({ unit: fc.constantFrom(' ', ',', '"', '\r', '\n', '\uFEFF', 'a', '=') }),
    );
    const cell = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const papa = Papa.unparse(
          rows.map((row) => row.map(csvSafeCell)),
          { newline: '\r\n', quotes: false, escapeFormulae: false },
        );
        expect(toCsv(rows)).toBe(papa);
      }),
      { numRuns: 500 },
    );
  });

  it('neutralises formulas in every cell it writes', () => {
    expect(toCsv([['=1+1', 3, null]])).toBe("'=1+1,3,");
  });

  it('round-trips through parseCsv: what comes back is exactly the safe cells', () => {
    const cell = fc.oneof(fc.string(), fc.integer(), fc.constantFrom('=x', '+1', '-1', '@a', 'a,b', 'q"q', 'l1\nl2', 'l1\r\nl2'));
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(',', ';' as const),
        (rows, separator) => {
          const csv = toCsv(rows, separator);
          const parsed = parseCsv(csv);
          const expected = rows
            .map((r) => r.map(csvSafeCell).map((c) => c.replace(/\r\n?/g, '\n')))
            // A row of empty cells is a blank line or what spreadsheets write below the data: skipped by design.
            .filter((r) => !r.every((c) => c.trim() === ''));
          expect(parsed.problems).toEqual([]);
          // A file of one column has no separator to see; the reading is the same either way.
          if (rows[0]!.length > 1) expect(parsed.separator).toBe(separator);
          expect(parsed.records.map((r) => r.cells)).toEqual(expected);
        },
      ),
    );
  });
});

describe('parseCsv', () => {
  it('numbers each record by the line it starts on, across quoted line breaks and blank lines', () => {
    const text = 'email,skill,level\r\na@x.test,"multi\nline note",2\n\nb@x.test,s,3\rc@x.test,t,4\n';
    const { records, problems } = parseCsv(text);
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.line, r.cells[0]])).toEqual([
      [1, 'email'],
      [2, 'a@x.test'],
      [5, 'b@x.test'],
      [6, 'c@x.test'],
    ]);
  });

  it('drops a byte-order mark', () => {
    expect(parseCsv('\uFEFFemail,level\nx,1').records[0]!.cells).toEqual(['email', 'level']);
  });

  it('reports an unclosed quote with its line', () => {
    const { problems } = parseCsv('a,b\n1,2\n"open,3\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(3);
    expect(problems[0]!.reason).toMatch(/never closed/);
  });

  it('returns nothing for an empty file', () => {
    expect(parseCsv('')).toEqual({ records: [], problems: [], separator: ',', emptyRows: 0 });
    expect(parseCsv('\n\n').records).toEqual([]);
  });
});
