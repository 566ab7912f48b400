// CSV in and out, shared by every export and import. Pure (papaparse only).
//
// Exports neutralise formula injection (OWASP "CSV injection"): a spreadsheet
// runs a cell that starts with = + - @ (or a tab / carriage return followed by
// one) as a formula, so such text cells get a leading apostrophe, which
// spreadsheets show as plain text. Numbers are written as numbers.
//
// Imports report problems by the line of the file a record starts on, as a
// person sees it in an editor (the header is line 1), even when a quoted field
// spans several lines. They read what spreadsheets write: a byte-order mark or
// none, CRLF or LF, a comma or a semicolon (Excel and LibreOffice in most of
// Europe), and rows of empty cells below the data.
import Papa from 'papaparse';
import type { Separator } from './spreadsheet-locale.ts';

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as text, safe to open in a spreadsheet. */
export function csvSafeCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return FORMULA_START.test(value) ? `'${value}` : value;
}

// Quoted when it holds a comma, quote, line break or byte-order mark, or starts
// or ends with a space (which some readers trim): the rule papaparse's writer
// follows, so files keep the shape they had when toCsv was Papa.unparse.
// Both separators are quoted whichever one the file uses, so the header line
// never holds the other one outside quotes and the import's separator detection
// reads every file toCsv writes.
const NEEDS_QUOTES = /[",;\r\n\uFEFF]|^ | $/;

function field(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One cell as it appears in a line of toCsv's output (safe, then quoted if needed). */
export function csvField(value: CsvCell): string {
  // Finite numbers never need quotes or neutralising ("-1" is a number, not a formula, to a spreadsheet).
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return field(csvSafeCell(value));
}

/**
 * Rows (the first is usually the header) as RFC 4180 CSV with CRLF line ends.
 * Written here rather than with Papa.unparse: the quoting rule is one line, and
 * unparse's per-cell checks were a fifth of a 3,000-row export's CPU time.
 */
export function toCsv(rows: readonly (readonly CsvCell[])[], separator: Separator = ','): string {
  const lines = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    let line = '';
    for (let c = 0; c < row.length; c++) line += (c ? separator : '') + csvField(row[c]);
    lines[r] = line;
  }
  return lines.join('\r\n');
}

/** A record of an imported file: its cells and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  reason: string;
}

export interface ParsedCsv {
  records: CsvRecord[];
  /** Structural problems (an unclosed quote); cell-level checks belong to the caller. */
  problems: CsvProblem[];
  /** The separator read from the header line. */
  separator: Separator;
  /** Rows whose every cell is empty (`,,,,`, `"",""`), which spreadsheets write below the data: skipped. */
  emptyRows: number;
}

/**
 * The separator of a file, from its first line that holds one: the one of
 * comma and semicolon that appears more often outside quotes (a header names
 * columns, so it holds one of them between every two names). A comma on a tie.
 */
export function detectSeparator(text: string): Separator {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    // A line without either (blank, or one quoted cell) says nothing: look at the next.
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (commas + semicolons > 0) break;
    } else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/**
 * Parses CSV text into records with line numbers. Blank lines and rows of empty
 * cells are skipped (but still counted), a byte-order mark is dropped, CRLF, CR
 * and LF line ends may be mixed (spreadsheets and editors disagree on them),
 * and the separator is a comma or a semicolon, read from the header line.
 */
export function parseCsv(text: string): ParsedCsv {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const separator = detectSeparator(normalised);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let emptyRows = 0;
  let start = 0;
  let line = 1;
  Papa.parse<string[]>(normalised, {
    newline: '\n',
    delimiter: separator,
    skipEmptyLines: false,
    step: (result) => {
      const end = result.meta.cursor;
      const cells = result.data;
      const blank = cells.every((c) => c.trim() === '');
      if (result.errors.length > 0) {
        problems.push({ line, reason: describeParseError(result.errors[0]!, line) });
      } else if (blank) {
        if (cells.length > 1) emptyRows++;
      } else {
        records.push({ line, cells });
      }
      // The next record starts after this one; count the line ends it spanned.
      for (let i = start; i < end; i++) if (normalised.charCodeAt(i) === 10) line++;
      start = end;
    },
  });
  return { records, problems, separator, emptyRows };
}

function describeParseError(error: Papa.ParseError, line: number): string {
  if (error.code === 'MissingQuotes')
    return `A quoted value that starts on line ${line} is never closed, so the rest of the file was read as part of it: add the closing double quote (").`;
  if (error.code === 'InvalidQuotes')
    return 'A value has a stray double quote: wrap the value in quotes and double any quote inside it ("").';
  return `The line cannot be read as CSV (${error.message}).`;
}
