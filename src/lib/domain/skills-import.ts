// The rules of the ratings CSV import: the columns, how levels and dates are
// read, and the check of a whole file before anything is written. Pure: the
// server feature (src/lib/server/skills/import.ts) reads the upload, knows who
// may be rated and writes the rows.
import type { IsoDate } from './calendar.ts';
import type { CsvProblem, CsvRecord } from './csv.ts';
import { readSpreadsheetDate, SEPARATOR_NAMES, type DateOrder, type Separator } from './spreadsheet-locale.ts';
import { normaliseEmail } from './fields.ts';
import type { RatingKind } from './access.ts';
import { LEVELS, type Level } from './scale.ts';
import { MAX_NOTE_LENGTH } from './skills-matrix.ts';

// --- CSV import ---------------------------------------------------------------------

export const IMPORT_COLUMNS = ['email', 'skill', 'level', 'date', 'note'] as const;
export const REQUIRED_IMPORT_COLUMNS = ['email', 'skill', 'level'] as const;
/** The skills export's columns (src/lib/server/skills/export.ts), so an export imports unchanged. */
export const SKILLS_EXPORT_COLUMNS = [
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
] as const;
/**
 * Of the export's columns, `manager` is the one rating an importer gives, so it
 * is read as the level when there is no level column. The others describe the
 * person and skill (read from the account and catalog instead), or are not
 * the importer's to write: self ratings are each person's own, targets come
 * from the role guides, the gap is computed.
 */
const EXPORT_LEVEL_COLUMN = 'manager';
const KNOWN_COLUMNS: readonly string[] = [...new Set<string>([...IMPORT_COLUMNS, ...SKILLS_EXPORT_COLUMNS])];
export const MAX_IMPORT_ROWS = 50_000;
/** Older ratings than this are typing mistakes, not history worth importing. */
const EARLIEST_IMPORT_DATE: IsoDate = '1990-01-01';

export interface ImportContext {
  /** Normalised email → id of a person the importer may rate. */
  people: ReadonlyMap<string, number>;
  /** Lower-case skill id or name → skill id, for the skills the organisation uses. */
  skills: ReadonlyMap<string, string>;
  /** The organisation's today: dates after it are refused. */
  today: IsoDate;
  /** "your teams" or "your organisation", for the unknown-email message. */
  scope: string;
  /** How the organisation's setting reads 01/11/2026 (null: it does not decide). */
  dateOrder?: DateOrder | null;
}

export interface ImportRow {
  line: number;
  subjectId: number;
  skillId: string;
  level: Level;
  /** null: the rating is dated the day of the import. */
  date: string | null;
  note: string | null;
}

/** How a file was read, for the preview. */
export interface ImportReading {
  separator: Separator;
  /** Where the levels come from: `level`, or an export's `manager` column. */
  levelColumn: 'level' | 'manager';
  /** Columns of the export that are not read, as the header names them. */
  ignoredColumns: string[];
  /** False when the file has no note column: its rows say nothing about notes. */
  hasNotes: boolean;
  /** Rows of empty cells, skipped. */
  emptyRows: number;
  /** Rows of an export with an empty manager cell (no rating to import), skipped. */
  unrated: number;
}

export type ImportProblem = CsvProblem;

export type ImportValidation = { ok: true; rows: ImportRow[]; reading: ImportReading } | { ok: false; problems: ImportProblem[] };

const LEVEL_WORDS = new Map<string, Level>(LEVELS.map((l) => [l.label.toLowerCase(), l.value as Level]));

/** "3", or a level's name ("Proficient"). */
export function parseLevel(raw: string): Level | null {
  const value = raw.trim().toLowerCase();
  if (/^[0-4]$/.test(value)) return Number(value) as Level;
  return LEVEL_WORDS.get(value) ?? null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// Characters that do not show but make two texts differ: copied from web pages,
// chat and documents along with an email. Named, because "No one with the email
// x" for an email that looks right would send the reader looking elsewhere.
const INVISIBLE_NAMES: Record<string, string> = {
  '\u00A0': 'NO-BREAK SPACE',
  '\u00AD': 'SOFT HYPHEN',
  '\u180E': 'MONGOLIAN VOWEL SEPARATOR',
  '\u200B': 'ZERO WIDTH SPACE',
  '\u200C': 'ZERO WIDTH NON-JOINER',
  '\u200D': 'ZERO WIDTH JOINER',
  '\u200E': 'LEFT-TO-RIGHT MARK',
  '\u200F': 'RIGHT-TO-LEFT MARK',
  '\u202F': 'NARROW NO-BREAK SPACE',
  '\u2060': 'WORD JOINER',
  '\uFEFF': 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)',
};
const INVISIBLE = /[\p{Cf}\p{Zs}\p{Cc}\u180E]/u;

