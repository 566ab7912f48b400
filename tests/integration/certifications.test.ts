// The certification tracker against a real migrated database holding the demo
// organisation (and a second organisation, to prove nobody reaches across):
// the demo data, every action and view as member, manager of another team,
// manager, admin and a foreign admin with tampered ids (a denied action
// changes nothing, byte for byte), validation (nothing partial saved), the
// audit trail, and the calendar feed token.
// Anonymous requests to the pages and endpoints: tests/browser/certifications.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import { testContext } from '../support/context.ts';
import { expectUnchanged, tableSnapshot } from '../support/db-state.ts';
import { and, desc, eq, sql } from 'drizzle-orm';
import {
  auditLog,
  calendarFeedTokens,
  certificationRecords,
  certificationRemindersHandled,
  certificationRequirements,
  teamMemberships,
  teams,
  users,
} from '#server/db/schema.ts';
import type { Actor } from '#domain/access.ts';
import type { ActionContext } from '#server/request/context.ts';
import { findUserByEmail } from '#server/people/queries.ts';
import {
  addRecord,
  addRequirement,
  calendarFeed,
  complianceCsvRows,
  complianceMatrixView,
  createCalendarToken,
  dueRemindersFor,
  markReminderHandled,
  ownCertificationsView,
  removeRequirement,
  renewRecord,
  revokeCalendarToken,
  updateCertificationSettings,
  updateRecord,
} from '#server/certifications/index.ts';
import { listRecordsOf, loadCertificationSettings, loadComplianceMatrix } from '#server/certifications/queries.ts';
import { organisationToday } from '#domain/calendar.ts';
import { utcDateTime } from '#domain/ical.ts';
import { toCsv } from '#domain/csv.ts';
import { notFound, type Outcome } from '#server/outcome.ts';
import { createTestDatabase, seedDemo, seedOtherOrganisation, TEST_CATALOG, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
let content: CertificationContent;
const NOW = new Date('2026-11-22T09:00:00Z');
const TODAY = '2026-11-22';
/** The demo organisation's time zone: its "today" is the date there. */
const ORG_TIME_ZONE = 'Europe/Bucharest';

type Who = 'admin' | 'manager' | 'manager2' | 'tom' | 'nina' | 'ioana' | 'foreignAdmin';
const actors = {} as Record<Who, Actor & { jobRole: string | null; tier: string | null; displayName: string }>;
let warehouse: number;
let customer: number;
let foreignTeam: number;

const ctx = (who: Who, now = NOW): ActionContext =>
  testContext(actors[who], now, '203.0.113.9', who === 'foreignAdmin' ? 'UTC' : ORG_TIME_ZONE);

/** The value of a read that must succeed. */
function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(JSON.stringify(outcome));
  return outcome.value;
}

/** Runs a denied action and checks the status and that nothing changed. */
async function expectDenied(status: number, action: () => Promise<Outcome<unknown>>) {
  const before = await tableSnapshot(t);
  const result = await action();
  expect(result.ok).toBe(false);
  expect(result.ok ? 200 : result.status).toBe(status);
  await expectUnchanged(t, before);
  return result;
}

const recordsOf = (userId: number, certificationId?: string) =>
  t.db
    .select()
    .from(certificationRecords)
    .where(
      certificationId
        ? and(eq(certificationRecords.userId, userId), eq(certificationRecords.certificationId, certificationId))
        : eq(certificationRecords.userId, userId),
    )
    .orderBy(certificationRecords.id);

beforeAll(async () => {
  t = await createTestDatabase('certifications');
  content = loadCatalogsFromDisk().certifications;
  await seedDemo(t.db, NOW);
  const other = await seedOtherOrganisation(t.db, { now: NOW, passwordHash: 'x' });
  foreignTeam = other.team.id;
  const load = async (email: string) => {
    const u = (await findUserByEmail(t.db, email))!;
    return { id: u.id, orgId: u.orgId, role: u.role, active: u.active, jobRole: u.jobRole, tier: u.tier, displayName: u.displayName };
  };
  actors.admin = await load('admin@demo.opspath.test');
  actors.manager = await load('manager@demo.opspath.test');
  actors.manager2 = await load('manager2@demo.opspath.test');
  actors.tom = await load('tom.becker@demo.opspath.test');
  actors.nina = await load('newhire@demo.opspath.test');
  actors.ioana = await load('ioana.popescu@demo.opspath.test');
  actors.foreignAdmin = {
    id: other.admin.id,
    orgId: other.orgId,
    role: 'admin',
    active: true,
    jobRole: null,
    tier: null,
    displayName: 'Other Admin',
  };
  const all = await t.db.select().from(teams);
  warehouse = all.find((x) => x.name === 'Warehouse Operations')!.id;
  customer = all.find((x) => x.name === 'Customer Operations')!.id;
});
afterAll(() => t.cleanup());

