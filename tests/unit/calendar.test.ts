// The one calendar module: date arithmetic, and "today" as the organisation's
// date, checked around midnight in a zone ahead of UTC (Bucharest) and one
// behind it (New York), where the server's UTC date would be wrong.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  daysBetween,
  formatDay,
  formatInstant,
  formatClockIn,
  formatInstantIn,
  formatLongDay,
  formatMonth,
  isIsoDate,
  isValidTimeZone,
  isWeekend,
  localDate,
  organisationTimeZone,
  organisationToday,
  rampDayLabel,
} from '#domain/calendar.ts';
import { actionContext } from '#server/request/context.ts';

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2026-13-01', false],
    ['2025-13-01', false],
    ['2025-04-31', false],
    ['2026-1-1', false],
    ['2025-4-3', false],
    ['', false],
    [20260101, false],
    [20250101, false],
  ])('knows real dates from look-alikes: %j is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });

  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('adds days across months, years and leap days: %s %i -> %s', (from, days, expected) => {
    expect(addDays(from, days)).toBe(expected);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2023-03-31', 11, '2024-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 36, '2027-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-11-15', 2, '2026-01-15'],
    ['2026-01-15', -2, '2025-11-15'],
    ['2026-11-15', -12, '2025-11-15'],
    ['2025-05-10', 60, '2030-05-10'],
  ])('adds months clamped to the end of the month, leap days included: %s %i -> %s', (from, months, expected) => {
    expect(addMonths(from, months)).toBe(expected);
  });

  it.each([
    ['2026-11-02', '2026-12-02', 30],
    ['2026-12-02', '2026-11-02', -30],
    ['2024-02-28', '2024-03-01', 2],
    ['2025-02-28', '2025-03-01', 1],
    ['2026-01-10', '2026-01-01', -9],
  ])('counts days in either direction: %s to %s is %i', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it('addDays undoes daysBetween', () => {
    const day = fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: -5000, max: 5000 }), (from, n) => {
        expect(daysBetween(from, addDays(from, n))).toBe(n);
      }),
    );
  });

  it('refuses to compute with something that is not a date', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('yesterday', '2026-01-01')).toThrow(RangeError);
  });

  it('knows weekends', () => {
    expect(isWeekend('2026-12-05')).toBe(true); // Saturday
    expect(isWeekend('2026-12-07')).toBe(false); // Monday
  });
});

