// Calendar dates: the one module for 'YYYY-MM-DD' dates, the organisation's
// "today" and how dates and instants are written on pages.
//
// A calendar date has no time zone: a start date, a due date, an expiry date.
// An instant (a Date) becomes a calendar date only through a time zone, and
// OpsPath always uses the organisation's (organisations.settings.timeZone):
// near midnight the same instant is 2 March in Bucharest and 1 March in New
// York, and "due today" or "expires today" must follow the organisation's
// clock, not the server's. See docs/decisions/ (the meaning of today).

export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The organisation time zone when none is set. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** The range of dates people may type (start dates, earned and expiry dates). */
export const EARLIEST_DATE: IsoDate = '1950-01-01';
export const LATEST_DATE: IsoDate = '2100-12-31';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const format = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar date written as YYYY-MM-DD (rejects 2025-02-29, 2025-13-01). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function parts(date: IsoDate): [number, number, number] {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  const m = ISO_DATE.exec(date)!;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const utcMs = (date: IsoDate) => {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d);
};

export function addDays(date: IsoDate, days: number): IsoDate {
  const t = new Date(utcMs(date) + days * DAY_MS);
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Adds calendar months, clamping to the last day of the target month (31 Jan + 1 month = 28 or 29 Feb). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return format(year, month, Math.min(d, daysInMonth(year, month)));
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((utcMs(to) - utcMs(from)) / DAY_MS);
}

/** Saturday or Sunday. */
export function isWeekend(date: IsoDate): boolean {
  const day = new Date(utcMs(date)).getUTCDay();
  return day === 0 || day === 6;
}

/** 'YYYY-MM' of a date. */
export const monthOf = (date: IsoDate) => date.slice(0, 7);

// --- time zones and today -------------------------------------------------------

