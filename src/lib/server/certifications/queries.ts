// Unchecked reads of the certification tracker: the organisation's lead times
// and time zone, tier requirements, records, handled reminders, the people of
// teams, and the compliance matrix of given teams. No access check here: the
// feature's own modules (which authorize first), other features, the seed,
// the bench and tests call these; pages read through index.ts.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { buildComplianceMatrix, DEFAULT_LEAD_DAYS, normaliseLeadDays, positionKey } from '#domain/certifications.ts';
import type { CertRecord, CertState, ComplianceMatrix, CompliancePerson } from '#domain/certifications.ts';
import { isValidTimeZone, type IsoDate } from '#domain/calendar.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import type { Executor } from '#server/db/client.ts';
import { ID_SLICE, readInSlices } from '#server/db/chunks.ts';
import {
  certificationRecords,
  certificationRemindersHandled,
  certificationRequirements,
  organisations,
  teamMemberships,
  teams,
  users,
  type CertificationRecordRow,
  type OrganisationSettings,
} from '#server/db/schema.ts';

// --- settings ----------------------------------------------------------------------

export type CertificationSettings = { leadDays: number[]; timeZone: string };

export async function loadCertificationSettings(db: Executor, orgId: number): Promise<CertificationSettings> {
  const [org] = await db.select({ settings: organisations.settings }).from(organisations).where(eq(organisations.id, orgId)).limit(1);
  return settingsFrom(org?.settings ?? {});
}

export function settingsFrom(settings: OrganisationSettings): CertificationSettings {
  const leadDays = normaliseLeadDays(settings.certificationReminderDays ?? []);
  return {
    leadDays: leadDays.length ? leadDays : [...DEFAULT_LEAD_DAYS],
    timeZone: isValidTimeZone(settings.timeZone) ? settings.timeZone : 'UTC',
  };
}

// --- requirements --------------------------------------------------------------------

export async function loadRequirements(db: Executor, orgId: number): Promise<Map<string, Set<string>>> {
  const rows = await db.select().from(certificationRequirements).where(eq(certificationRequirements.orgId, orgId));
  const map = new Map<string, Set<string>>();
  for (const r of rows) {
    const key = positionKey(r.jobRole, r.tier)!;
    if (!map.has(key)) map.set(key, new Set());
    map.get(key)!.add(r.certificationId);
  }
  return map;
}

export async function listRequirements(db: Executor, orgId: number) {
  return db
    .select()
    .from(certificationRequirements)
    .where(eq(certificationRequirements.orgId, orgId))
    .orderBy(asc(certificationRequirements.jobRole), asc(certificationRequirements.tier), asc(certificationRequirements.certificationId));
}

// --- records -------------------------------------------------------------------------

export type RecordRow = CertificationRecordRow;

export async function listRecordsOf(db: Executor, userIds: readonly number[]): Promise<RecordRow[]> {
  const rows = await readInSlices(userIds, (slice) =>
    db.select().from(certificationRecords).where(inArray(certificationRecords.userId, slice)).orderBy(asc(certificationRecords.id)),
  );
  // Slices are each in id order; the whole list must be too (history and renewals read it so).
  return userIds.length > ID_SLICE ? rows.sort((a, b) => a.id - b.id) : rows;
}

export const asCertRecord = (r: RecordRow): CertRecord & { userId: number } => ({
  id: r.id,
  userId: r.userId,
  certificationId: r.certificationId,
  status: r.status,
  earnedOn: r.earnedOn,
  expiresOn: r.expiresOn,
  renewsRecordId: r.renewsRecordId,
});

/** Record id -> the reminder dates already marked handled for it. */
export async function handledDatesFor(db: Executor, recordIds: readonly number[]): Promise<Map<number, Set<string>>> {
  const map = new Map<number, Set<string>>();
  if (recordIds.length === 0) return map;
  const rows = await readInSlices(recordIds, (slice) =>
    db
      .select({ recordId: certificationRemindersHandled.recordId, reminderOn: certificationRemindersHandled.reminderOn })
      .from(certificationRemindersHandled)
      .where(inArray(certificationRemindersHandled.recordId, slice)),
  );
  for (const r of rows) {
    if (!map.has(r.recordId)) map.set(r.recordId, new Set());
    map.get(r.recordId)!.add(r.reminderOn);
  }
  return map;
}

// --- people and the compliance matrix ---------------------------------------------------

/** Active people of the given teams (a person in two of them appears once, under the first). */
export async function peopleOfTeams(db: Executor, teamRows: readonly { id: number; name: string }[]): Promise<CompliancePerson[]> {
  if (teamRows.length === 0) return [];
  const rows = await db
    .select({ id: users.id, name: users.displayName, jobRole: users.jobRole, tier: users.tier, teamId: teamMemberships.teamId })
    .from(teamMemberships)
    .innerJoin(users, eq(users.id, teamMemberships.userId))
    .where(
      and(
        inArray(
          teamMemberships.teamId,
          teamRows.map((t) => t.id),
        ),
        eq(users.active, true),
      ),
    )
    .orderBy(asc(users.displayName), asc(users.id), asc(teamMemberships.teamId));
  const names = new Map(teamRows.map((t) => [t.id, t.name]));
  const seen = new Set<number>();
  const people: CompliancePerson[] = [];
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    people.push({ ...r, teamName: names.get(r.teamId) ?? '' });
  }
  return people;
}

export type ComplianceStateFilters = { states: CertState[]; certificationId: string | null };

/** The compliance matrix of the people of these teams on `today`. */
export async function complianceMatrixFor(
  db: Executor,
  orgId: number,
  teamRows: readonly { id: number; name: string }[],
  today: IsoDate,
  settings: CertificationSettings,
  content: CertificationContent,
  filters: ComplianceStateFilters,
  /** The people to show when the caller already chose them (a page of the whole organisation); else every member of `teamRows`. */
  chosen?: CompliancePerson[],
): Promise<ComplianceMatrix> {
  const people = chosen ?? (await peopleOfTeams(db, teamRows));
  const records = (
    await listRecordsOf(
      db,
      people.map((p) => p.id),
    )
  ).map(asCertRecord);
  return buildComplianceMatrix({
    people,
    records,
    catalog: content.catalog,
    required: await loadRequirements(db, orgId),
    recommended: content.recommended,
    today,
    leadDays: settings.leadDays,
    filters,
  });
}

/**
 * The compliance matrix of one team on `today` (a 'YYYY-MM-DD' date in the
 * organisation's time zone): people x certifications with states, counts and
 * the 12-month expiry timeline. No access check: callers (the page, the
 * benchmark) decide who may see it.
 */
export async function loadComplianceMatrix(
  db: Executor,
  teamId: number,
  today: IsoDate,
  content: CertificationContent,
  options: { filters?: Partial<ComplianceStateFilters> } = {},
): Promise<ComplianceMatrix> {
  const [team] = await db.select({ id: teams.id, name: teams.name, orgId: teams.orgId }).from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!team) throw new Error(`No team ${teamId}`);
  const settings = await loadCertificationSettings(db, team.orgId);
  return complianceMatrixFor(db, team.orgId, [team], today, settings, content, {
    states: options.filters?.states ?? [],
    certificationId: options.filters?.certificationId ?? null,
  });
}
