// Audit events in words: the one formatter that turns an audit_log row's
// action and before/after snapshots into a sentence a manager can read ("Changed
// the start date from 1 September 2026 to 2 September 2026"). Who acted is
// shown beside it, from the row's actor. Pure: the page hands in the names.
import { formatLongDay } from './calendar.ts';
import { LEVELS } from './scale.ts';

type Snapshot = Readonly<Record<string, unknown>> | null | undefined;

export type AuditEventLike = { action: string; before?: Snapshot; after?: Snapshot };

/** Names for what a snapshot holds as ids: a role and tier, a skill. Missing ones show as they are. */
export type AuditLabels = {
  position?: (jobRole: string | null, tier: string | null) => string;
  skills?: ReadonlyMap<string, string>;
};

const ROLE_NAMES: Record<string, string> = { admin: 'admin', manager: 'manager', member: 'member' };
const RATING_KINDS: Record<string, string> = { self: 'self-rating', manager: 'manager rating' };

const REVIEW_EVENTS: Record<string, string> = {
  addSkill: 'Added a skill to a skills review',
  saveSelf: 'Saved a draft self-assessment',
  submitSelf: 'Submitted a self-assessment',
  saveManager: 'Saved a draft manager assessment',
  submitManager: 'Submitted a manager assessment',
  revealSelf: 'Chose to see the self-assessment before assessing',
  agree: 'Recorded the agreed levels of a skills review',
  signOff: 'Signed off a skills review',
  cancel: 'Cancelled a skills review',
};
const text = (v: unknown) => (v === null || v === undefined || v === '' ? 'nothing' : `“${String(v)}”`);
const day = (v: unknown) => (typeof v === 'string' && v !== '' ? formatLongDay(v) : 'no date');
/** A ramp task by its title when the snapshot has one. */
const task = (title: unknown) => (typeof title === 'string' && title !== '' ? `the ramp task “${title}”` : 'a ramp task');
const onOff = (v: unknown) => (v === true ? 'on' : 'off');
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const count = (n: unknown, one: string, many = `${one}s`) => {
  const k = typeof n === 'number' ? n : 0;
  return `${k} ${k === 1 ? one : many}`;
};

function profileChanges(before: Snapshot, after: Snapshot, labels: AuditLabels): string[] {
  const keys = Object.keys(after ?? {});
  const out: string[] = [];
  if (keys.includes('displayName')) out.push(`the name from ${text(before?.displayName)} to ${text(after?.displayName)}`);
  if (keys.includes('jobRole') || keys.includes('tier')) {
    const position = labels.position ?? ((r: string | null, t: string | null) => [r, t].filter(Boolean).join(' · ') || 'none');
    out.push(
      `the role and tier from ${position(str(before?.jobRole), str(before?.tier))} to ${position(str(after?.jobRole), str(after?.tier))}`,
    );
  }
  if (keys.includes('startDate')) out.push(`the start date from ${day(before?.startDate)} to ${day(after?.startDate)}`);
  return out;
}

/** One sentence for an audit event, e.g. "Deactivated the account and ended 2 sessions". */
export function describeAuditEvent(event: AuditEventLike, labels: AuditLabels = {}): string {
  const sentence = describeChange(event, labels);
  // A change made by a people import says which one, so the log leads back to the file.
  const importId = event.after?.importId;
  return typeof importId === 'number' ? `${sentence} (people import ${importId})` : sentence;
}