describe('demo data', () => {
  it('shows every state in the warehouse team matrix (the benchmark entry point)', async () => {
    const m = await loadComplianceMatrix(t.db, warehouse, TODAY, content);
    const cell = (person: string, cert: string) => {
      const row = m.rows.find((r) => r.person.name === person)!;
      return row.cells.find((c) => c.certificationId === cert)!;
    };
    expect(cell('Tom Becker', 'pmi-capm')).toMatchObject({ state: 'expiring', daysLeft: 21 });
    expect(cell('Tom Becker', 'asq-cssyb').state).toBe('lifetime');
    expect(cell('Ioana Popescu', 'itil4-foundation')).toMatchObject({ state: 'valid', required: true });
    expect(cell('Ioana Popescu', 'ms-pl300').state).toBe('expired');
    expect(cell('Lena Fischer', 'lean-management').state).toBe('unknown-expiry');
    expect(cell('Nina Patel', 'excel-certification')).toMatchObject({ state: 'missing', required: true });
    expect(cell('Samuel Okafor', 'ascm-cscp').state).toBe('in-progress');
    expect(m.counts.expiring).toBeGreaterThanOrEqual(1);
    expect(m.timeline.find((x) => x.month === '2026-12')?.items.map((i) => i.personName)).toContain('Tom Becker');
  });

  it('keeps a renewal with its history and a required-but-planned certification as missing', async () => {
    const itil = await recordsOf(actors.ioana.id, 'itil4-foundation');
    expect(itil).toHaveLength(2);
    expect(itil[1]!.renewsRecordId).toBe(itil[0]!.id);
    const m = await loadComplianceMatrix(t.db, customer, TODAY, content);
    const jonas = m.rows.find((r) => r.person.name === 'Jonas Weber')!.cells.find((c) => c.certificationId === 'pmi-capm')!;
    expect(jonas).toMatchObject({ state: 'missing', plan: expect.objectContaining({ status: 'planned' }) });
  });

  it('sets the organisation time zone and default lead times', async () => {
    expect(await loadCertificationSettings(t.db, actors.admin.orgId)).toEqual({ leadDays: [90, 60, 30, 7], timeZone: 'Europe/Bucharest' });
  });
});