describe("today is the organisation's date", () => {
  // 22:30 UTC on 1 December is already 2 December in Bucharest (UTC+2 in winter).
  const lateEvening = new Date('2026-12-01T22:30:00Z');
  // 03:30 UTC on 2 December is still 1 December in New York (UTC-5).
  const earlyMorning = new Date('2026-12-02T03:30:00Z');

  it('in a zone ahead of UTC, just after local midnight', () => {
    expect(organisationToday(lateEvening, 'Europe/Bucharest')).toBe('2026-12-02');
    expect(organisationToday(lateEvening, 'UTC')).toBe('2026-12-01');
    // One second before local midnight it is still the 1st.
    expect(organisationToday(new Date('2026-12-01T21:59:59Z'), 'Europe/Bucharest')).toBe('2026-12-01');
    expect(organisationToday(new Date('2026-12-01T22:00:00Z'), 'Europe/Bucharest')).toBe('2026-12-02');
  });

  it('in a zone behind UTC, just before local midnight', () => {
    expect(organisationToday(earlyMorning, 'America/New_York')).toBe('2026-12-01');
    expect(organisationToday(earlyMorning, 'UTC')).toBe('2026-12-02');
    expect(organisationToday(new Date('2026-12-02T04:59:59Z'), 'America/New_York')).toBe('2026-12-01');
    expect(organisationToday(new Date('2026-12-02T05:00:00Z'), 'America/New_York')).toBe('2026-12-02');
  });

  it('follows daylight saving time (Bucharest is UTC+3 in summer)', () => {
    expect(localDate(new Date('2026-07-01T21:30:00Z'), 'Europe/Bucharest')).toBe('2026-07-02');
    expect(localDate(new Date('2026-01-01T21:30:00Z'), 'Europe/Bucharest')).toBe('2026-01-01');
  });

  it('takes "today" in the organisation time zone: one instant near midnight is two dates', () => {
    const instant = new Date('2026-03-01T23:30:00Z');
    expect(localDate(instant, 'UTC')).toBe('2026-03-01');
    expect(localDate(instant, 'Europe/Bucharest')).toBe('2026-03-02');
    expect(localDate(instant, 'America/New_York')).toBe('2026-03-01');
    const early = new Date('2026-03-02T03:00:00Z');
    expect(localDate(early, 'America/Los_Angeles')).toBe('2026-03-01');
    expect(localDate(early, 'Asia/Tokyo')).toBe('2026-03-02');
    // Leap day exists locally even when UTC has already moved on.
    expect(localDate(new Date('2028-03-01T02:00:00Z'), 'America/Chicago')).toBe('2028-02-29');
  });

  it('validates time zone names', () => {
    expect(isValidTimeZone('Europe/Bucharest')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('falls back to UTC for an unset or unknown zone', () => {
    expect(organisationTimeZone(undefined)).toBe('UTC');
    expect(organisationTimeZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(isValidTimeZone('Europe/Bucharest')).toBe(true);
    expect(isValidTimeZone('')).toBe(false);
    expect(organisationToday(lateEvening, null)).toBe('2026-12-01');
  });

  it('is what every action sees: actionContext puts the organisation date on the context', () => {
    const actor = { id: 1, orgId: 1, role: 'member' as const, active: true };
    const ctx = actionContext({ clientAddress: '203.0.113.1' }, { ...actor, timeZone: 'Europe/Bucharest' }, lateEvening);
    expect(ctx).toMatchObject({ now: lateEvening, today: '2026-12-02', ip: '203.0.113.1' });
    expect(actionContext({ clientAddress: '' }, { ...actor, timeZone: 'America/New_York' }, earlyMorning).today).toBe('2026-12-01');
  });

  it('moves a new hire to the next ramp day at the organisation’s midnight, not at UTC’s', () => {
    const start = '2026-11-12';
    expect(rampDayLabel(start, organisationToday(lateEvening, 'Europe/Bucharest'))).toBe('Day 21 of 90');
    expect(rampDayLabel(start, organisationToday(lateEvening, 'UTC'))).toBe('Day 20 of 90');
    expect(rampDayLabel(start, '2026-11-11')).toBeNull();
    expect(rampDayLabel(null, '2026-11-11')).toBeNull();
  });
});

describe('formatting', () => {
  it('writes calendar dates without shifting them by a time zone', () => {
    expect(formatDay('2026-11-02')).toBe('Nov 2, 2026');
    expect(formatDay(null)).toBe('Not set');
    expect(formatLongDay('2026-11-07')).toBe('Sat, Nov 7, 2026');
    expect(formatMonth('2026-11')).toBe('Nov 2026');
  });

  it('writes instants in UTC and says so', () => {
    expect(formatInstant(new Date('2026-11-02T09:05:00Z'))).toBe('Nov 2, 2026, 9:05 AM UTC');
  });

  it("writes an instant on the organisation's clock and names the zone, across a date line", () => {
    const lateUtc = new Date('2026-11-02T23:30:00Z');
    expect(formatInstantIn(lateUtc, 'Europe/Bucharest')).toBe('Nov 3, 2026, 1:30 AM (Europe/Bucharest)');
    expect(formatInstantIn(lateUtc, 'America/New_York')).toBe('Nov 2, 2026, 6:30 PM (America/New_York)');
    expect(formatInstantIn(lateUtc, 'Not/AZone')).toBe('Nov 2, 2026, 11:30 PM (UTC)');
  });

  it('writes the same clock without the zone, for lists that name it once', () => {
    const lateUtc = new Date('2026-11-02T23:30:00Z');
    expect(formatClockIn(lateUtc, 'Europe/Bucharest')).toBe('Nov 3, 2026, 1:30 AM');
    expect(formatClockIn(lateUtc, 'Not/AZone')).toBe('Nov 2, 2026, 11:30 PM');
  });
});