function describeChange(event: AuditEventLike, labels: AuditLabels): string {
  const { before, after } = event;
  switch (event.action) {
    case 'org.company_sign_in_changed':
      return `Set company sign-in: ${onOff(after?.requireCompanySignIn)} for requiring it (admins may still use passwords), ${onOff(after?.createPeopleOnFirstSignIn)} for adding unknown people as members at their first sign-in`;
    case 'user.created':
      if (after?.source === 'company sign-in')
        return `Joined as a member at their first company sign-in, starting ${day(after?.startDate)}`;
      return `Added the person as ${ROLE_NAMES[String(after?.role)] ?? 'a person'}, starting ${day(after?.startDate)}`;
    case 'user.updated': {
      const changes = profileChanges(before, after, labels);
      return changes.length === 0 ? 'Saved the profile without changes' : `Changed ${changes.join('; ')}`;
    }
    case 'user.role_changed':
      return `Changed the account role from ${ROLE_NAMES[String(before?.role)] ?? 'unknown'} to ${ROLE_NAMES[String(after?.role)] ?? 'unknown'}, ending ${count(after?.endedSessions, 'session')}`;
    case 'user.deactivated':
      return `Deactivated the account, ending ${count(after?.endedSessions, 'session')}`;
    case 'user.activated':
      return 'Reactivated the account';
    case 'user.teams_changed':
      return `Moved the person to the team ${text(after?.teamName)} (they were in ${count(Array.isArray(before?.teamIds) ? before.teamIds.length : 0, 'team')})`;
    case 'people.imported':
      return `Imported people from ${text(after?.fileName)}: ${count(after?.created, 'person', 'people')} added, ${count(after?.updated, 'person', 'people')} updated, ${count(after?.teamsCreated, 'team')} created, ${count(after?.managersChanged, 'manager')} appointed, ${count(after?.deactivated, 'person', 'people')} deactivated, ${count(after?.invited, 'invitation')} sent`;
    case 'team.member_removed':
      return 'Took a person out of the team';
    case 'auth.sign_in':
      return after?.method === 'company' ? 'Signed in with company sign-in' : 'Signed in';
    case 'outbox.message_resent':
      return `Queued a message to be sent again (it was ${String(before?.state ?? 'unknown')} after ${count(before?.attempts, 'attempt')})`;
    case 'auth.sign_in_failed':
      return `A sign-in failed (${String(after?.reason ?? 'unknown reason')})`;
    case 'auth.sign_out':
      return 'Signed out';
    case 'auth.sign_out_everywhere':
      return `Signed out everywhere, ending ${count(after?.endedSessions, 'session')}`;
    case 'auth.password_changed':
      return `Changed the password, ending ${count(after?.endedSessions, 'other session')}`;
    case 'account.reset_requested':
      return 'Asked for a password reset link (valid for 1 hour)';
    case 'account.reset_started':
      return 'Sent a password reset link (valid for 1 hour)';
    case 'account.password_reset':
      return `Chose a new password through a reset link, ending ${count(after?.endedSessions, 'session')}`;
    case 'account.invitation_sent':
      return after?.resent
        ? 'Sent a new invitation (valid for 7 days); the earlier link stopped working'
        : 'Sent an invitation (valid for 7 days)';
    case 'account.invitation_revoked':
      return 'Withdrew the pending invitation';
    case 'account.invitation_accepted':
      return 'Accepted the invitation and chose a password';
    case 'account.email_change_requested':
      return `Asked to change the email to ${text(after?.newEmail)} (waiting for that address to confirm, 24 hours)`;
    case 'account.email_changed':
      return `Confirmed the new email: ${text(before?.email)} became ${text(after?.email)}`;
    case 'notification.settings_changed': {
      const off = Array.isArray(after?.off) ? after.off.map(String) : [];
      return off.length === 0 ? 'Turned every notification on' : `Changed notifications: off for ${off.join(', ')}`;
    }
    case 'notification.unsubscribed':
      return `Unsubscribed from ${String(after?.kind ?? 'a notification')} by email link`;
    case 'review.cycle_opened':
      return `Opened the review cycle ${text(after?.name)}, due ${day(after?.dueOn)}, for ${count(after?.people, 'person', 'people')}`;
    case 'review.changed':
      return `${REVIEW_EVENTS[String(after?.event)] ?? 'Changed a skills review'}`;
    case 'skill.rated': {
      const skillId = String(after?.skillId ?? '');
      const skill = labels.skills?.get(skillId) ?? skillId;
      const kind = RATING_KINDS[String(after?.kind)] ?? 'rating';
      const level = Number(after?.level);
      const name = Number.isInteger(level) ? LEVELS[level]?.label : undefined;
      return `Gave a ${kind} of ${String(after?.level ?? '?')}${name ? ` (${name})` : ''} for ${skill}`;
    }
    case 'org.created':
      return 'Created the organisation';
    case 'org.time_zone_changed':
      return `Changed the organisation's time zone from ${text(before?.timeZone)} to ${text(after?.timeZone)}`;
    case 'org.spreadsheet_locale_changed':
      return `Changed how spreadsheets are read and written from ${text(before?.spreadsheetLocale)} to ${text(after?.spreadsheetLocale)}`;
    case 'team.created':
      return `Created the team ${text(after?.name)}`;
    case 'team.renamed':
      return `Renamed the team from ${text(before?.name)} to ${text(after?.name)}`;
    case 'team.manager_changed':
      return 'Changed who manages the team';
    case 'team.member_added':
      return 'Added a person to the team';
    case 'skill.catalog_synced':
      return 'Brought the skill catalog up to date with the content';
    case 'skill.created':
      return `Added the skill ${text(after?.name)}`;
    case 'skill.ratings_imported':
      return `Imported ${count(after?.written, 'skill rating')} from a spreadsheet`;
    case 'skill.target_set': {
      const skill = labels.skills?.get(String(after?.skillId ?? '')) ?? String(after?.skillId ?? 'a skill');
      const position =
        labels.position?.(str(after?.jobRole), str(after?.tier)) ?? [after?.jobRole, after?.tier].filter(Boolean).join(' · ');
      const lvl = (v: unknown) => (typeof v === 'number' ? `${v} (${LEVELS[v]?.label ?? '?'})` : 'no target');
      const whose = (v: unknown) => (v === 'organisation' ? '' : ", OpsPath's suggestion");
      return `Changed the ${skill} target for ${position || 'a role and tier'} from ${lvl(before?.level)}${whose(before?.source)} to ${lvl(after?.level)}${whose(after?.source)}`;
    }
    case 'skill.resource_added':
      return `Added the learning resource ${text(after?.title)} to ${labels.skills?.get(String(after?.skillId ?? '')) ?? String(after?.skillId ?? 'a skill')}`;
    case 'skill.resource_removed':
      return `Removed the learning resource ${text(before?.title)} from ${labels.skills?.get(String(before?.skillId ?? '')) ?? String(before?.skillId ?? 'a skill')}`;
    case 'ramp.plan_started':
      return `Started a 90-day ramp plan${after?.startDate ? ` beginning ${day(after.startDate)}` : ''}`;
    case 'ramp.plan_completed':
      return 'Completed the ramp plan';
    case 'ramp.plan_closed':
      return 'Closed the ramp plan before it was complete';
    case 'ramp.task_added':
      return `Added ${task(after?.title)}`;
    case 'ramp.task_updated':
      return `Changed ${task(after?.title ?? before?.title)}`;
    case 'ramp.task_moved':
      return `Moved ${task(after?.title ?? before?.title)}`;
    case 'ramp.task_removed':
      return `Removed ${task(before?.title ?? after?.title)}`;
    case 'ramp.task_done':
      return `Checked off ${task(after?.title ?? before?.title)}`;
    case 'ramp.task_undone':
      return `Unchecked ${task(after?.title ?? before?.title)}`;
    case 'certification.record_added':
      return `Recorded a certification${after?.certificationId ? ` (${String(after.certificationId)})` : ''}`;
    case 'certification.record_updated':
      return 'Changed a certification record';
    case 'certification.record_renewed':
      return 'Recorded the renewal of a certification';
    case 'certification.reminder_handled':
      return 'Marked a certification reminder as handled';
    case 'certification.settings_updated':
      return 'Changed when certification reminders start';
    case 'certification.requirement_added':
      return 'Added a required certification';
    case 'certification.requirement_removed':
      return 'Removed a required certification';
    case 'calendar.token_created':
      return 'Created a calendar feed address';
    case 'calendar.token_revoked':
      return 'Revoked a calendar feed address';
    default:
      return fallbackWording(event.action);
  }
}

