// Details of the app pages that read wrong to real users (issue 13, "Smaller"),
// against the built server over HTTP: a plan that has not started speaks of
// the future and its "Add a task" form starts with an owner; an expired
// certificate reads as expired, not as an early reminder; a renewal starts
// with the credential id; date pickers carry no YYYY-MM-DD hint; and a
// refusal's status line carries its own reason phrase (not "400 OK").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { baseUrl, createPerson, serverDatabase, signedIn, type Visitor } from '../support/app.ts';
import type { Database } from '#server/db/client.ts';
import { certificationRecords, rampPlans, users } from '#server/db/schema.ts';
import { addDays, organisationToday } from '#domain/calendar.ts';
import { DEMO_TIME_ZONE } from '#server/demo/index.ts';

const base = baseUrl();
let database: Database;
let manager: Visitor;

beforeAll(async () => {
  database = serverDatabase();
  manager = await signedIn('manager@demo.opspath.test');
});
afterAll(() => database?.close());

/** The status line exactly as the server writes it (fetch hides the reason phrase's origin). */
function statusLine(method: string, path: string, headers: Record<string, string>, body = ''): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      const lines = [`${method} ${path} HTTP/1.1`, `Host: ${url.host}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('end', () => resolve(out.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

describe('a plan that starts in the future', () => {
  it('says when it starts, and a new task is the new hire’s unless changed', async () => {
    const person = await createPerson(database, { label: 'future-plan', team: 'Warehouse Operations' });
    const today = organisationToday(new Date(), DEMO_TIME_ZONE);
    const start = addDays(today, 10);
    const started = await manager.post('/app/ramp/', { intent: 'start', personId: String(person.id), templateRole: '', startDate: start });
    expect(started.status).toBe(303);
    const [plan] = await database.db.select().from(rampPlans).where(eq(rampPlans.userId, person.id));
    const html = await (await manager.get(`/app/ramp/${plan!.id}/`)).text();
    expect(html).toMatch(/data-testid="plan-start"[^>]*>· Starts on /);
    expect(html).not.toContain('Day 1 was');
    const owner = html.slice(html.indexOf('id="add-owner"'), html.indexOf('</select>', html.indexOf('id="add-owner"')));
    expect(owner).toMatch(/<option value="new-hire" selected>New hire<\/option>/);
  });
});

describe('certifications', () => {
  it('an expired certificate’s reminder says it expired, not that an early reminder is due', async () => {
    const html = await (await manager.get('/app/certifications/reminders')).text();
    const expired = [...html.matchAll(/data-testid="reminder-when"[^>]*>(.*?)<\/p>/gs)]
      .map((m) => m[1]!)
      .filter((t) => t.includes('Expired'));
    expect(expired.length).toBeGreaterThan(0);
    for (const text of expired) {
      expect(text).toContain('It is no longer valid');
      expect(text).not.toMatch(/-day reminder/);
    }
  });

  it('the renewal form starts with the current credential id', async () => {
    const [tom] = await database.db.select().from(users).where(eq(users.email, 'tom.becker@demo.opspath.test'));
    // Tom's CAPM (a 3-year certification, so it has a renewal form) carries a credential id in the demo.
    const [record] = await database.db
      .select()
      .from(certificationRecords)
      .where(and(eq(certificationRecords.userId, tom!.id), eq(certificationRecords.certificationId, 'pmi-capm')));
    const credential = record!.credentialId!;
    expect(credential).toBeTruthy();
    const visitor = await signedIn(tom!.email);
    const html = await (await visitor.get('/app/certifications/me/')).text();
    expect(html).toMatch(
      new RegExp(
        `id="renew-${record!.id}-credentialId"[^>]*value="${credential}"|value="${credential}"[^>]*id="renew-${record!.id}-credentialId"`,
      ),
    );
  });
});

describe('date pickers', () => {
  it.each(['/app/team/', '/app/ramp/', '/app/certifications/me/'])('%s: no date field hints at a typed format', async (path) => {
    const html = await (await manager.get(path)).text();
    const fields = [...html.matchAll(/<div class="field[^"]*">(?:(?!<\/div>).)*?type="date"(?:(?!<\/div>).)*<\/div>/gs)].map((m) => m[0]);
    expect(fields.length, path).toBeGreaterThan(0);
    for (const field of fields) expect(field).not.toMatch(/YYYY|MM\/DD|DD\/MM/);
  });
});

describe('status lines', () => {
  it('carry the reason phrase of their status', async () => {
    const form = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: base };
    expect(await statusLine('POST', '/login', form, 'email=&password=')).toBe('HTTP/1.1 400 Bad Request');
    const cookie = { Cookie: manager.cookie! };
    const plan = (await database.db.select().from(rampPlans).limit(1))[0]!;
    expect(await statusLine('POST', `/app/ramp/${plan.id}/`, { ...form, ...cookie }, 'intent=add&title=&dueDay=5')).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    const json = { 'Content-Type': 'application/json', Origin: base, ...cookie };
    expect(await statusLine('POST', '/app/ramp/tasks/1/done', json, '{}')).toBe('HTTP/1.1 400 Bad Request');
    expect(await statusLine('GET', '/app/team/999999/', cookie)).toBe('HTTP/1.1 404 Not Found');
  });
});
