// The iCalendar writer: folding by UTF-8 octets, TEXT escaping, stable output
// and a valid calendar with no events.
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, utcDateTime, writeCalendar, type IcalCalendar, type IcalEvent } from '#domain/ical.ts';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');
const physicalLines = (text: string) => text.split('\r\n');
const unfold = (text: string) => text.replace(/\r\n /g, '');

const event = (over: Partial<IcalEvent> = {}): IcalEvent => ({
  uid: 'cert-1-expiry@opspath.test',
  date: '2027-03-01',
  summary: 'PMP expires',
  created: new Date('2026-01-02T03:04:05.678Z'),
  lastModified: new Date('2026-02-03T04:05:06Z'),
  transparent: true,
  ...over,
});
const calendar = (over: Partial<IcalCalendar> = {}): IcalCalendar => ({
  prodId: '-//OpsPath//Test//EN',
  name: 'Certifications: Ana',
  refreshInterval: 'PT1H',
  events: [event()],
  ...over,
});

describe('foldLine', () => {
  it('leaves a line of 75 octets alone and folds one of 76', () => {
    expect(foldLine('X'.repeat(75))).toBe('X'.repeat(75));
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
  });

  it('counts octets, not characters: Romanian diacritics take two each', () => {
    // 68 characters but 128 octets: folding by characters would leave it on one line.
    const line = `SUMMARY:${'ăîșțâ'.repeat(10)}ȘȚĂÎÂ${'ș'.repeat(5)}`;
    const folded = foldLine(line);
    expect(folded).not.toBe(line);
    for (const l of physicalLines(folded)) expect(octets(l)).toBeLessThanOrEqual(75);
    expect(unfold(folded)).toBe(line);
  });

  it('never splits a multi-byte character, emoji included, at any offset', () => {
    for (let pad = 0; pad < 8; pad++) {
      const line = `DESCRIPTION:${'x'.repeat(pad)}${'🎓ș€'.repeat(40)}`;
      const folded = foldLine(line);
      const lines = physicalLines(folded);
      expect(lines.length).toBeGreaterThan(1);
      for (const [i, l] of lines.entries()) {
        expect(octets(l)).toBeLessThanOrEqual(75);
        if (i > 0) expect(l.startsWith(' ')).toBe(true);
        // A split code point would leave a lone surrogate, which UTF-8 cannot encode.
        expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l);
        expect(l).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }
      expect(unfold(folded)).toBe(line);
    }
  });
});

describe('escapeText', () => {
  it('escapes backslash, semicolon, comma and every kind of line break', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
  });

  it('drops control characters TEXT may not hold, keeping tabs', () => {
    expect(escapeText('a\u0000b\u001bc\u007fd\te')).toBe('abcd\te');
  });
});

describe('writeCalendar', () => {
  it('escapes the calendar name and every TEXT value, and ends each line with CRLF', () => {
    const text = writeCalendar(
      calendar({
        name: 'Certifications: Ops; Night, shift\\B\nTeam',
        events: [event({ summary: 'A; b, c', description: 'line 1\nline 2', categories: ['x,y', 'z'] })],
      }),
    );
    expect(text).toContain('\r\nNAME:Certifications: Ops\\; Night\\, shift\\\\B\\nTeam\r\n');
    expect(text).toContain('\r\nX-WR-CALNAME:Certifications: Ops\\; Night\\, shift\\\\B\\nTeam\r\n');
    expect(text).toContain('\r\nSUMMARY:A\\; b\\, c\r\n');
    expect(text).toContain('\r\nDESCRIPTION:line 1\\nline 2\r\n');
    expect(text).toContain('\r\nCATEGORIES:x\\,y,z\r\n');
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes all-day events with data-derived stamps, alarms and refresh hints', () => {
    const text = unfold(
      writeCalendar(calendar({ events: [event({ alarms: [{ trigger: '-PT15H', description: 'Tomorrow: PMP expires' }] })] })),
    );
    expect(text).toContain('DTSTART;VALUE=DATE:20270301\r\nDTEND;VALUE=DATE:20270302\r\n');
    expect(text).toContain('DTSTAMP:20260203T040506Z\r\n');
    expect(text).toContain('CREATED:20260102T030405Z\r\n');
    expect(text).toContain('LAST-MODIFIED:20260203T040506Z\r\n');
    expect(text).toContain('TRANSP:TRANSPARENT\r\n');
    expect(text).toContain('BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Tomorrow: PMP expires\r\nTRIGGER:-PT15H\r\nEND:VALARM\r\n');
    expect(text).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n');
    // No METHOD: DTSTAMP then means "last revised", which is what the data says.
    expect(text).not.toContain('METHOD:');
  });

  it('gives the same bytes for the same data', () => {
    expect(writeCalendar(calendar())).toBe(writeCalendar(calendar()));
  });

  it('writes a valid calendar with no events: VERSION, PRODID and one component', () => {
    const text = writeCalendar(calendar({ events: [] }));
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:-\/\/OpsPath\/\/Test\/\/EN\r\n/);
    expect(text).not.toContain('BEGIN:VEVENT');
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:UTC\r\n');
    expect(text.endsWith('END:VTIMEZONE\r\nEND:VCALENDAR\r\n')).toBe(true);
    expect(writeCalendar(calendar())).not.toContain('VTIMEZONE');
  });

  it('folds every line of a feed full of long Romanian and emoji text at 75 octets', () => {
    const long = 'Certificarea „Managementul proiectelor” a lui Ștefan Țăranu expiră 🎓📅 în curând; reînnoiți-o.';
    const text = writeCalendar(calendar({ name: long, events: [event({ summary: long, description: long.repeat(3) })] }));
    for (const l of physicalLines(text)) expect(octets(l)).toBeLessThanOrEqual(75);
    expect(unfold(text)).toContain(`SUMMARY:${escapeText(long)}\r\n`);
  });
});

describe('utcDateTime', () => {
  it('writes UTC without milliseconds', () => {
    expect(utcDateTime(new Date('2026-12-02T09:30:00.999Z'))).toBe('20261202T093000Z');
  });
});
