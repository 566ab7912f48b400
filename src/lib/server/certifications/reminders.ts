// Certification reminders: which are due on the organisation's today for an
// actor (their own, and for a manager those of their teams), and marking one
// handled (once: a second mark is neither an error nor a second audit row).
import { and, eq, inArray } from 'drizzle-orm';
import {
  currentRecord,
  dueReminder,
  filterReminders,
  isReachedReminder,
  REMINDER_WINDOWS,
  reminderSortKey,
  type CertRecord,
  type DueReminder,
  type ReminderFilter,
} from '#domain/certifications.ts';
import { pageOfRows, parseListQuery, type Cursor } from '#domain/paging.ts';
import { isIsoDate, type IsoDate } from '#domain/calendar.ts';
import { canActAsManagerOf, canKeepOwnCertifications, isAdmin, manageableTeams, managesPerson, type Actor } from '#domain/access.ts';
import { parseId, type FormValues } from '#domain/fields.ts';
import { z } from 'zod';
import type { CertificationContent } from '#catalog/catalogs.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { certificationRecords, certificationRemindersHandled, teams, users } from '#server/db/schema.ts';
import type { ActionContext } from '#server/request/context.ts';
import { forbidden, invalid, notFound, ok, type Outcome } from '#server/outcome.ts';
import { loadTeamContext } from '#server/teams/queries.ts';
import { asCertRecord, handledDatesFor, listRecordsOf, loadCertificationSettings, peopleOfTeams } from './queries.ts';

export type DueReminderItem = DueReminder & {
  person: { id: number; name: string };
  certificationName: string;
  /** True when the reminder is about the viewer's own certification. */
  own: boolean;
  /** Whether the viewer may mark it handled (markReminderHandled's rule), so no form is offered that would be refused. */
  mayMarkHandled: boolean;
};

export type DueReminders = { today: IsoDate; items: DueReminderItem[] };

/**
 * Reminders due on the organisation's `today` for the actor: their own
 * certifications, and for a manager those of the active people in the teams
 * they manage. Most urgent first. The reminders page and the dashboard widget.
 */
export async function dueRemindersFor(
  db: Executor,
  actor: Actor,
  content: CertificationContent,
  today: IsoDate,
): Promise<Outcome<DueReminders>> {
  if (!canKeepOwnCertifications(actor)) return forbidden();
  const settings = await loadCertificationSettings(db, actor.orgId);
  const people = new Map<number, string>();
  const [self] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, actor.id)).limit(1);
  people.set(actor.id, self?.name ?? '');
  if (actor.role === 'manager' && actor.active) {
    const orgTeams = await db
      .select({ id: teams.id, name: teams.name, orgId: teams.orgId, managerUserId: teams.managerUserId })
      .from(teams)
      .where(and(eq(teams.orgId, actor.orgId), eq(teams.managerUserId, actor.id)));
    for (const p of await peopleOfTeams(db, manageableTeams(actor, orgTeams))) people.set(p.id, p.name);
  }
  // A manager sees the reminders of everyone in their teams but acts only for members (canActAsManagerOf).
  const others = [...people.keys()].filter((id) => id !== actor.id);
  const teamContext = others.length > 0 ? await loadTeamContext(db, actor) : null;
  const mayAct = new Set<number>([actor.id]);
  if (teamContext) {
    const rows = await db
      .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active })
      .from(users)
      .where(inArray(users.id, others));
    for (const p of rows) if (canActAsManagerOf(actor, p, teamContext)) mayAct.add(p.id);
  }
  const records = await listRecordsOf(db, [...people.keys()]);
  const byPersonCert = new Map<string, (CertRecord & { userId: number })[]>();
  for (const r of records.map(asCertRecord)) {
    const key = `${r.userId}:${r.certificationId}`;
    if (!byPersonCert.has(key)) byPersonCert.set(key, []);
    byPersonCert.get(key)!.push(r);
  }
  const currents = [...byPersonCert.values()]
    .map((list) => currentRecord(list))
    .filter((r): r is CertRecord & { userId: number } => r !== null);
  const handled = await handledDatesFor(
    db,
    currents.map((r) => r.id),
  );
  const items: DueReminderItem[] = [];
  for (const record of currents) {
    const due = dueReminder(record, settings.leadDays, today, handled.get(record.id) ?? new Set());
    if (!due) continue;
    const entry = content.catalog.get(record.certificationId);
    items.push({
      ...due,
      person: { id: record.userId, name: people.get(record.userId) ?? '' },
      certificationName: entry?.name ?? record.certificationId,
      own: record.userId === actor.id,
      mayMarkHandled: mayAct.has(record.userId),
    });
  }
  items.sort((a, b) => a.daysLeft - b.daysLeft || a.person.name.localeCompare(b.person.name));
  return ok({ today, items });
}