/** The first invisible character in `text` with where it is, or null. A plain space is visible enough. */
export function findInvisible(text: string): { code: string; name: string; after: string } | null {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === ' ' || !INVISIBLE.test(ch)) continue;
    const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return { code, name: INVISIBLE_NAMES[ch] ?? 'an invisible character', after: text.slice(0, i) };
  }
  return null;
}

function invisibleReason(what: string, value: string): string | null {
  const found = findInvisible(value);
  if (!found) return null;
  const where = found.after === '' ? 'at the start' : `after "${found.after}"`;
  return `The ${what} "${value}" contains an invisible character, ${found.code} ${found.name}, ${where} (copied along from a web page or document): delete it or type the ${what} again.`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Checks a whole ratings file before anything is written. Every bad row is
 * reported with its line and every reason it is bad; a file with any problem
 * is refused whole. Two rows for one person, skill and date are refused too:
 * two levels for one day would be ambiguous.
 */
export function validateImport(
  records: readonly CsvRecord[],
  ctx: ImportContext,
  parsed: { problems?: readonly CsvProblem[]; separator?: Separator; emptyRows?: number } = {},
): ImportValidation {
  const parseProblems = parsed.problems ?? [];
  const problems: ImportProblem[] = [...parseProblems];
  const [header, ...data] = records;
  if (!header) {
    return {
      ok: false,
      problems: [
        ...problems,
        { line: 1, reason: `The file is empty. The first line must name the columns: ${IMPORT_COLUMNS.join(', ')}.` },
      ],
    };
  }

  const names = header.cells.map((c) => c.trim().toLowerCase());
  const headerReasons: string[] = [];
  names.forEach((name, i) => {
    const invisible = invisibleReason('column name', header.cells[i]!.trim());
    if (invisible) headerReasons.push(invisible);
    else if (!KNOWN_COLUMNS.includes(name)) {
      headerReasons.push(name === '' ? `Column ${i + 1} has no name.` : `Unknown column "${header.cells[i]!.trim()}".`);
    } else if (names.indexOf(name) !== i) {
      headerReasons.push(`Column "${name}" appears twice.`);
    }
  });
  const levelColumn = names.includes('level') || !names.includes(EXPORT_LEVEL_COLUMN) ? 'level' : EXPORT_LEVEL_COLUMN;
  const required = REQUIRED_IMPORT_COLUMNS.map((c) => (c === 'level' ? levelColumn : c));
  const missing = required.filter((c) => !names.includes(c));
  if (missing.length) headerReasons.push(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
  if (headerReasons.length) {
    headerReasons.push(`Expected the columns ${IMPORT_COLUMNS.join(', ')} (date and note may be left out), or a skills export's columns.`);
    return { ok: false, problems: [...problems, { line: header.line, reason: headerReasons.join(' ') }].sort((a, b) => a.line - b.line) };
  }
  const read = new Set<string>(['email', 'skill', levelColumn, 'date', 'note']);
  const ignoredColumns = header.cells.map((c) => c.trim()).filter((_, i) => !read.has(names[i]!));
  if (data.length === 0) {
    // An unclosed quote swallows every line after it: that, not "no ratings", is the problem to fix.
    if (parseProblems.length) return { ok: false, problems };
    return { ok: false, problems: [...problems, { line: header.line, reason: 'The file has no ratings below the header line.' }] };
  }
  if (data.length > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      problems: [
        ...problems,
        { line: header.line, reason: `The file has ${data.length} ratings; the limit is ${MAX_IMPORT_ROWS}. Split it into smaller files.` },
      ],
    };
  }

  const separator = parsed.separator ?? ',';
  const col = (record: CsvRecord, name: string) => {
    const i = names.indexOf(name);
    return i === -1 ? '' : (record.cells[i] ?? '').trim();
  };
  const rows: ImportRow[] = [];
  const seen = new Map<string, { line: number; level: Level | null; note: string; undated: boolean }>();
  let unrated = 0;
  for (const record of data) {
    const levelRaw = col(record, levelColumn);
    // An export lists every person x skill; an empty manager cell is a skill not rated yet, not a mistake.
    if (levelColumn === EXPORT_LEVEL_COLUMN && levelRaw === '' && record.cells.length <= names.length) {
      unrated++;
      continue;
    }
    const reasons: string[] = [];
    if (record.cells.length > names.length) {
      reasons.push(
        `It has ${record.cells.length} values but the header names ${names.length} columns (a ${separator === ';' ? 'semicolon' : 'comma'} inside a note needs the note in double quotes).`,
      );
    }
    const email = col(record, 'email');
    let subjectId: number | undefined;
    const invisibleEmail = email === '' ? null : invisibleReason('email', email);
    if (email === '') reasons.push('The email is empty.');
    else if (invisibleEmail) reasons.push(invisibleEmail);
    else if (!EMAIL.test(email)) reasons.push(`"${email}" is not an email address.`);
    else {
      subjectId = ctx.people.get(normaliseEmail(email));
      if (subjectId === undefined) reasons.push(`No one with the email ${email} in ${ctx.scope}.`);
    }

    const skillRaw = col(record, 'skill');
    const skillId = skillRaw === '' ? undefined : ctx.skills.get(skillRaw.toLowerCase());
    const invisibleSkill = skillRaw === '' ? null : invisibleReason('skill', skillRaw);
    if (skillRaw === '') reasons.push('The skill is empty.');
    else if (!skillId) reasons.push(invisibleSkill ?? `Unknown skill "${skillRaw}": use a skill id or name from the skill catalog.`);

    const level = parseLevel(levelRaw);
    if (levelRaw === '') reasons.push('The level is empty.');
    else if (level === null)
      reasons.push(`Level "${levelRaw}" is not on the scale: use 0 to 4 (or none, aware, working, proficient, expert).`);

    const dateRaw = col(record, 'date');
    let date: string | null = null;
    let dateOk = true;
    if (dateRaw !== '') {
      const reading = readSpreadsheetDate(dateRaw, ctx.dateOrder ?? null);
      dateOk = false;
      if (!reading.ok) reasons.push(reading.reason);
      else if (reading.date > ctx.today) reasons.push(`Date ${reading.date} is in the future (today is ${ctx.today}).`);
      else if (reading.date < EARLIEST_IMPORT_DATE) reasons.push(`Date ${reading.date} is before ${EARLIEST_IMPORT_DATE}.`);
      else [date, dateOk] = [reading.date, true];
    }

    const noteRaw = col(record, 'note');
    if (noteRaw.length > MAX_NOTE_LENGTH) reasons.push(`The note has ${noteRaw.length} characters; the limit is ${MAX_NOTE_LENGTH}.`);

    // Only rows whose person, skill and date were all read can clash; a date that could not be read clashes with nothing.
    if (subjectId !== undefined && skillId && dateOk) {
      const day = date ?? ctx.today;
      const key = `${subjectId}|${skillId}|${day}`;
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, { line: record.line, level, note: noteRaw, undated: date === null });
      else {
        const today = earlier.undated || date === null ? ` (an empty date means today, ${ctx.today})` : '';
        reasons.push(
          earlier.level === level && earlier.note === noteRaw
            ? `It repeats line ${earlier.line}: the same rating of ${email} for ${skillRaw} on ${day}${today}. Delete one of the two lines.`
            : `Line ${earlier.line} also rates ${email} for ${skillRaw} on ${day}${today}, with a different ${earlier.level === level ? 'note' : 'level'}: one rating per person, skill and date, so keep one of the two lines or date them differently.`,
        );
      }
    }

    if (reasons.length) problems.push({ line: record.line, reason: reasons.join(' ') });
    else
      rows.push({
        line: record.line,
        subjectId: subjectId!,
        skillId: skillId!,
        level: level!,
        date,
        note: noteRaw === '' ? null : noteRaw,
      });
  }
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  if (rows.length === 0)
    return {
      ok: false,
      problems: [{ line: header.line, reason: `The file has no ratings: the ${levelColumn} column is empty on every line.` }],
    };
  return {
    ok: true,
    rows,
    reading: { separator, levelColumn, ignoredColumns, hasNotes: names.includes('note'), emptyRows: parsed.emptyRows ?? 0, unrated },
  };
}

/** The preview's words for how a file was read. */
export function describeReading(reading: ImportReading): string[] {
  const lines = [`Separator: ${SEPARATOR_NAMES[reading.separator]}, read from the header line.`];
  if (reading.levelColumn === 'manager') lines.push('Levels: read from the manager column (a skills export).');
  if (reading.ignoredColumns.length) lines.push(`Ignored columns: ${reading.ignoredColumns.join(', ')}.`);
  if (reading.unrated) lines.push(`${plural(reading.unrated, 'row')} without a manager rating skipped.`);
  if (reading.emptyRows) lines.push(`${plural(reading.emptyRows, 'row')} of empty cells skipped.`);
  return lines;
}

/**
 * What makes an imported rating the same rating: person, skill, kind, level,
 * date and note. The server stores a hash of it in a unique column, so a row
 * already imported is skipped, whoever imports it again.
 */
export function importIdentity(
  row: Pick<ImportRow, 'subjectId' | 'skillId' | 'level' | 'date' | 'note'>,
  today: string,
  kind: RatingKind = 'manager',
): string {
  return JSON.stringify([row.subjectId, row.skillId, kind, row.level, row.date ?? today, row.note ?? '']);
}
