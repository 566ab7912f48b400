// How the organisation's spreadsheets write CSV: the separator its exports use
// and the order in which its imports read dates like 01/11/2026
// (docs/decisions/019-spreadsheet-locale.md). Excel and LibreOffice take both
// from the computer's regional settings, so a file says nothing about them
// itself: the separator can be seen in the header line, the date order cannot.
import { daysInMonth, type IsoDate } from './calendar.ts';

export type DateOrder = 'day-first' | 'month-first';
export type Separator = ',' | ';';

export interface SpreadsheetLocale {
  id: string;
  label: string;
  separator: Separator;
  /** null: the setting does not decide, so only a date that reads one way is accepted. */
  dateOrder: DateOrder | null;
}

export const SPREADSHEET_LOCALES = [
  {
    id: 'iso',
    label: 'International: comma, dates as YYYY-MM-DD',
    separator: ',',
    dateOrder: null,
  },
  { id: 'en-US', label: 'United States (en-US): comma, month-first dates (11/1/2026)', separator: ',', dateOrder: 'month-first' },
  { id: 'en-GB', label: 'United Kingdom (en-GB): comma, day-first dates (1/11/2026)', separator: ',', dateOrder: 'day-first' },
  {
    id: 'ro-RO',
    label: 'Romania and most of continental Europe (ro-RO): semicolon, day-first dates (01.11.2026)',
    separator: ';',
    dateOrder: 'day-first',
  },
] as const satisfies readonly SpreadsheetLocale[];

export type SpreadsheetLocaleId = (typeof SPREADSHEET_LOCALES)[number]['id'];

/** What an organisation without the setting gets: today's behaviour (comma exports, no guessing of date order). */
export const DEFAULT_SPREADSHEET_LOCALE: SpreadsheetLocaleId = 'iso';

export function isSpreadsheetLocale(value: unknown): value is SpreadsheetLocaleId {
  return SPREADSHEET_LOCALES.some((l) => l.id === value);
}

export function spreadsheetLocale(id: string | null | undefined): SpreadsheetLocale {
  return SPREADSHEET_LOCALES.find((l) => l.id === id) ?? SPREADSHEET_LOCALES.find((l) => l.id === DEFAULT_SPREADSHEET_LOCALE)!;
}

export const SEPARATOR_NAMES: Record<Separator, string> = { ',': 'comma (,)', ';': 'semicolon (;)' };

export type DateReading = { ok: true; date: IsoDate } | { ok: false; reason: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
// Day, month and year in either order, separated by / . or - (a spreadsheet's short date format).
const NUMERIC = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;
const TWO_DIGIT_YEAR = /^\d{1,2}([/.-])\d{1,2}\1\d{2}$/;
const HOW = 'Write it as YYYY-MM-DD';

const pad = (n: number) => String(n).padStart(2, '0');
function isoOf(year: number, month: number, day: number): IsoDate | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * Reads a date cell: YYYY-MM-DD always; 1.11.2026, 01/11/2026 or 11/1/2026
 * in the organisation's date order. Without an order, a date is accepted
 * only when it reads as one date (13/11/2026, or 05/05/2026); one that reads
 * as two is refused, saying which two.
 */
export function readSpreadsheetDate(raw: string, order: DateOrder | null): DateReading {
  const iso = ISO.exec(raw);
  if (iso) {
    const date = isoOf(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    return date ? { ok: true, date } : { ok: false, reason: `Date "${raw}" is not a day of the calendar.` };
  }
  if (TWO_DIGIT_YEAR.test(raw))
    return { ok: false, reason: `Date "${raw}" has a two-digit year, which could be in either century. ${HOW}.` };
  const m = NUMERIC.exec(raw);
  if (!m) return { ok: false, reason: `Date "${raw}" is not a date. ${HOW} (or day and month as your organisation writes them).` };
  const [a, b, year] = [Number(m[1]), Number(m[3]), Number(m[4])];
  const dayFirst = isoOf(year, b, a);
  const monthFirst = isoOf(year, a, b);
  if (order === 'day-first') {
    if (dayFirst) return { ok: true, date: dayFirst };
    return {
      ok: false,
      reason: `Date "${raw}" is not a day-first date (day/month/year), which is how your organisation's spreadsheet setting reads dates${monthFirst ? ` (it would be ${monthFirst} read month-first)` : ''}. ${HOW}.`,
    };
  }
  if (order === 'month-first') {
    if (monthFirst) return { ok: true, date: monthFirst };
    return {
      ok: false,
      reason: `Date "${raw}" is not a month-first date (month/day/year), which is how your organisation's spreadsheet setting reads dates${dayFirst ? ` (it would be ${dayFirst} read day-first)` : ''}. ${HOW}.`,
    };
  }
  if (dayFirst && monthFirst && dayFirst !== monthFirst)
    return {
      ok: false,
      reason: `Date "${raw}" is ambiguous: it is ${dayFirst} read day-first and ${monthFirst} read month-first, and your organisation's spreadsheet setting does not say which. ${HOW}, or an admin sets the date order under Admin.`,
    };
  const date = dayFirst ?? monthFirst;
  return date ? { ok: true, date } : { ok: false, reason: `Date "${raw}" is not a day of the calendar. ${HOW}.` };
}

/** A date as the organisation's spreadsheets write it (for the template's example row). */
export function writeSpreadsheetDate(date: IsoDate, locale: Pick<SpreadsheetLocale, 'dateOrder' | 'separator'>): string {
  const [y, m, d] = date.split('-');
  if (locale.dateOrder === 'day-first') return locale.separator === ';' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
  if (locale.dateOrder === 'month-first') return `${m}/${d}/${y}`;
  return date;
}
