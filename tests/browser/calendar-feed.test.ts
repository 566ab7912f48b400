// Calendar feeds from the running server, read by the parsers calendar
// applications are built on: Mozilla's ical.js, node-ical and python's
// icalendar (python3-icalendar from apt, run as a process). Checked: every
// parser accepts the feed (one with no events too), UIDs take PUBLIC_URL's host
// whatever Host the request names, every physical line is at most 75 octets,
// names are escaped, reminder and expiry events carry a display alarm, and a
// repeat fetch of an unchanged feed is a 304 that a change ends.
// Fixtures live in a scratch organisation, with names in Romanian (two-octet
// letters), an emoji (four octets) and iCalendar's special characters.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import nodeIcal, { type VEvent } from 'node-ical';
import { baseUrl, createOrganisation, createPerson, serverDatabase, Visitor } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, rampPlans, rampTasks, teams } from '#server/db/schema.ts';
import { addDays, localDate } from '#domain/calendar.ts';
import { DEFAULT_LEAD_DAYS } from '#domain/certifications.ts';

// The interpreter apt's python3-icalendar is installed for (a pyenv python3 earlier on PATH would not have it).
const PYTHON = '/usr/bin/python3';
const NAME = 'Ștefania Țăranu-Bălănescu; Nopți, Ture \\ 🎓';
const TEAM = 'Operațiuni de noapte; Sud, Vest 📦';

let database: Database;
let org: Awaited<ReturnType<typeof createOrganisation>>;
let memberToken: string;
let managerToken: string;
let emptyToken: string;
let recordId: number;
let rampTaskId: number;
const RAMP_TASK = 'Tură de noapte; cu Ana, la rampa \\ 🚚';
const today = localDate(new Date(), 'UTC');
const expiresOn = addDays(today, 200);
const planStart = addDays(today, -5);

/** Signs in and creates a feed token as the page's form does; returns the token. */
async function feedToken(email: string, password: string): Promise<string> {
  const visitor = await new Visitor().signIn(email, password);
  const res = await visitor.post('/app/certifications/me/', { intent: 'feed-create' });
  const token = /\/calendar\/([a-z2-7]{24}-[a-z2-7]{24})\.ics/.exec(await res.text())?.[1];
  if (!token) throw new Error(`no feed token (${res.status})`);
  return token;
}

