// Unchecked reads the notification jobs need, one organisation at a time:
// its active people, who manages whom, current certifications and active
// ramp plans. No access check: the jobs decide who is told what by the
// rules in #domain/notifications.ts, which only follow team management.
import { and, between, eq, gte, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { currentRecord, type CertRecord } from '#domain/certifications.ts';
import type { DigestPlan, HeldCertification } from '#domain/notifications.ts';
import type { NotificationSettings } from '#domain/messages.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import type { Executor } from '#server/db/client.ts';
import { readInSlices } from '#server/db/chunks.ts';
import { certificationRecords, outboxMessages, rampPlans, rampTasks, teamMemberships, teams, users } from '#server/db/schema.ts';

export type Recipient = { id: number; email: string; name: string; notificationSettings: NotificationSettings };

/** The organisation's active people, by id: only they are ever written to. */
export async function activePeople(db: Executor, orgId: number): Promise<Map<number, Recipient>> {
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.displayName, notificationSettings: users.notificationSettings })
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.active, true)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Member -> the active managers of the teams they belong to. */
export async function managersByMember(db: Executor, orgId: number, people: ReadonlyMap<number, unknown>): Promise<Map<number, number[]>> {
  const rows = await db
    .select({ memberId: teamMemberships.userId, managerId: teams.managerUserId })
    .from(teamMemberships)
    .innerJoin(teams, eq(teams.id, teamMemberships.teamId))
    .where(and(eq(teams.orgId, orgId), isNotNull(teams.managerUserId)));
  const map = new Map<number, number[]>();
  for (const r of rows) {
    if (r.managerId === null || !people.has(r.managerId) || !people.has(r.memberId)) continue;
    if (!map.has(r.memberId)) map.set(r.memberId, []);
    map.get(r.memberId)!.push(r.managerId);
  }
  return map;
}

/** Every active person's current earned certification that has an expiry date. */
export async function heldCertifications(
  db: Executor,
  orgId: number,
  people: ReadonlyMap<number, Recipient>,
  content: CertificationContent,
): Promise<HeldCertification[]> {
  const rows = await db
    .select({
      id: certificationRecords.id,
      userId: certificationRecords.userId,
      certificationId: certificationRecords.certificationId,
      status: certificationRecords.status,
      earnedOn: certificationRecords.earnedOn,
      expiresOn: certificationRecords.expiresOn,
      renewsRecordId: certificationRecords.renewsRecordId,
    })
    .from(certificationRecords)
    .where(and(eq(certificationRecords.orgId, orgId), eq(certificationRecords.status, 'earned')));
  const groups = new Map<string, (CertRecord & { userId: number })[]>();
  for (const r of rows) {
    if (!people.has(r.userId)) continue;
    const key = `${r.userId}:${r.certificationId}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const held: HeldCertification[] = [];
  for (const list of groups.values()) {
    const current = currentRecord(list) as (CertRecord & { userId: number }) | null;
    if (!current?.expiresOn) continue;
    held.push({
      recordId: current.id,
      holderId: current.userId,
      holderName: people.get(current.userId)!.name,
      name: content.catalog.get(current.certificationId)?.name ?? current.certificationId,
      expiresOn: current.expiresOn,
    });
  }
  return held;
}

/**
 * The current earned certifications of active people whose expiry falls in
 * one of `windows`: the only ones a reminder run can be about. "Current" as
 * currentRecord has it: no later-earned record of the same certification.
 */
export async function certificationsExpiringIn(
  db: Executor,
  orgId: number,
  windows: readonly { from: string; to: string }[],
  people: ReadonlyMap<number, Recipient>,
  content: CertificationContent,
): Promise<HeldCertification[]> {
  if (windows.length === 0) return [];
  const r = certificationRecords;
  const inWindow = or(...windows.map((w) => between(r.expiresOn, w.from, w.to)));
  const rows = await db
    .select({ id: r.id, userId: r.userId, certificationId: r.certificationId, expiresOn: r.expiresOn })
    .from(r)
    .where(
      and(
        eq(r.orgId, orgId),
        eq(r.status, 'earned'),
        isNotNull(r.earnedOn),
        inWindow,
        sql`not exists (select 1 from certification_records y where y.user_id = ${r.userId} and y.certification_id = ${r.certificationId}
          and y.status = 'earned' and y.earned_on is not null and (y.earned_on > ${r.earnedOn} or (y.earned_on = ${r.earnedOn} and y.id > ${r.id})))`,
      ),
    );
  return rows
    .filter((row) => people.has(row.userId) && row.expiresOn !== null)
    .map((row) => ({
      recordId: row.id,
      holderId: row.userId,
      holderName: people.get(row.userId)!.name,
      name: content.catalog.get(row.certificationId)?.name ?? row.certificationId,
      expiresOn: row.expiresOn!,
    }));
}

/**
 * Per recipient, the latest period a message of `kind` was written for them
 * since `since`, read from the idempotency keys ('<kind>:<userId>:<period>').
 */
export async function lastToldPeriods(
  db: Executor,
  orgId: number,
  kind: 'certification-reminder',
  since: Date,
): Promise<Map<number, string>> {
  const rows = await db
    .select({ key: outboxMessages.idempotencyKey })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.orgId, orgId), eq(outboxMessages.kind, kind), gte(outboxMessages.createdAt, since)));
  const map = new Map<number, string>();
  for (const { key } of rows) {
    const m = /^[a-z-]+:(\d+):(\d{4}-\d{2}-\d{2})$/.exec(key);
    if (!m) continue;
    const id = Number(m[1]);
    if (!map.has(id) || m[2]! > map.get(id)!) map.set(id, m[2]!);
  }
  return map;
}

/** The organisation's active plans of active people, with their tasks and the new hire's managers. */
export async function activePlans(
  db: Executor,
  orgId: number,
  people: ReadonlyMap<number, Recipient>,
  managersOf: ReadonlyMap<number, readonly number[]>,
): Promise<DigestPlan[]> {
  const plans = (
    await db
      .select({ id: rampPlans.id, userId: rampPlans.userId, startDate: rampPlans.startDate })
      .from(rampPlans)
      .where(and(eq(rampPlans.orgId, orgId), eq(rampPlans.status, 'active')))
  ).filter((p) => people.has(p.userId));
  const tasks = await readInSlices(
    plans.map((p) => p.id),
    (slice) =>
      db
        .select({
          id: rampTasks.id,
          planId: rampTasks.planId,
          title: rampTasks.title,
          owner: rampTasks.owner,
          buddyUserId: rampTasks.buddyUserId,
          dueDay: rampTasks.dueDay,
          doneAt: rampTasks.doneAt,
          position: rampTasks.position,
        })
        .from(rampTasks)
        .where(inArray(rampTasks.planId, slice)),
  );
  const byPlan = new Map<number, DigestPlan['tasks'][number][]>();
  for (const t of tasks) {
    if (!byPlan.has(t.planId)) byPlan.set(t.planId, []);
    // A buddy who left is told nothing: their task reads as unassigned.
    const buddyUserId = t.buddyUserId !== null && people.has(t.buddyUserId) ? t.buddyUserId : null;
    byPlan.get(t.planId)!.push({ id: t.id, title: t.title, owner: t.owner, buddyUserId, dueDay: t.dueDay, done: t.doneAt !== null });
  }
  return plans.map((p) => ({
    planId: p.id,
    newHireId: p.userId,
    newHireName: people.get(p.userId)!.name,
    startDate: p.startDate,
    managerIds: managersOf.get(p.userId) ?? [],
    tasks: byPlan.get(p.id) ?? [],
  }));
}
