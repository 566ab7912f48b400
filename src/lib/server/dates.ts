// Calendar dates ('YYYY-MM-DD', no time zone) as people and ramp plans use them.

const DAY_MS = 86_400_000;

/** Today's date in UTC as 'YYYY-MM-DD'. */
export const isoDay = (now: Date) => now.toISOString().slice(0, 10);

/** Whole days from a start date to `now` (0 on the start date itself; negative before it). */
export function daysSince(startDate: string, now: Date): number {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  const today = Date.parse(`${isoDay(now)}T00:00:00Z`);
  return Math.round((today - start) / DAY_MS);
}

/** "Day 21 of 90" while someone is in their first 90 days, else null. Day 1 is the start date. */
export function rampDayLabel(startDate: string | null, now: Date): string | null {
  if (!startDate) return null;
  const day = daysSince(startDate, now) + 1;
  return day >= 1 && day <= 90 ? `Day ${day} of 90` : null;
}

// Built once: constructing an Intl.DateTimeFormat costs about 30 µs, and a
// 50-person page formats hundreds of dates (it was a third of the team page's CPU).
const dayFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** '2026-11-02' -> 'Nov 2, 2026' (read as a calendar date, not shifted by time zone). */
export function formatDay(date: string | null): string {
  if (!date) return 'Not set';
  const d = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : dayFormat.format(d);
}

export function formatInstant(at: Date): string {
  return instantFormat.format(at) + ' UTC';
}