/** An event this module has no sentence for (a newer feature's): its verb in words rather than a code. */
export const fallbackWording = (action: string) =>
  action
    .replace(/^[a-z]+\./, '')
    .replaceAll('_', ' ')
    .replace(/^./, (c) => c.toUpperCase());

// --- kinds: what the audit log's filter groups actions into -----------------------------

/** The kinds the audit log filters by, in the order the filter lists them. */
export const AUDIT_KINDS = [
  'sign-in',
  'people',
  'ratings',
  'reviews',
  'certifications',
  'ramp',
  'account',
  'outbox',
  'settings',
  'other',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  'sign-in': 'Sign-in and sign-out',
  people: 'People and teams',
  ratings: 'Skills and ratings',
  reviews: 'Skills reviews',
  certifications: 'Certifications',
  ramp: 'Ramp plans',
  account: 'Account links, calendar feeds and notifications',
  outbox: 'Outbox',
  settings: 'Organisation settings',
  other: 'Other',
};

/**
 * An action's kind follows from its family (the part before the dot), so a
 * new action lands in its family's kind without a list to update. The audit
 * feature turns this table into the SQL expression its index is built on
 * (migration 0013 spells the same expression; a test compares them).
 */
export const AUDIT_KIND_OF_FAMILY: Readonly<Record<string, Exclude<AuditKind, 'other'>>> = {
  auth: 'sign-in',
  user: 'people',
  team: 'people',
  people: 'people',
  // The framework's targets and learning resources are skill.* actions, so
  // they stay with the skills; a review (and its cycle) is its own kind.
  skill: 'ratings',
  review: 'reviews',
  certification: 'certifications',
  ramp: 'ramp',
  account: 'account',
  calendar: 'account',
  notification: 'account',
  outbox: 'outbox',
  org: 'settings',
};

export const isAuditKind = (v: unknown): v is AuditKind => typeof v === 'string' && (AUDIT_KINDS as readonly string[]).includes(v);

export function auditKindOf(action: string): AuditKind {
  const dot = action.indexOf('.');
  return (dot > 0 ? AUDIT_KIND_OF_FAMILY[action.slice(0, dot)] : undefined) ?? 'other';
}

/** Who acted: their name; a row without an actor is a failed sign-in by whoever typed, or the system (the demo seed, a catalog sync). */
export const auditActor = (event: AuditEventLike, name: string | null | undefined) =>
  name ??
  (event.action === 'auth.sign_in_failed'
    ? 'Someone at the sign-in page'
    : event.action === 'account.reset_requested'
      ? 'Someone at the forgot-password page'
      : 'The system');

/** Whom an event was about, for a log row: the person or team, else what kind of record it was. */
export function auditSubject(row: { targetType: string | null; subjectName: string | null }): string {
  if (row.subjectName) return row.subjectName;
  switch (row.targetType) {
    case 'organisation':
      return 'The organisation';
    case 'skill':
      return 'The skill catalog';
    case 'calendar_token':
      return 'A calendar feed address';
    case 'outbox_message':
      return 'A message in the outbox';
    case null:
      return '';
    default:
      return 'A record that no longer exists';
  }
}