describe('compliance matrix access', () => {
  const params = (q = '') => new URLSearchParams(q);

  it('is refused to members (403)', async () => {
    const result = await complianceMatrixView(t.db, actors.tom, params(), content, TODAY);
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it('shows a manager only their own team; another team id is not found', async () => {
    const own = await complianceMatrixView(t.db, actors.manager, params(), content, TODAY);
    expect(own.ok && own.value.rows.every((r) => r.person.teamId === warehouse)).toBe(true);
    expect(own.ok && own.value.teams.map((x) => x.id)).toEqual([warehouse]);
    expect(await complianceMatrixView(t.db, actors.manager2, params(`team=${warehouse}`), content, TODAY)).toMatchObject({
      ok: false,
      status: 404,
    });
    const theirs = await complianceMatrixView(t.db, actors.manager2, params(), content, TODAY);
    expect(theirs.ok && theirs.value.rows.map((r) => r.person.name)).not.toContain('Tom Becker');
  });

  it('shows an admin every team; a foreign admin or a malformed team id gets 404', async () => {
    const all = await complianceMatrixView(t.db, actors.admin, params(), content, TODAY);
    expect(all.ok && new Set(all.value.rows.map((r) => r.person.teamId))).toEqual(new Set([warehouse, customer]));
    expect(await complianceMatrixView(t.db, actors.foreignAdmin, params(`team=${warehouse}`), content, TODAY)).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await complianceMatrixView(t.db, actors.admin, params(`team=${foreignTeam}`), content, TODAY)).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await complianceMatrixView(t.db, actors.admin, params('team=1%20or%201=1'), content, TODAY)).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it('filters by state and certification, and names ignored values', async () => {
    const result = await complianceMatrixView(t.db, actors.admin, params('state=expiring&state=bogus&certification=nope'), content, TODAY);
    if (!result.ok) throw new Error('expected ok');
    expect(result.value.rows.map((r) => r.person.name)).toContain('Tom Becker');
    expect(result.value.rows.every((r) => r.cells.some((c) => c.state === 'expiring'))).toBe(true);
    expect(result.value.ignored).toEqual(['state "bogus"', 'certification "nope"']);
    const pmp = await complianceMatrixView(t.db, actors.admin, params('certification=pmi-pmp'), content, TODAY);
    expect(pmp.ok && pmp.value.columns.map((c) => c.id)).toEqual(['pmi-pmp']);
  });

  it('exports CSV with formula injection neutralised', async () => {
    const [evil] = await t.db
      .insert(users)
      .values({
        orgId: actors.admin.orgId,
        email: 'evil@demo.opspath.test',
        displayName: '=HYPERLINK("http://x.test")',
        passwordHash: 'x',
        role: 'member',
        jobRole: 'operations-assistant',
        tier: actors.nina.tier,
      })
      .returning();
    await t.db.insert(teamMemberships).values({ teamId: warehouse, userId: evil!.id });
    const result = await complianceMatrixView(t.db, actors.manager, params(), content, TODAY);
    if (!result.ok) throw new Error('expected ok');
    const csv = toCsv(complianceCsvRows(result.value, (r, tier) => `${r}/${tier}`));
    expect(csv.split('\r\n')[0]).toBe('Person,Team,Role and tier,Certification,State,Required,Earned on,Expires on,Days left,Plan');
    expect(csv).toContain(`"'=HYPERLINK(""http://x.test"")"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv).toMatch(
      /Tom Becker,Warehouse Operations,.*,Certified Associate in Project Management,expiring,no,2023-12-13,2026-12-13,21,/,
    );
    await t.db.delete(teamMemberships).where(eq(teamMemberships.userId, evil!.id));
    await t.db.update(users).set({ active: false }).where(eq(users.id, evil!.id));
  });
});

describe('whole-organisation reads', () => {
  it('lists the records of more people than SQLite binds in one statement (an admin of 50,000)', async () => {
    const all = await t.db.select().from(certificationRecords).orderBy(certificationRecords.id);
    // Unknown ids pad the list past SQLite's 32,766-variable ceiling; the real holders sit at both ends.
    const holders = [...new Set(all.map((r) => r.userId))];
    const padded = [holders[0]!, ...Array.from({ length: 40_000 }, (_, i) => 1_000_000 + i), ...holders.slice(1)];
    const rows = await listRecordsOf(t.db, padded);
    expect(rows.map((r) => r.id)).toEqual(all.map((r) => r.id));
  });
});

describe('records', () => {
  const earnedPmp = {
    certificationId: 'pmi-pmp',
    status: 'earned',
    earnedOn: '2024-02-29',
    expiresOn: '',
    credentialId: ' 4455 ',
    verificationUrl: 'https://www.credly.com/badges/abc',
    note: '',
  };

  it('adds a record with the expiry computed from the catalog (leap day clamped) and audits it', async () => {
    const result = await addRecord(t.db, ctx('nina'), earnedPmp, content);
    if (!result.ok) throw new Error(JSON.stringify(result));
    expect(result.value).toMatchObject({
      userId: actors.nina.id,
      earnedOn: '2024-02-29',
      expiresOn: '2027-02-28',
      expirySource: 'computed',
      credentialId: '4455',
      note: null,
    });
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({ action: 'certification.record_added', actorUserId: actors.nina.id, targetId: String(result.value.id) });
  });

  it('stores no expiry for lifetime and unknown validity, and keeps an entered one', async () => {
    const gb = await addRecord(t.db, ctx('nina'), { certificationId: 'asq-cssgb', status: 'earned', earnedOn: '2025-01-10' }, content);
    expect(gb.ok && gb.value).toMatchObject({ expiresOn: null, expirySource: null });
    const lean = await addRecord(
      t.db,
      ctx('nina'),
      { certificationId: 'lean-management', status: 'earned', earnedOn: '2025-01-10', expiresOn: '2027-01-10' },
      content,
    );
    expect(lean.ok && lean.value).toMatchObject({ expiresOn: '2027-01-10', expirySource: 'entered' });
  });

  it.each([
    [
      'an earned date in the future (org time zone)',
      { ...earnedPmp, earnedOn: '2026-11-23' },
      'earnedOn',
      /cannot be in the future \(today is 2026-11-22\)/,
    ],
    ['an expiry before the earned date', { ...earnedPmp, expiresOn: '2024-01-01' }, 'expiresOn', /must be after the earned date/],
    ['an impossible date', { ...earnedPmp, earnedOn: '2025-02-29' }, 'earnedOn', /exists on the calendar/],
    ['no earned date for an earned record', { ...earnedPmp, earnedOn: '' }, 'earnedOn', /Enter the date you earned it/],
    ['a javascript: URL', { ...earnedPmp, verificationUrl: 'javascript:alert(1)' }, 'verificationUrl', /https:\/\/ or http:\/\//],
    ['an ftp URL', { ...earnedPmp, verificationUrl: 'ftp://example.com/cert' }, 'verificationUrl', /https:\/\//],
    ['a URL that is not one', { ...earnedPmp, verificationUrl: 'credly badge 42' }, 'verificationUrl', /https:\/\//],
    ['an unknown certification', { ...earnedPmp, certificationId: 'made-up' }, 'certificationId', /from the list/],
    ['an over-long note', { ...earnedPmp, note: 'x'.repeat(1001) }, 'note', /at most 1000 characters/],
    ['an over-long credential id', { ...earnedPmp, credentialId: 'x'.repeat(101) }, 'credentialId', /at most 100 characters/],
    [
      'an over-long URL',
      { ...earnedPmp, verificationUrl: `https://x.test/${'a'.repeat(500)}` },
      'verificationUrl',
      /at most 500 characters/,
    ],
    ['a planned record with an earned date', { ...earnedPmp, status: 'planned' }, 'earnedOn', /Only an earned certification/],
    ['an unknown status', { ...earnedPmp, status: 'done' }, 'status', /Choose planned, in progress or earned/],
  ])('refuses %s with a clear message and saves nothing', async (_name, form, field, message) => {
    const result = await expectDenied(400, () => addRecord(t.db, ctx('nina'), form as Record<string, string>, content));
    expect(!result.ok && 'fieldErrors' in result && result.fieldErrors[field]).toMatch(message);
  });

  it('accepts an earned date that is today in the organisation but tomorrow in UTC terms of the server', async () => {
    // 23:30 UTC on 22 Nov is already 23 Nov in Bucharest.
    const late = new Date('2026-11-22T23:30:00Z');
    const result = await addRecord(
      t.db,
      ctx('nina', late),
      { certificationId: 'ms-pl300', status: 'earned', earnedOn: '2026-11-23' },
      content,
    );
    expect(result.ok).toBe(true);
  });

  it('edits the own record, recomputing the expiry, with before/after in the audit log', async () => {
    const [record] = await recordsOf(actors.nina.id, 'pmi-pmp');
    const correction = {
      status: 'earned',
      earnedOn: '2024-03-15',
      expiresOn: '',
      credentialId: '4455',
      verificationUrl: '',
      note: 'Corrected date',
    };
    const updated = unwrap(await updateRecord(t.db, ctx('nina'), String(record!.id), correction, content));
    expect(updated).toMatchObject({ earnedOn: '2024-03-15', expiresOn: '2027-03-15', verificationUrl: null, note: 'Corrected date' });
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'certification.record_updated',
      before: { earnedOn: '2024-02-29', expiresOn: '2027-02-28', verificationUrl: 'https://www.credly.com/badges/abc', note: null },
      after: { earnedOn: '2024-03-15', expiresOn: '2027-03-15', verificationUrl: null, note: 'Corrected date' },
    });
  });

  it("refuses edits of other people's records (manager, admin, foreign admin, tampered ids): 404, nothing changed", async () => {
    const [record] = await recordsOf(actors.tom.id, 'pmi-capm');
    const form = { status: 'earned', earnedOn: '2024-01-01', expiresOn: '' };
    for (const who of ['nina', 'manager', 'manager2', 'admin', 'foreignAdmin'] as const) {
      await expectDenied(404, () => updateRecord(t.db, ctx(who), String(record!.id), form, content));
    }
    for (const raw of ['999999', '0', '-1', 'abc', '1.5', undefined]) {
      await expectDenied(404, () => updateRecord(t.db, ctx('tom'), raw, form, content));
    }
  });

  it('refuses an invalid edit without touching the record', async () => {
    const [record] = await recordsOf(actors.nina.id, 'pmi-pmp');
    await expectDenied(400, () =>
      updateRecord(t.db, ctx('nina'), String(record!.id), { status: 'earned', earnedOn: '2024-03-15', expiresOn: '2023-01-01' }, content),
    );
  });
});

