// The rules of the ratings CSV import: the columns, how levels and dates are
// read, and the check of a whole file before anything is written. Pure: the
// server feature (src/lib/server/skills/import.ts) reads the upload, knows who
// may be rated and writes the rows.
import { isIsoDate, type IsoDate } from './calendar.ts';
import type { CsvProblem, CsvRecord } from './csv.ts';
import { normaliseEmail } from './fields.ts';
import type { RatingKind } from './access.ts';
import { LEVELS, type Level } from './scale.ts';
import { MAX_NOTE_LENGTH } from './skills-matrix.ts';

// --- CSV import ---------------------------------------------------------------------

export const IMPORT_COLUMNS = ['email', 'skill', 'level', 'date', 'note'] as const;
export const REQUIRED_IMPORT_COLUMNS = ['email', 'skill', 'level'] as const;
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

export type ImportProblem = CsvProblem;

export type ImportValidation = { ok: true; rows: ImportRow[] } | { ok: false; problems: ImportProblem[] };

const LEVEL_WORDS = new Map<string, Level>(LEVELS.map((l) => [l.label.toLowerCase(), l.value as Level]));

/** "3", or a level's name ("Proficient"). */
export function parseLevel(raw: string): Level | null {
  const value = raw.trim().toLowerCase();
  if (/^[0-4]$/.test(value)) return Number(value) as Level;
  return LEVEL_WORDS.get(value) ?? null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a whole ratings file before anything is written. Every bad row is
 * reported with its line and every reason it is bad; a file with any problem
 * is refused whole. Rows repeating a person, skill and date are refused too:
 * two levels for one day would be ambiguous.
 */
export function validateImport(
  records: readonly CsvRecord[],
  ctx: ImportContext,
  parseProblems: readonly CsvProblem[] = [],
): ImportValidation {
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
    if (!(IMPORT_COLUMNS as readonly string[]).includes(name)) {
      headerReasons.push(name === '' ? `Column ${i + 1} has no name.` : `Unknown column "${header.cells[i]!.trim()}".`);
    } else if (names.indexOf(name) !== i) {
      headerReasons.push(`Column "${name}" appears twice.`);
    }
  });
  const missing = REQUIRED_IMPORT_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) headerReasons.push(`Missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
  if (headerReasons.length) {
    headerReasons.push(`Expected the columns ${IMPORT_COLUMNS.join(', ')} (date and note may be left out).`);
    return { ok: false, problems: [...problems, { line: header.line, reason: headerReasons.join(' ') }].sort((a, b) => a.line - b.line) };
  }
  if (data.length === 0) {
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

  const col = (record: CsvRecord, name: (typeof IMPORT_COLUMNS)[number]) => {
    const i = names.indexOf(name);
    return i === -1 ? '' : (record.cells[i] ?? '').trim();
  };
  const rows: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const record of data) {
    const reasons: string[] = [];
    if (record.cells.length > names.length) {
      reasons.push(
        `It has ${record.cells.length} values but the header names ${names.length} columns (a comma inside a note needs the note in double quotes).`,
      );
    }
    const email = col(record, 'email');
    let subjectId: number | undefined;
    if (email === '') reasons.push('The email is empty.');
    else if (!EMAIL.test(email)) reasons.push(`"${email}" is not an email address.`);
    else {
      subjectId = ctx.people.get(normaliseEmail(email));
      if (subjectId === undefined) reasons.push(`No one with the email ${email} in ${ctx.scope}.`);
    }

    const skillRaw = col(record, 'skill');
    const skillId = skillRaw === '' ? undefined : ctx.skills.get(skillRaw.toLowerCase());
    if (skillRaw === '') reasons.push('The skill is empty.');
    else if (!skillId) reasons.push(`Unknown skill "${skillRaw}": use a skill id or name from the skill catalog.`);

    const levelRaw = col(record, 'level');
    const level = parseLevel(levelRaw);
    if (levelRaw === '') reasons.push('The level is empty.');
    else if (level === null)
      reasons.push(`Level "${levelRaw}" is not on the scale: use 0 to 4 (or none, aware, working, proficient, expert).`);

    const dateRaw = col(record, 'date');
    let date: string | null = null;
    if (dateRaw !== '') {
      if (!isIsoDate(dateRaw)) reasons.push(`Date "${dateRaw}" is not a date written as YYYY-MM-DD.`);
      else if (dateRaw > ctx.today) reasons.push(`Date ${dateRaw} is in the future (today is ${ctx.today}).`);
      else if (dateRaw < EARLIEST_IMPORT_DATE) reasons.push(`Date ${dateRaw} is before ${EARLIEST_IMPORT_DATE}.`);
      else date = dateRaw;
    }

    const noteRaw = col(record, 'note');
    if (noteRaw.length > MAX_NOTE_LENGTH) reasons.push(`The note has ${noteRaw.length} characters; the limit is ${MAX_NOTE_LENGTH}.`);

    if (subjectId !== undefined && skillId) {
      const key = `${subjectId}|${skillId}|${date ?? ctx.today}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) reasons.push(`It repeats line ${earlier}: one rating per person, skill and date.`);
      else seen.set(key, record.line);
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
  return { ok: true, rows };
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
