// Calendar feed tokens and the .ics feed behind them. A token is the only
// credential of a feed URL (calendar applications have no session): only the
// SHA-256 of its secret is stored, creating one revokes the previous one, and
// every failure of the feed is the same 404.
import { and, eq, isNull } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { createEvents, type EventAttributes } from 'ics';
import { calendarEvents } from '#domain/certifications.ts';
import { addDays, type IsoDate } from '#domain/calendar.ts';
import { canKeepOwnCertifications, canManageTeam } from '#domain/access.ts';
import { parseId } from '#domain/fields.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { calendarFeedTokens, teams, users } from '#server/db/schema.ts';
import type { ActionContext } from '#server/request/context.ts';
import { forbidden, notFound, ok, type Outcome } from '#server/outcome.ts';
import { asCertRecord, listRecordsOf, loadCertificationSettings, peopleOfTeams } from './queries.ts';

// --- tokens ----------------------------------------------------------------------------

/** Who acted, from where and when: the audit rows name them. */
type AuditContext = Parameters<typeof writeActorAudit>[1];

const TOKEN = /^([a-z2-7]{24})-([a-z2-7]{24})$/;

/** 15 random bytes = 120 bits, as 24 lower-case base32 characters. */
const randomPart = () => encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(15)));
const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret));

type RevokeReason = 'replaced' | 'revoked' | 'sessions_ended';

/** Revokes a person's live feed tokens, each with an audit row saying why. */
async function revokeLiveTokens(tx: Executor, ctx: AuditContext, userId: number, reason: RevokeReason) {
  const revoked = await tx
    .update(calendarFeedTokens)
    .set({ revokedAt: ctx.now })
    .where(and(eq(calendarFeedTokens.userId, userId), isNull(calendarFeedTokens.revokedAt)))
    .returning({ id: calendarFeedTokens.id });
  for (const r of revoked) {
    await writeActorAudit(tx, ctx, 'calendar.token_revoked', { type: 'calendar_token', id: r.id }, { after: { reason } });
  }
  return revoked;
}

const revokeActiveTokens = (tx: Executor, ctx: ActionContext, reason: RevokeReason) => revokeLiveTokens(tx, ctx, ctx.actor.id, reason);

/**
 * Wherever a person's sessions all end (password change, "sign out
 * everywhere", deactivation, role change), their feed URL ends too: it is a
 * credential that may have been copied along with the password. A later
 * reactivation revives nothing; the person creates a new address. Call it in
 * the transaction that ends the sessions; `ctx` is whoever acted.
 */
export async function revokeFeedTokensOf(tx: Executor, ctx: AuditContext, userId: number): Promise<number> {
  return (await revokeLiveTokens(tx, ctx, userId, 'sessions_ended')).length;
}

/**
 * A new feed token for the actor; any previous one stops working at once.
 * The token is returned only here: only its secret's SHA-256 is stored, so a
 * lost URL is replaced, never shown again.
 */
export async function createCalendarToken(db: Db, ctx: ActionContext): Promise<Outcome<{ token: string }>> {
  if (!canKeepOwnCertifications(ctx.actor)) return forbidden();
  const id = randomPart();
  const secret = randomPart();
  return db.transaction(async (tx) => {
    await revokeActiveTokens(tx, ctx, 'replaced');
    await tx
      .insert(calendarFeedTokens)
      .values({ id, userId: ctx.actor.id, secretHash: Buffer.from(hashSecret(secret)), createdAt: ctx.now });
    await writeActorAudit(tx, ctx, 'calendar.token_created', { type: 'calendar_token', id });
    return ok({ token: `${id}-${secret}` });
  });
}

export async function revokeCalendarToken(db: Db, ctx: ActionContext): Promise<Outcome<{ revoked: number }>> {
  return db.transaction(async (tx) => {
    const revoked = await revokeActiveTokens(tx, ctx, 'revoked');
    return ok({ revoked: revoked.length });
  });
}

/** The active holder of a feed token, or null for a malformed, unknown, revoked or wrong token (or a deactivated holder). */
async function feedTokenOwner(db: Executor, rawToken: string) {
  const parts = TOKEN.exec(rawToken);
  if (!parts) return null;
  const [, id, secret] = parts as unknown as [string, string, string];
  const [row] = await db
    .select({
      token: calendarFeedTokens,
      user: { id: users.id, orgId: users.orgId, role: users.role, active: users.active, displayName: users.displayName },
    })
    .from(calendarFeedTokens)
    .innerJoin(users, eq(users.id, calendarFeedTokens.userId))
    .where(and(eq(calendarFeedTokens.id, id), isNull(calendarFeedTokens.revokedAt)))
    .limit(1);
  if (!row || !row.user.active) return null;
  if (!constantTimeEqual(new Uint8Array(row.token.secretHash), hashSecret(secret))) return null;
  return row.user;
}

// --- the feed --------------------------------------------------------------------------

export type CalendarFeed = { body: string; filename: string };

/**
 * The .ics feed behind /calendar/<token>.ics: the holder's own certifications,
 * or with ?team=<id> a team the holder manages (admins: any team of their
 * organisation). Every failure is the same 404, so a feed URL reveals nothing.
 * The events are calendar dates (expiry and reminder days, past ones
 * included), so the feed needs no "today"; `now` only stamps when it was made.
 */
export async function calendarFeed(
  db: Executor,
  rawToken: string,
  rawTeam: string | null,
  content: CertificationContent,
  now: Date,
  uidDomain: string,
): Promise<Outcome<CalendarFeed>> {
  const owner = await feedTokenOwner(db, rawToken);
  if (!owner) return notFound();
  const settings = await loadCertificationSettings(db, owner.orgId);
  let people: { id: number; name: string }[];
  let calName: string;
  let filename: string;
  if (rawTeam === null) {
    people = [{ id: owner.id, name: owner.displayName }];
    calName = `Certifications: ${owner.displayName}`;
    filename = 'my-certifications.ics';
  } else {
    const teamId = parseId(rawTeam);
    const [team] = teamId === null ? [] : await db.select().from(teams).where(eq(teams.id, teamId)).limit(1);
    if (!team || !canManageTeam(owner, team)) return notFound();
    people = await peopleOfTeams(db, [team]);
    calName = `Certifications: ${team.name}`;
    filename = `team-${team.id}-certifications.ics`;
  }
  const records = (
    await listRecordsOf(
      db,
      people.map((p) => p.id),
    )
  ).map(asCertRecord);
  const events = people.flatMap((person) =>
    calendarEvents(
      person,
      records.filter((r) => r.userId === person.id),
      content.catalog,
      settings.leadDays,
      { includeName: rawTeam !== null, uidDomain },
    ),
  );
  const attributes: EventAttributes[] = events.map((e) => {
    return {
      uid: e.uid,
      // All-day events: DTSTART;VALUE=DATE, and DTEND the (exclusive) next day.
      start: dateArray(e.date),
      end: dateArray(addDays(e.date, 1)),
      title: e.title,
      description: e.description,
      categories: [e.kind === 'expiry' ? 'Certification expiry' : 'Certification reminder'],
      transp: 'TRANSPARENT',
      busyStatus: 'FREE',
      // DTSTAMP: when the feed was produced; stable UIDs let calendars update events in place.
      created: now.getTime(),
    };
  });
  const { error, value } = createEvents(attributes, { productId: '-//OpsPath//Certification tracker//EN', calName });
  if (error || value === null) throw error ?? new Error('ics produced no output');
  return ok({ body: value, filename });
}

const dateArray = (date: IsoDate) => date.split('-').map(Number) as [number, number, number];