describe('renewals', () => {
  it('adds a new record linked to the previous one; both stay in the history', async () => {
    const [old] = await recordsOf(actors.tom.id, 'pmi-capm');
    const renewal = { earnedOn: '2026-11-20', expiresOn: '', credentialId: 'CAPM-NEW', verificationUrl: '', note: '' };
    const renewed = unwrap(await renewRecord(t.db, ctx('tom'), String(old!.id), renewal, content));
    expect(renewed).toMatchObject({ renewsRecordId: old!.id, earnedOn: '2026-11-20', expiresOn: '2029-11-20', status: 'earned' });
    const own = unwrap(await ownCertificationsView(t.db, actors.tom, content, TODAY));
    const capm = own.groups.find((g) => g.entry.id === 'pmi-capm')!;
    expect(capm.status.state).toBe('valid');
    expect(capm.history.map((r) => r.id)).toEqual([renewed.id, old!.id]);
    expect((await recordsOf(actors.tom.id, 'pmi-capm'))[0]).toEqual(old);
  });

  it('refuses to renew a superseded record (409) or with an earlier date (400), saving nothing', async () => {
    const [old, current] = await recordsOf(actors.tom.id, 'pmi-capm');
    await expectDenied(409, () => renewRecord(t.db, ctx('tom'), String(old!.id), { earnedOn: '2026-11-21' }, content));
    await expectDenied(400, () => renewRecord(t.db, ctx('tom'), String(current!.id), { earnedOn: '2026-11-19' }, content));
    await expectDenied(400, () => renewRecord(t.db, ctx('tom'), String(current!.id), { earnedOn: '2026-12-01' }, content));
  });

  it('keeps the credential id when the renewal form does not send one, and takes a new one when it does', async () => {
    const [, current] = await recordsOf(actors.tom.id, 'pmi-capm');
    expect(current!.credentialId).toBe('CAPM-NEW');
    const kept = unwrap(await renewRecord(t.db, ctx('tom'), String(current!.id), { earnedOn: '2026-11-21' }, content));
    expect(kept).toMatchObject({ renewsRecordId: current!.id, credentialId: 'CAPM-NEW' });
    const changed = unwrap(await renewRecord(t.db, ctx('tom'), String(kept.id), { earnedOn: TODAY, credentialId: 'CAPM-3' }, content));
    expect(changed.credentialId).toBe('CAPM-3');
  });

  it("refuses renewals of someone else's record: 404, nothing changed", async () => {
    const itil = await recordsOf(actors.ioana.id, 'itil4-foundation');
    for (const who of ['tom', 'manager', 'admin', 'foreignAdmin'] as const) {
      await expectDenied(404, () => renewRecord(t.db, ctx(who), String(itil[1]!.id), { earnedOn: '2026-11-20' }, content));
    }
  });
});