export type ReminderList = {
  today: IsoDate;
  items: DueReminderItem[];
  /** How many due reminders the filter keeps, and how many are due in all. */
  matching: number;
  total: number;
  filter: ReminderFilter;
  /** The certifications that have a due reminder, for the filter's choices. */
  certifications: { id: string; name: string }[];
  next: Cursor | null;
  previous: Cursor | null;
};

const filterQuery = z.object({
  certification: z.string().max(100).optional().catch(undefined),
  when: z.enum(REMINDER_WINDOWS).optional().catch(undefined),
});

/**
 * The reminders page: the actor's due reminders (dueRemindersFor's rule) found
 * by name, certification and urgency, 50 at a time, most urgent first. An
 * unknown filter value reads as no filter, as a hand-edited address would mean.
 */
export async function reminderListFor(
  db: Executor,
  actor: Actor,
  content: CertificationContent,
  today: IsoDate,
  params: URLSearchParams,
): Promise<Outcome<ReminderList>> {
  const due = await dueRemindersFor(db, actor, content, today);
  if (!due.ok) return due;
  const { q, page } = parseListQuery(params);
  const raw = filterQuery.parse({ certification: params.get('certification') ?? undefined, when: params.get('when') ?? undefined });
  const certifications = [...new Map(due.value.items.map((r) => [r.certificationId, r.certificationName])).entries()]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const certificationId = certifications.some((c) => c.id === raw.certification) ? raw.certification! : null;
  const filter: ReminderFilter = { q, certificationId, window: raw.when ?? 'all' };
  const kept = filterReminders(due.value.items, filter);
  const paged = pageOfRows(kept, page, (r) => ({ key: reminderSortKey(r), id: r.recordId }));
  return ok({
    today,
    items: paged.items,
    matching: kept.length,
    total: due.value.items.length,
    filter,
    certifications,
    next: paged.next,
    previous: paged.previous,
  });
}

/**
 * The holder, a manager of a team the holder is a member in, or an admin of the
 * organisation may mark a reminder handled. 404 for a holder the actor does not
 * see; 403 for another manager or an admin the actor sees in their team.
 */
export async function markReminderHandled(
  db: Db,
  ctx: ActionContext,
  form: FormValues,
): Promise<Outcome<{ recordId: number; reminderOn: IsoDate }>> {
  if (!canKeepOwnCertifications(ctx.actor)) return forbidden();
  return db.transaction(async (tx) => {
    const id = parseId(form.recordId);
    const [record] = id === null ? [] : await tx.select().from(certificationRecords).where(eq(certificationRecords.id, id)).limit(1);
    if (!record || record.orgId !== ctx.actor.orgId) return notFound();
    if (record.userId !== ctx.actor.id && !isAdmin(ctx.actor)) {
      const [holder] = await tx
        .select({ id: users.id, orgId: users.orgId, role: users.role, active: users.active })
        .from(users)
        .where(eq(users.id, record.userId))
        .limit(1);
      const teamContext = await loadTeamContext(tx, ctx.actor);
      if (!holder?.active || !managesPerson(ctx.actor, record.userId, teamContext)) return notFound();
      if (!canActAsManagerOf(ctx.actor, holder, teamContext))
        return forbidden('You can mark reminders handled only for members of your teams.');
    }
    const reminderOn = form.reminderOn ?? '';
    const settings = await loadCertificationSettings(tx, record.orgId);
    const siblings = (await listRecordsOf(tx, [record.userId]))
      .filter((r) => r.certificationId === record.certificationId)
      .map(asCertRecord);
    if (currentRecord(siblings)?.id !== record.id) {
      return invalid({ form: 'This certification has been renewed since: the reminder no longer applies.' }, 'Nothing to mark.', 409);
    }
    if (!isIsoDate(reminderOn) || !isReachedReminder(asCertRecord(record), settings.leadDays, reminderOn, ctx.today)) {
      return invalid({ form: 'This is not a reminder that is due for this certification.' });
    }
    const inserted = await tx
      .insert(certificationRemindersHandled)
      .values({ recordId: record.id, reminderOn, handledBy: ctx.actor.id, handledAt: ctx.now })
      .onConflictDoNothing()
      .returning();
    // Marking twice (two tabs, a double click) is not an error and not a second audit row.
    if (inserted.length > 0) {
      await writeActorAudit(
        tx,
        ctx,
        'certification.reminder_handled',
        { type: 'certification_record', id: record.id },
        { after: { reminderOn, holderUserId: record.userId, certificationId: record.certificationId } },
      );
    }
    return ok({ recordId: record.id, reminderOn });
  });
}