type Fetched = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A request with exactly these headers (fetch will not send another Host). */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(baseUrl() + path, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const get = (path: string, headers: Record<string, string> = {}) => send('GET', path, headers);

const header = (f: Fetched, name: string) => String(f.headers[name.toLowerCase()] ?? '');

type Parsed = {
  calendarName: string;
  events: { uid: string; summary: string; start: string; alarms: { action: string; trigger: number }[] }[];
};

// ical.js has no design for RFC 7986's calendar properties (or X-WR-CALNAME)
// and reads properties it has none for as raw text; told that they are TEXT,
// as RFC 7986 defines NAME, it unescapes them like any other.
for (const name of ['name', 'x-wr-calname']) ICAL.design.icalendar.property[name] = { defaultType: 'text' };

function parseWithIcalJs(text: string): Parsed {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    calendarName: String(calendar.getFirstPropertyValue('name')),
    events: calendar.getAllSubcomponents('vevent').map((e) => ({
      uid: String(e.getFirstPropertyValue('uid')),
      summary: String(e.getFirstPropertyValue('summary')),
      start: String(e.getFirstPropertyValue('dtstart')),
      alarms: e.getAllSubcomponents('valarm').map((a) => ({
        action: String(a.getFirstPropertyValue('action')),
        trigger: (a.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds(),
      })),
    })),
  };
}

function parseWithNodeIcal(text: string): Parsed {
  const data = nodeIcal.sync.parseICS(text);
  const events = Object.values(data).filter((c) => c?.type === 'VEVENT') as VEvent[];
  const vcalendar = (data.vcalendar ?? {}) as Record<string, unknown>;
  return {
    calendarName: String(vcalendar['WR-CALNAME'] ?? ''),
    events: events.map((e) => ({
      uid: e.uid,
      summary: String(e.summary),
      // An all-day start is a local midnight.
      start: [e.start.getFullYear(), e.start.getMonth() + 1, e.start.getDate()].map((n) => String(n).padStart(2, '0')).join('-'),
      alarms: ((e as unknown as { alarms?: { action: string; trigger: string }[] }).alarms ?? []).map((a) => ({
        action: a.action,
        trigger: ICAL.Duration.fromString(a.trigger).toSeconds(),
      })),
    })),
  };
}

const PYTHON_READER = `
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.buffer.read())
events = []
for e in cal.walk('VEVENT'):
    alarms = [{'action': str(a['ACTION']), 'trigger': int(a.decoded('TRIGGER').total_seconds())} for a in e.walk('VALARM')]
    events.append({'uid': str(e['UID']), 'summary': str(e['SUMMARY']), 'start': e.decoded('DTSTART').isoformat(), 'alarms': alarms})
print(json.dumps({'calendarName': str(cal['X-WR-CALNAME']), 'events': events}))
`;

function parseWithPython(text: string): Parsed {
  const run = spawnSync(PYTHON, ['-c', PYTHON_READER], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python icalendar refused the feed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Parsed;
}

const PARSERS = { 'ical.js': parseWithIcalJs, 'node-ical': parseWithNodeIcal, 'python icalendar': parseWithPython };

function expectWellFormed(text: string) {
  expect(text.endsWith('\r\n')).toBe(true);
  const lines = text.slice(0, -2).split('\r\n');
  for (const line of lines) {
    expect(line, line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
  }
  expect(lines.slice(0, 3)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', expect.stringMatching(/^PRODID:/)]);
  expect(text).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
  expect(text).toContain('\r\nX-PUBLISHED-TTL:PT1H\r\n');
}

const publicHost = () => new URL(baseUrl()).hostname;

beforeAll(async () => {
  database = serverDatabase();
  org = await createOrganisation(database, 'feeds');
  await database.db.update(teams).set({ name: TEAM }).where(eq(teams.id, org.team.id));
  const holder = await createPerson(database, { label: 'feeds-holder', orgId: org.orgId, teamId: org.team.id, displayName: NAME });
  const [record] = await database.db
    .insert(certificationRecords)
    .values({
      orgId: org.orgId,
      userId: holder.id,
      certificationId: 'pmi-pmp',
      status: 'earned',
      earnedOn: addDays(today, -100),
      expiresOn,
      expirySource: 'entered',
      createdBy: holder.id,
    })
    .returning();
  recordId = record!.id;
  // The holder's own ramp plan: its open task is in their feed, the done one is not.
  const [plan] = await database.db
    .insert(rampPlans)
    .values({
      orgId: org.orgId,
      userId: holder.id,
      templateRole: 'operations-assistant',
      title: 'First 90 days',
      phases: [],
      startDate: planStart,
      createdBy: org.manager.id,
    })
    .returning();
  const [open] = await database.db
    .insert(rampTasks)
    .values([
      { planId: plan!.id, phaseId: 'days-1-30', title: RAMP_TASK, owner: 'new-hire', dueDay: 12, position: 10 },
      {
        planId: plan!.id,
        phaseId: 'days-1-30',
        title: 'Already done',
        owner: 'new-hire',
        dueDay: 3,
        position: 20,
        doneAt: new Date(),
        doneBy: holder.id,
      },
    ])
    .returning();
  rampTaskId = open!.id;
  memberToken = await feedToken(holder.email, holder.password);
  managerToken = await feedToken(org.manager.email, org.manager.password);
  emptyToken = await feedToken(org.admin.email, org.admin.password);
});
afterAll(() => database?.close());

describe('calendar feeds read by ical.js, node-ical and python icalendar', () => {
  it.each(Object.entries(PARSERS))("%s: the holder's open ramp plan tasks on their due dates, alarmed at 09:00", async (_, parse) => {
    const res = await get(`/calendar/${memberToken}.ics`);
    expect(res.status).toBe(200);
    expectWellFormed(res.body);
    const ramp = parse(res.body).events.filter((e) => e.uid.startsWith('ramp-'));
    expect(ramp.map((e) => ({ start: e.start.slice(0, 10), summary: e.summary, uid: e.uid, alarms: e.alarms }))).toEqual([
      {
        start: addDays(planStart, 11),
        summary: `Ramp plan: ${RAMP_TASK}`,
        uid: `ramp-task-${rampTaskId}@${publicHost()}`,
        alarms: [{ action: 'DISPLAY', trigger: 9 * 3600 }],
      },
    ]);
    // A team feed is about certifications only: nobody's ramp plan appears in it.
    const team = await get(`/calendar/${managerToken}.ics?team=${org.team.id}`);
    expect(team.body).not.toContain('ramp-task-');
  });

  it.each(Object.entries(PARSERS))(
    "%s: the holder's feed, with UIDs on PUBLIC_URL's host under another Host, escaped names and alarms",
    async (_, parse) => {
      const res = await get(`/calendar/${memberToken}.ics`, { host: 'alias.opspath.test' });
      expect(res.status).toBe(200);
      expect(header(res, 'content-type')).toBe('text/calendar; charset=utf-8');
      expectWellFormed(res.body);
      const parsed = parse(res.body);
      expect(parsed.calendarName).toBe(`Certifications: ${NAME}`);
      const expected = [
        ...DEFAULT_LEAD_DAYS.map((lead) => ({
          start: addDays(expiresOn, -lead),
          summary: `PMP expires in ${lead} days`,
          trigger: 9 * 3600,
        })),
        { start: expiresOn, summary: 'PMP expires', trigger: -15 * 3600 },
      ];
      expect(
        parsed.events
          .filter((e) => e.uid.startsWith('cert-'))
          .map((e) => ({ start: e.start.slice(0, 10), summary: e.summary, uid: e.uid, alarms: e.alarms }))
          .sort((a, b) => a.start.localeCompare(b.start)),
      ).toEqual(
        expected
          .sort((a, b) => a.start.localeCompare(b.start))
          .map((e) => ({
            start: e.start,
            summary: e.summary,
            uid: expect.stringMatching(new RegExp(`^cert-${recordId}-(expiry|reminder-[0-9-]+)@${publicHost().replaceAll('.', '\\.')}$`)),
            alarms: [{ action: 'DISPLAY', trigger: e.trigger }],
          })),
      );
    },
  );

  it.each(Object.entries(PARSERS))(
    "%s: a manager's team feed, folded by octets, with the holder's name in every event",
    async (_, parse) => {
      const res = await get(`/calendar/${managerToken}.ics?team=${org.team.id}`);
      expect(res.status).toBe(200);
      expectWellFormed(res.body);
      // The summaries with the holder's name are longer than a line: folding is exercised, not assumed.
      expect(res.body).toMatch(/\r\n [^\r\n]/);
      const parsed = parse(res.body);
      expect(parsed.calendarName).toBe(`Certifications: ${TEAM}`);
      expect(parsed.events).toHaveLength(DEFAULT_LEAD_DAYS.length + 1);
      for (const e of parsed.events) {
        expect(e.summary.startsWith(`${NAME}: PMP expires`)).toBe(true);
        expect(e.alarms).toHaveLength(1);
      }
    },
  );

  it.each(Object.entries(PARSERS))('%s: a feed with no events is a valid, empty calendar', async (_, parse) => {
    const res = await get(`/calendar/${emptyToken}.ics`);
    expect(res.status).toBe(200);
    expectWellFormed(res.body);
    expect(res.body).not.toContain('BEGIN:VEVENT');
    const parsed = parse(res.body);
    expect(parsed.events).toEqual([]);
    expect(parsed.calendarName).toMatch(/^Certifications: /);
  });
});

describe('the subscription address', () => {
  it('is on PUBLIC_URL when the page is asked under another Host', async () => {
    const person = await createPerson(database, { label: 'feeds-alias', orgId: org.orgId, teamId: org.team.id });
    const visitor = await new Visitor().signIn(person.email, person.password);
    const alias = 'http://alias.opspath.test';
    const res = await send(
      'POST',
      '/app/certifications/me/',
      { host: 'alias.opspath.test', origin: alias, cookie: visitor.cookie!, 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ intent: 'feed-create' }).toString(),
    );
    expect(res.status).toBe(200);
    const shown = /<code class="secret" data-feed="me"[^>]*>\s*([^<\s]+)\s*<\/code>/.exec(res.body)?.[1];
    expect(shown).toMatch(new RegExp(`^${baseUrl().replaceAll('.', '\\.')}/calendar/[a-z2-7]{24}-[a-z2-7]{24}\\.ics$`));
    expect(res.body).not.toContain(`${alias}/calendar/`);
  });
});

describe('calendar feed caching', () => {
  it('is the same feed under every Host, answers 304 to its ETag or Last-Modified, and 200 once the data changes', async () => {
    const path = `/calendar/${memberToken}.ics`;
    const first = await get(path);
    const second = await get(path, { host: 'other.opspath.test' });
    expect(second.body).toBe(first.body);
    const etag = header(first, 'etag');
    const lastModified = header(first, 'last-modified');
    expect(etag).toMatch(/^W\/"[a-z2-7]+"$/);
    expect(header(second, 'etag')).toBe(etag);
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    expect(header(first, 'cache-control')).toBe('private, no-cache');
    // REFRESH-INTERVAL says VALUE=DURATION, so even ical.js, which has no design for it, reads a duration.
    const refresh = new ICAL.Component(ICAL.parse(first.body)).getFirstProperty('refresh-interval')!;
    expect(refresh.type).toBe('duration');
    expect((refresh.getFirstValue() as ICAL.Duration).toSeconds()).toBe(3600);

    const byTag = await get(path, { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body).toBe('');
    expect(header(byTag, 'etag')).toBe(etag);
    expect(header(byTag, 'last-modified')).toBe(lastModified);
    expect((await get(path, { 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await get(path, { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get(path, { 'if-none-match': '"other"', 'if-modified-since': lastModified })).status).toBe(200);

    // A change to the record (a later expiry) is a new feed: new ETag, later Last-Modified.
    const changedAt = new Date(Date.parse(lastModified) + 2000);
    await database.db
      .update(certificationRecords)
      .set({ expiresOn: addDays(expiresOn, 1), updatedAt: changedAt })
      .where(eq(certificationRecords.id, recordId));
    try {
      const changed = await get(path, { 'if-none-match': etag, 'if-modified-since': lastModified });
      expect(changed.status).toBe(200);
      expect(header(changed, 'etag')).not.toBe(etag);
      expect(Date.parse(header(changed, 'last-modified'))).toBe(Math.floor(changedAt.getTime() / 1000) * 1000);
      expect((await get(path, { 'if-modified-since': lastModified })).status).toBe(200);
    } finally {
      await database.db.update(certificationRecords).set({ expiresOn }).where(eq(certificationRecords.id, recordId));
    }
  });
});