describe('reminders', () => {
  it('are due for the holder and their manager, not for the manager of another team', async () => {
    const marcus = (await findUserByEmail(t.db, 'marcus.reid@demo.opspath.test'))!;
    const own = unwrap(await dueRemindersFor(t.db, { ...marcus }, content, TODAY));
    expect(own.items).toEqual([expect.objectContaining({ certificationId: 'asq-cssbb', leadDays: 90, daysLeft: 75, own: true })]);
    const manager2 = unwrap(await dueRemindersFor(t.db, actors.manager2, content, TODAY));
    expect(manager2.items.map((i) => i.person.name)).toContain('Marcus Reid');
    const manager = unwrap(await dueRemindersFor(t.db, actors.manager, content, TODAY));
    expect(manager.items.map((i) => i.person.name)).not.toContain('Marcus Reid');
    expect(manager.items.map((i) => i.person.name)).toContain('Ioana Popescu'); // PL-300 expired
  });

  it("can be marked handled by the holder's manager, once, with an audit row", async () => {
    const marcus = (await findUserByEmail(t.db, 'marcus.reid@demo.opspath.test'))!;
    const [cssbb] = await recordsOf(marcus.id, 'asq-cssbb');
    const due = unwrap(await dueRemindersFor(t.db, actors.manager2, content, TODAY)).items.find((i) => i.recordId === cssbb!.id)!;
    const form = { recordId: String(cssbb!.id), reminderOn: due.date };
    for (const who of ['manager', 'tom', 'foreignAdmin'] as const) {
      await expectDenied(404, () => markReminderHandled(t.db, ctx(who), form));
    }
    await expectDenied(400, () => markReminderHandled(t.db, ctx('manager2'), { ...form, reminderOn: '2026-11-08' }));
    await expectDenied(400, () => markReminderHandled(t.db, ctx('manager2'), { ...form, reminderOn: 'garbage' }));
    await expectDenied(404, () => markReminderHandled(t.db, ctx('manager2'), { ...form, recordId: 'abc' }));
    const result = await markReminderHandled(t.db, ctx('manager2'), form);
    expect(result.ok).toBe(true);
    const rows = await t.db.select().from(certificationRemindersHandled).where(eq(certificationRemindersHandled.recordId, cssbb!.id));
    expect(rows).toEqual([expect.objectContaining({ reminderOn: due.date, handledBy: actors.manager2.id })]);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'certification.reminder_handled'));
    expect(audits).toHaveLength(1);
    // Twice is fine and writes nothing more.
    expect((await markReminderHandled(t.db, ctx('manager2'), form)).ok).toBe(true);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'certification.reminder_handled'))).toHaveLength(1);
    // Gone for the holder and the manager.
    expect(unwrap(await dueRemindersFor(t.db, { ...marcus }, content, TODAY)).items).toEqual([]);
    expect(unwrap(await dueRemindersFor(t.db, actors.manager2, content, TODAY)).items.map((i) => i.recordId)).not.toContain(cssbb!.id);
    // The next lead time brings it back.
    const later = organisationToday(new Date('2026-12-08T09:00:00Z'), ORG_TIME_ZONE); // 2027-02-05 - 60 days = 2026-12-07
    expect(unwrap(await dueRemindersFor(t.db, { ...marcus }, content, later)).items).toEqual([expect.objectContaining({ leadDays: 60 })]);
  });

  it('are marked by a manager only for members of their team, not for a manager or an admin who sits in it', async () => {
    // manager2 and the admin join the Warehouse team (managed by `manager`) holding a due reminder like Marcus's.
    const marcus = (await findUserByEmail(t.db, 'marcus.reid@demo.opspath.test'))!;
    const { id: _id, ...cssbb } = (await recordsOf(marcus.id, 'asq-cssbb'))[0]!;
    const forms: Record<string, { recordId: string; reminderOn: string }> = {};
    for (const who of ['manager2', 'admin'] as const) {
      await t.db.insert(teamMemberships).values({ teamId: warehouse, userId: actors[who].id });
      const [row] = await t.db
        .insert(certificationRecords)
        .values({ ...cssbb, userId: actors[who].id })
        .returning();
      const own = unwrap(await dueRemindersFor(t.db, actors[who], content, TODAY)).items.find((i) => i.recordId === row!.id)!;
      forms[who] = { recordId: String(row!.id), reminderOn: own.date };
    }
    const seen = unwrap(await dueRemindersFor(t.db, actors.manager, content, TODAY)).items;
    // Seen, but offered no form; a member's reminder still has one.
    expect(seen.filter((i) => i.person.id === actors.manager2.id).map((i) => i.mayMarkHandled)).toEqual([false]);
    expect(seen.find((i) => i.person.id === actors.ioana.id)).toMatchObject({ mayMarkHandled: true });
    await expectDenied(403, () => markReminderHandled(t.db, ctx('manager'), forms.manager2!));
    await expectDenied(403, () => markReminderHandled(t.db, ctx('manager'), forms.admin!));
    // Admins keep their rights, and the holder marks their own.
    expect((await markReminderHandled(t.db, ctx('admin'), forms.manager2!)).ok).toBe(true);
    expect((await markReminderHandled(t.db, ctx('admin'), forms.admin!)).ok).toBe(true);
  });

  it('of a renewed record no longer applies (409)', async () => {
    const [old] = await recordsOf(actors.tom.id, 'pmi-capm');
    await expectDenied(409, () => markReminderHandled(t.db, ctx('tom'), { recordId: String(old!.id), reminderOn: '2026-11-13' }));
  });
});

