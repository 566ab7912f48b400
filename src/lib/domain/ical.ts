// iCalendar (RFC 5545, with RFC 7986's calendar properties) for the feeds a
// calendar application subscribes to: all-day events with display alarms.
// Written here rather than by a library because what the clients need is
// exact bytes: folding at 75 octets of UTF-8 (never inside a character),
// CRLF, escaped TEXT, and output that depends only on its input, so a feed
// fetched twice is byte-identical and its ETag can be a hash of it.
import { addDays, type IsoDate } from './calendar.ts';

/** A display alarm; `trigger` is a duration relative to the event's start, e.g. `-PT15H` or `PT9H`. */
export type IcalAlarm = { trigger: string; description: string };

export type IcalEvent = {
  /** Globally unique and stable: the same event keeps it across fetches, hosts and aliases. */
  uid: string;
  /** An all-day event on this date (DTEND is the exclusive next day). */
  date: IsoDate;
  summary: string;
  description?: string;
  categories?: readonly string[];
  /** When the data behind the event was created and last changed (DTSTAMP is the latter: the feed has no METHOD). */
  created: Date;
  lastModified: Date;
  /** TRANSPARENT: the event does not make its day busy for scheduling. */
  transparent: boolean;
  url?: string;
  alarms?: readonly IcalAlarm[];
};

export type IcalCalendar = {
  prodId: string;
  name: string;
  description?: string;
  /** How often a subscriber should fetch again, as a duration, e.g. `PT1H` (REFRESH-INTERVAL and X-PUBLISHED-TTL). */
  refreshInterval: string;
  url?: string;
  events: readonly IcalEvent[];
};

const CRLF = '\r\n';
const MAX_OCTETS = 75;
const encoder = new TextEncoder();
const octets = (s: string) => encoder.encode(s).length;

/**
 * Folds one content line (RFC 5545 3.1): no physical line is longer than 75
 * octets, continuation lines start with one space, and a multi-byte character
 * is never split. Code points, not grapheme clusters, are the unit: unfolding
 * joins the lines again, so splitting between the parts of an emoji sequence
 * changes nothing, while splitting inside a UTF-8 sequence breaks decoders.
 */
export function foldLine(line: string): string {
  if (octets(line) <= MAX_OCTETS) return line;
  const lines: string[] = [];
  let current = '';
  let size = 0;
  for (const char of line) {
    const n = octets(char);
    // Continuation lines carry the leading space, so they hold one octet less.
    const limit = lines.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (size + n > limit) {
      lines.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += n;
  }
  lines.push(current);
  return lines.join(`${CRLF} `);
}

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks
 * escaped; other control characters, which TEXT may not hold, dropped.
 */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // eslint-disable-next-line no-control-regex -- exactly the characters TEXT excludes (HTAB is allowed)
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  );
}

/** A UTC DATE-TIME, e.g. 20261202T093000Z (milliseconds dropped). */
export function utcDateTime(instant: Date): string {
  return instant
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

const icalDate = (date: IsoDate) => date.replace(/-/g, '');

/** A URI value is not TEXT: nothing is escaped, but it must not break the line. */
const uri = (value: string) => value.replace(/[\r\n]/g, '');

function eventLines(event: IcalEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utcDateTime(event.lastModified)}`,
    `CREATED:${utcDateTime(event.created)}`,
    `LAST-MODIFIED:${utcDateTime(event.lastModified)}`,
    `DTSTART;VALUE=DATE:${icalDate(event.date)}`,
    `DTEND;VALUE=DATE:${icalDate(addDays(event.date, 1))}`,
    `SUMMARY:${escapeText(event.summary)}`,
  ];
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.categories?.length) lines.push(`CATEGORIES:${event.categories.map(escapeText).join(',')}`);
  if (event.url) lines.push(`URL:${uri(event.url)}`);
  lines.push(`TRANSP:${event.transparent ? 'TRANSPARENT' : 'OPAQUE'}`);
  for (const alarm of event.alarms ?? []) {
    lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(alarm.description)}`, `TRIGGER:${alarm.trigger}`, 'END:VALARM');
  }
  lines.push('END:VEVENT');
  return lines;
}

/**
 * RFC 5545's grammar asks for at least one component in a calendar. A feed
 * with no events holds this one: UTC as a time zone, which no event refers to
 * and every client knows, so the calendar is valid and shows nothing.
 */
const EMPTY_CALENDAR_COMPONENT = [
  'BEGIN:VTIMEZONE',
  'TZID:UTC',
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0000',
  'TZNAME:UTC',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** The whole calendar object, CRLF after every line (the last one included). */
export function writeCalendar(calendar: IcalCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(calendar.prodId)}`,
    'CALSCALE:GREGORIAN',
    `NAME:${escapeText(calendar.name)}`,
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
  ];
  if (calendar.description)
    lines.push(`DESCRIPTION:${escapeText(calendar.description)}`, `X-WR-CALDESC:${escapeText(calendar.description)}`);
  if (calendar.url) lines.push(`URL:${uri(calendar.url)}`);
  lines.push(`REFRESH-INTERVAL;VALUE=DURATION:${calendar.refreshInterval}`, `X-PUBLISHED-TTL:${calendar.refreshInterval}`);
  if (calendar.events.length === 0) lines.push(...EMPTY_CALENDAR_COMPONENT);
  for (const event of calendar.events) lines.push(...eventLines(event));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