// One formatter per zone: building one is far dearer than using it, and pages
// ask for dates per record. Zone names are case-insensitive, so input could
// spell one zone many ways: the cache stops growing at a bound.
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function dateInZone(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (zoneFormats.size < 1000) zoneFormats.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    dateInZone(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date at `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): IsoDate {
  const fields = dateInZone(timeZone).formatToParts(instant);
  const get = (type: string) => Number(fields.find((f) => f.type === type)?.value);
  return format(get('year'), get('month'), get('day'));
}

const zoneHours = new Map<string, Intl.DateTimeFormat>();
/** The hour (0-23) on the wall clock of `timeZone` at `instant`: when a job may send at a sensible local hour. */
export function localHour(instant: Date, timeZone: string): number {
  let f = zoneHours.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    if (zoneHours.size < 1000) zoneHours.set(timeZone, f);
  }
  return Number(f.formatToParts(instant).find((p) => p.type === 'hour')?.value ?? 0) % 24;
}

const zoneClocks = new Map<string, Intl.DateTimeFormat>();
function clockInZone(timeZone: string): Intl.DateTimeFormat {
  let f = zoneClocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    if (zoneClocks.size < 1000) zoneClocks.set(timeZone, f);
  }
  return f;
}

/** How far the wall clock of `timeZone` is ahead of UTC at `instant`, in milliseconds. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = clockInZone(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant of a calendar date in `timeZone`: where "from 3 December"
 * starts for an organisation. Where a clock change skips midnight, the day
 * starts at the first minute that exists.
 */
export function localDayStart(date: IsoDate, timeZone: string): Date {
  const midnight = utcMs(date);
  // The offset at a first guess, then at the corrected instant (they differ only around a clock change).
  let at = midnight - zoneOffsetMs(midnight, timeZone);
  at = midnight - zoneOffsetMs(at, timeZone);
  while (localDate(new Date(at), timeZone) < date) at += 15 * 60_000;
  return new Date(at);
}

/** The wall-clock time at `instant` in `timeZone`, '14:05'. */
export function localTime(instant: Date, timeZone: string): string {
  const parts = clockInZone(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${pad(Number(get('hour')) % 24)}:${get('minute')}`;
}

/** 1 (Monday) to 7 (Sunday), as ISO 8601 numbers weekdays. */
export function isoWeekday(date: IsoDate): number {
  const day = new Date(utcMs(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the ISO week a date falls in. */
export const weekStart = (date: IsoDate): IsoDate => addDays(date, 1 - isoWeekday(date));

/** The ISO 8601 week of a date, '2026-W49' (the week belongs to the year of its Thursday). */
export function isoWeek(date: IsoDate): string {
  const thursday = addDays(weekStart(date), 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${pad(year, 4)}-01-01`, thursday) / 7) + 1;
  return `${pad(year, 4)}-W${pad(week)}`;
}

/** The Monday of an ISO week written as isoWeek writes it ('2026-W49' -> '2026-11-30'). */
export function isoWeekMonday(week: string): IsoDate {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 53) throw new RangeError(`not an ISO week: ${JSON.stringify(week)}`);
  return addDays(weekStart(`${m[1]}-01-04`), (Number(m[2]) - 1) * 7);
}

/** The organisation's zone from its settings, falling back to UTC for an unset or unknown one. */
export const organisationTimeZone = (timeZone: string | null | undefined) =>
  timeZone && isValidTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;

/** Today for an organisation: the calendar date at `now` in its time zone. The only "today" OpsPath has. */
export const organisationToday = (now: Date, timeZone: string | null | undefined): IsoDate =>
  localDate(now, organisationTimeZone(timeZone));

/** Day 1 is the start date: "Day 21 of 90" while someone is in their first 90 days, else null. */
export function rampDayLabel(startDate: IsoDate | null, today: IsoDate): string | null {
  if (!startDate || !isIsoDate(startDate)) return null;
  const day = daysBetween(startDate, today) + 1;
  return day >= 1 && day <= 90 ? `Day ${day} of 90` : null;
}

// --- how dates are written ----------------------------------------------------------

// Built once: constructing an Intl.DateTimeFormat costs about 30 µs, and a
// 50-person page formats hundreds of dates (it was a third of the team page's CPU).
const dayFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const longDayFormat = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDayFormat = new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const wordsFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** '2026-11-02' -> 'Nov 2, 2026' (a calendar date, never shifted by a time zone); 'Not set' for none. */
export function formatDay(date: IsoDate | null): string {
  if (!date) return 'Not set';
  return isIsoDate(date) ? dayFormat.format(new Date(utcMs(date))) : date;
}

/** '2026-11-02' -> 'Mon, Nov 2, 2026'. */
export function formatLongDay(date: IsoDate): string {
  return isIsoDate(date) ? longDayFormat.format(new Date(utcMs(date))) : date;
}

/** '2026-01-08' -> '8 January 2026' (a statement of a dated rate, say). */
export function formatDayInWords(date: IsoDate): string {
  return isIsoDate(date) ? wordsFormat.format(new Date(utcMs(date))) : date;
}

/** '2026-11-07' -> 'Sat, Nov 7': the weekday always shows, so a date on a weekend is visible. */
export function formatShortDay(date: IsoDate): string {
  return isIsoDate(date) ? shortDayFormat.format(new Date(utcMs(date))) : date;
}

/** An instant, as 'Nov 2, 2026, 9:00 AM UTC'. */
export function formatInstant(at: Date): string {
  return instantFormat.format(at) + ' UTC';
}

const zoneInstantFormats = new Map<string, Intl.DateTimeFormat>();
/**
 * An instant on the organisation's clock, naming the zone: 'Nov 2, 2026, 11:00 AM (Europe/Bucharest)'.
 * What a sheet of paper says it was printed at, read by people who work in that zone.
 */
export function formatInstantIn(at: Date, timeZone: string): string {
  return `${formatClockIn(at, timeZone)} (${organisationTimeZone(timeZone)})`;
}

/**
 * The same instant without the zone, 'Nov 2, 2026, 11:00 AM': for lists of
 * many instants that name the zone once (the matrix cell's history).
 */
export function formatClockIn(at: Date, timeZone: string): string {
  const zone = organisationTimeZone(timeZone);
  let f = zoneInstantFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
    if (zoneInstantFormats.size < 1000) zoneInstantFormats.set(zone, f);
  }
  return f.format(at);
}

/** '2026-11' -> 'Nov 2026'. */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return monthFormat.format(new Date(Date.UTC(y!, m! - 1, 1)));
}