describe('settings and requirements', () => {
  it('lead times: admins only; bad input explained; saved with an audit row; the time zone is not theirs to change', async () => {
    for (const who of ['tom', 'manager'] as const) {
      await expectDenied(403, () => updateCertificationSettings(t.db, ctx(who), { leadDays: '30' }));
    }
    const zero = await expectDenied(400, () => updateCertificationSettings(t.db, ctx('admin'), { leadDays: '90, 0' }));
    expect(!zero.ok && 'fieldErrors' in zero && zero.fieldErrors.leadDays).toMatch(/"0" is not a whole number of days from 1 to 365/);
    const many = await expectDenied(400, () => updateCertificationSettings(t.db, ctx('admin'), { leadDays: '1 2 3 4 5 6 7' }));
    expect(!many.ok && 'fieldErrors' in many && many.fieldErrors.leadDays).toMatch(/at most 6/);
    // A time zone sent with the form is not a certification setting: the organisation's stays.
    const saved = await updateCertificationSettings(t.db, ctx('admin'), { leadDays: '7, 120,30, 7', timeZone: 'America/New_York' });
    expect(saved.ok && saved.value).toEqual({ leadDays: [120, 30, 7], timeZone: 'Europe/Bucharest' });
    expect(await loadCertificationSettings(t.db, actors.admin.orgId)).toEqual({ leadDays: [120, 30, 7], timeZone: 'Europe/Bucharest' });
    const [audit] = await t.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({
      action: 'certification.settings_updated',
      before: { leadDays: [90, 60, 30, 7] },
      after: { leadDays: [120, 30, 7] },
    });
    await updateCertificationSettings(t.db, ctx('admin'), { leadDays: '90, 60, 30, 7' });
    const foreign = await loadCertificationSettings(t.db, actors.foreignAdmin.orgId);
    expect(foreign).toEqual({ leadDays: [90, 60, 30, 7], timeZone: 'UTC' });
  });

  it('tier requirements: admins add and remove; duplicates and unknown values explained; others refused', async () => {
    const tier = TEST_CATALOG.find((r) => r.slug === 'operations-officer')!.tiers[0]!.id;
    const form = { position: `operations-officer/${tier}`, certificationId: 'pmi-capm' };
    await expectDenied(403, () => addRequirement(t.db, ctx('manager'), form, content, TEST_CATALOG));
    await expectDenied(400, () => addRequirement(t.db, ctx('admin'), { ...form, certificationId: 'nope' }, content, TEST_CATALOG));
    await expectDenied(400, () =>
      addRequirement(t.db, ctx('admin'), { ...form, position: 'operations-officer/nope' }, content, TEST_CATALOG),
    );
    expect((await addRequirement(t.db, ctx('admin'), form, content, TEST_CATALOG)).ok).toBe(true);
    await expectDenied(409, () => addRequirement(t.db, ctx('admin'), form, content, TEST_CATALOG));
    const samuel = (await loadComplianceMatrix(t.db, warehouse, TODAY, content)).rows.find((r) => r.person.name === 'Samuel Okafor')!;
    expect(samuel.cells.find((c) => c.certificationId === 'pmi-capm')?.state).toBe('missing');
    await expectDenied(403, () => removeRequirement(t.db, ctx('tom'), form));
    await expectDenied(404, () => removeRequirement(t.db, ctx('foreignAdmin'), form));
    expect((await removeRequirement(t.db, ctx('admin'), form)).ok).toBe(true);
    await expectDenied(404, () => removeRequirement(t.db, ctx('admin'), form));
    const left = await t.db.select().from(certificationRequirements).where(eq(certificationRequirements.orgId, actors.admin.orgId));
    expect(left).toHaveLength(3);
  });
});

