// Calendar feed tokens and the .ics feed behind them. A token is the only
// credential of a feed URL (calendar applications have no session): only the
// SHA-256 of its secret is stored, creating one revokes the previous one, and
// every failure of the feed is the same 404.
import { and, desc, eq, inArray, isNull, notLike } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { calendarEvents } from '#domain/certifications.ts';
import { writeCalendar, type IcalEvent } from '#domain/ical.ts';
import { canKeepOwnCertifications, canManageTeam } from '#domain/access.ts';
import { parseId } from '#domain/fields.ts';
import type { CertificationContent } from '#catalog/catalogs.ts';
import { writeActorAudit } from '#server/audit/index.ts';
import type { Db, Executor } from '#server/db/client.ts';
import { auditLog, calendarFeedTokens, rampPlans, rampTasks, teams, users } from '#server/db/schema.ts';
import { rampCalendarEvents } from '#domain/ramp.ts';
import { readInSlices } from '#server/db/chunks.ts';
import { env } from '#server/env.ts';
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
      user: {
        id: users.id,
        orgId: users.orgId,
        role: users.role,
        active: users.active,
        displayName: users.displayName,
      },
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

export type CalendarFeed = {
  body: string;
  filename: string;
  /**
   * The latest change to what the feed shows, from the data (never the time of
   * the request): the records, the people and team named, and the
   * organisation's latest audited change (which dates what leaves no row
   * timestamp the feed reads, such as a change of lead times).
   */
  lastModified: Date;
};

/** How often a subscriber should fetch again; a repeat fetch of an unchanged feed is a 304. */
export const FEED_REFRESH_INTERVAL = 'PT1H';

/**
 * The .ics feed behind /calendar/<token>.ics: the holder's own certifications,
 * or with ?team=<id> a team the holder manages (admins: any team of their
 * organisation). Every failure is the same 404, so a feed URL reveals nothing.
 * The events are calendar dates (expiry and reminder days, past ones
 * included), so the feed needs no "today", and its bytes depend only on the
 * data: fetched twice, it is the same feed. UIDs and links come from
 * `publicUrl` (PUBLIC_URL), so they stay the same whatever host was asked.
 */
export async function calendarFeed(
  db: Executor,
  rawToken: string,
  rawTeam: string | null,
  content: CertificationContent,
  publicUrl: string,
): Promise<Outcome<CalendarFeed>> {
  const owner = await feedTokenOwner(db, rawToken);
  if (!owner) return notFound();
  const settings = await loadCertificationSettings(db, owner.orgId);
  let people: { id: number; name: string }[];
  let calName: string;
  let filename: string;
  const changes: Date[] = [];
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
    changes.push(team.updatedAt);
  }
  const personIds = people.map((p) => p.id);
  const personChanged = new Map(
    (
      await readInSlices(personIds, (slice) =>
        db.select({ id: users.id, updatedAt: users.updatedAt }).from(users).where(inArray(users.id, slice)),
      )
    ).map((u) => [u.id, u.updatedAt]),
  );
  const rows = await listRecordsOf(db, personIds);
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const records = rows.map(asCertRecord);
  const uidDomain = new URL(publicUrl).hostname;
  const link = `${publicUrl}/app/certifications/${rawTeam === null ? 'me' : ''}`;
  const events: IcalEvent[] = people.flatMap((person) =>
    calendarEvents(
      person,
      records.filter((r) => r.userId === person.id),
      content.catalog,
      settings.leadDays,
      { includeName: rawTeam !== null, uidDomain },
    ).map((e): IcalEvent => {
      const row = rowById.get(e.recordId)!;
      const nameChanged = personChanged.get(person.id);
      return {
        uid: e.uid,
        date: e.date,
        summary: e.title,
        description: e.description,
        categories: [e.kind === 'expiry' ? 'Certification expiry' : 'Certification reminder'],
        created: row.createdAt,
        // The holder's name is in the description (and a team feed's summary).
        lastModified: latest([row.updatedAt, ...(nameChanged ? [nameChanged] : [])]),
        // A deadline marker does not make its day busy for scheduling; the alarm is what alerts.
        transparent: true,
        url: link,
        alarms: [alarmFor(e.kind, e.title)],
      };
    }),
  );
  if (rawTeam === null) events.push(...(await ownRampEvents(db, owner.id, uidDomain, `${publicUrl}/app/ramp/`, changes)));
  changes.push(...rows.map((r) => r.updatedAt), ...personChanged.values());
  const [lastAudited] = await db
    .select({ at: auditLog.at })
    .from(auditLog)
    // Sign-ins change nothing a feed shows; skipping them keeps Last-Modified still.
    .where(and(eq(auditLog.orgId, owner.orgId), notLike(auditLog.action, 'auth.%')))
    .orderBy(desc(auditLog.at))
    .limit(1);
  if (lastAudited) changes.push(lastAudited.at);
  const body = writeCalendar({
    prodId: '-//OpsPath//Certification tracker//EN',
    name: calName,
    refreshInterval: FEED_REFRESH_INTERVAL,
    url: link,
    events,
  });
  return ok({ body, filename, lastModified: latest(changes) });
}