describe('calendar feed token', () => {
  const feed = (token: string, team: string | null = null) => calendarFeed(t.db, token, team, content, 'https://opspath.test');

  it("stores only a hash of the secret and serves the holder's events", async () => {
    const created = await createCalendarToken(t.db, ctx('ioana'));
    if (!created.ok) throw new Error('expected ok');
    const [id, secret] = created.value.token.split('-') as [string, string];
    expect(created.value.token).toMatch(/^[a-z2-7]{24}-[a-z2-7]{24}$/);
    const raw = JSON.stringify(await t.db.all(sql`select * from calendar_feed_tokens`));
    expect(raw).not.toContain(secret);
    expect(raw).toContain(id);
    const result = await feed(created.value.token);
    if (!result.ok) throw new Error('expected ok');
    expect(result.value.body).toMatch(/^BEGIN:VCALENDAR/);
    // ITIL renewal: earned 13 months ago, expires in 23 months; the superseded record's expiry is not there.
    expect(result.value.body).toContain('SUMMARY:ITIL 4 Foundation expires');
    expect(result.value.body).toContain('DTSTART;VALUE=DATE:20281022');
    expect(result.value.body).not.toContain('DTSTART;VALUE=DATE:20250922');
    expect(result.value.body).toContain('SUMMARY:PL-300 expires in 30 days');
    expect(result.value.body).not.toContain('Ioana Popescu:');
  });

  it('answers 404 for a wrong, malformed or unknown token', async () => {
    const [token] = await t.db.select().from(calendarFeedTokens).where(eq(calendarFeedTokens.userId, actors.ioana.id));
    const wrongSecret = `${token!.id}-${'a'.repeat(24)}`;
    for (const bad of [wrongSecret, 'abc', '', `${'b'.repeat(24)}-${'c'.repeat(24)}`, `${token!.id}`, `${token!.id}-${'A'.repeat(24)}`]) {
      expect(await feed(bad)).toEqual(notFound());
    }
  });

  it('answers 404 once revoked or replaced; the new token works', async () => {
    const first = await createCalendarToken(t.db, ctx('tom'));
    const second = await createCalendarToken(t.db, ctx('tom'));
    if (!first.ok || !second.ok) throw new Error('expected ok');
    expect(await feed(first.value.token)).toEqual(notFound());
    expect((await feed(second.value.token)).ok).toBe(true);
    expect((await revokeCalendarToken(t.db, ctx('tom'))).ok).toBe(true);
    expect(await feed(second.value.token)).toEqual(notFound());
    const audits = await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.actorUserId, actors.tom.id))
      .orderBy(auditLog.id);
    expect(audits.map((a) => a.action).filter((a) => a.startsWith('calendar.'))).toEqual([
      'calendar.token_created',
      'calendar.token_revoked',
      'calendar.token_created',
      'calendar.token_revoked',
    ]);
  });

  it("team feeds: a member's token cannot read one; a manager reads only their team; an admin any team of the organisation", async () => {
    const member = await createCalendarToken(t.db, ctx('nina'));
    const manager = await createCalendarToken(t.db, ctx('manager'));
    const manager2 = await createCalendarToken(t.db, ctx('manager2'));
    const admin = await createCalendarToken(t.db, ctx('admin'));
    const foreign = await createCalendarToken(t.db, ctx('foreignAdmin'));
    if (!member.ok || !manager.ok || !manager2.ok || !admin.ok || !foreign.ok) throw new Error('expected ok');
    expect(await feed(member.value.token, String(warehouse))).toEqual(notFound());
    expect(await feed(manager2.value.token, String(warehouse))).toEqual(notFound());
    expect(await feed(foreign.value.token, String(warehouse))).toEqual(notFound());
    expect(await feed(manager.value.token, 'abc')).toEqual(notFound());
    expect(await feed(manager.value.token, '')).toEqual(notFound());
    const team = await feed(manager.value.token, String(warehouse));
    if (!team.ok) throw new Error('expected ok');
    expect(team.value.body).toContain('SUMMARY:Ioana Popescu: ITIL 4 Foundation expires');
    expect(team.value.body).toContain('X-WR-CALNAME:Certifications: Warehouse Operations');
    expect((await feed(admin.value.token, String(customer))).ok).toBe(true);
  });

  it('is the same feed on every fetch; Last-Modified and DTSTAMP come from the data, and move with a change of lead times', async () => {
    const created = unwrap(await createCalendarToken(t.db, ctx('ioana')));
    const first = unwrap(await feed(created.token));
    const second = unwrap(await feed(created.token));
    expect(second.body).toBe(first.body);
    expect(second.lastModified).toEqual(first.lastModified);
    expect(first.body).toMatch(/^UID:cert-\d+-expiry@opspath\.test\r$/m);
    const [record] = (await listRecordsOf(t.db, [actors.ioana.id])).filter((r) => r.expiresOn === '2028-10-22');
    expect(first.body).toContain(`UID:cert-${record!.id}-expiry@opspath.test\r\nDTSTAMP:${utcDateTime(record!.updatedAt)}`);
    expect(first.body).toContain(`CREATED:${utcDateTime(record!.createdAt)}`);
    // A change of lead times touches no row the feed reads: the audit trail dates it.
    const later = new Date(first.lastModified.getTime() + 3_600_000);
    unwrap(await updateCertificationSettings(t.db, ctx('admin', later), { leadDays: '45' }));
    const changed = unwrap(await feed(created.token));
    expect(changed.lastModified).toEqual(later);
    expect(changed.body).toContain('expires in 45 days');
    unwrap(await updateCertificationSettings(t.db, ctx('admin', later), { leadDays: '90, 60, 30, 7' }));
  });

  it('writes UIDs and links from the public URL it is given', async () => {
    const created = unwrap(await createCalendarToken(t.db, ctx('ioana')));
    const body = unwrap(await calendarFeed(t.db, created.token, null, content, 'http://calendar.opspath.test:8080')).body;
    expect(body).toMatch(/^UID:cert-\d+-expiry@calendar\.opspath\.test\r$/m);
    expect(body).toContain('URL:http://calendar.opspath.test:8080/app/certifications/me\r\n');
  });

  it('stops working when the holder is deactivated', async () => {
    const created = await createCalendarToken(t.db, ctx('ioana'));
    if (!created.ok) throw new Error('expected ok');
    await t.db.update(users).set({ active: false }).where(eq(users.id, actors.ioana.id));
    expect(await feed(created.value.token)).toEqual(notFound());
    await t.db.update(users).set({ active: true }).where(eq(users.id, actors.ioana.id));
    expect((await feed(created.value.token)).ok).toBe(true);
  });
});