/**
 * The open tasks of the holder's active ramp plan, each alerting at 09:00 the
 * working morning it is due (PT9H after the all-day start), like a reminder.
 * `changes` gets the rows' update times for Last-Modified.
 */
async function ownRampEvents(db: Executor, userId: number, uidDomain: string, link: string, changes: Date[]): Promise<IcalEvent[]> {
  const [plan] = await db
    .select()
    .from(rampPlans)
    .where(and(eq(rampPlans.userId, userId), eq(rampPlans.status, 'active')))
    .limit(1);
  if (!plan) return [];
  const tasks = await db.select().from(rampTasks).where(eq(rampTasks.planId, plan.id));
  changes.push(plan.updatedAt, ...tasks.map((t) => t.updatedAt));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return rampCalendarEvents(
    plan,
    tasks.map((t) => ({ id: t.id, title: t.title, dueDay: t.dueDay, done: t.doneAt !== null, owner: t.owner })),
    uidDomain,
  ).map((e) => ({
    uid: e.uid,
    date: e.date,
    summary: e.title,
    description: e.description,
    categories: ['Ramp plan task'],
    created: byId.get(e.taskId)!.createdAt,
    lastModified: byId.get(e.taskId)!.updatedAt,
    transparent: true,
    url: `${link}${plan.id}/`,
    alarms: [{ trigger: 'PT9H', description: e.title }],
  }));
}

/**
 * One display alarm per event. The reminder events already sit on the
 * organisation's lead days before expiry, so each alerts at 09:00 on its own
 * day (an all-day event starts at midnight); the expiry event alerts at 09:00
 * the day before. One alarm each, so nobody is alerted twice for one date.
 */
function alarmFor(kind: 'expiry' | 'reminder', title: string) {
  return kind === 'reminder' ? { trigger: 'PT9H', description: title } : { trigger: '-PT15H', description: `Tomorrow: ${title}` };
}

const latest = (dates: readonly Date[]) => new Date(Math.max(0, ...dates.map((d) => d.getTime())));

/** The address a calendar application subscribes to, on PUBLIC_URL whatever host the page was asked under. */
export const calendarFeedUrl = (token: string, publicUrl = env().PUBLIC_URL) => `${publicUrl}/calendar/${token}.ics`;

// --- conditional requests ----------------------------------------------------------------

/**
 * A weak ETag (the response may be compressed on the way) from the SHA-256 of
 * the feed's bytes, which depend only on the data it shows.
 */
export const feedEtag = (body: string) => `W/"${encodeBase32LowerCaseNoPadding(sha256(new TextEncoder().encode(body)).slice(0, 20))}"`;

const opaqueTag = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * Whether a GET may answer 304 (RFC 9110 13.1.2, 13.1.3): If-None-Match by weak
 * comparison when present (If-Modified-Since is then ignored), otherwise
 * If-Modified-Since against Last-Modified at the one-second precision of HTTP dates.
 */
export function isNotModified(headers: Headers, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = headers.get('if-none-match');
  if (ifNoneMatch !== null) {
    const tags = ifNoneMatch.split(',').map((t) => t.trim());
    return tags.includes('*') || tags.some((t) => opaqueTag(t) === opaqueTag(etag));
  }
  const ifModifiedSince = headers.get('if-modified-since');
  if (ifModifiedSince === null) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}
