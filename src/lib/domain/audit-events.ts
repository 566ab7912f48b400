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

const text = (v: unknown) => (v === null || v === undefined || v === '' ? 'nothing' : `“${String(v)}”`);
const day = (v: unknown) => (typeof v === 'string' && v !== '' ? formatLongDay(v) : 'no date');
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
    case 'team.member_added':
      return 'Added a person to the team';
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
    case 'notification.settings_changed': {
      const off = Array.isArray(after?.off) ? after.off.map(String) : [];
      return off.length === 0 ? 'Turned every notification on' : `Changed notifications: off for ${off.join(', ')}`;
    }
    case 'notification.unsubscribed':
      return `Unsubscribed from ${String(after?.kind ?? 'a notification')} by email link`;
    case 'skill.rated': {
      const skillId = String(after?.skillId ?? '');
      const skill = labels.skills?.get(skillId) ?? skillId;
      const kind = RATING_KINDS[String(after?.kind)] ?? 'rating';
      const level = Number(after?.level);
      const name = Number.isInteger(level) ? LEVELS[level]?.label : undefined;
      return `Gave a ${kind} of ${String(after?.level ?? '?')}${name ? ` (${name})` : ''} for ${skill}`;
    }
    default:
      // Another feature's event: its verb in words rather than a code.
      return event.action
        .replace(/^[a-z]+\./, '')
        .replaceAll('_', ' ')
        .replace(/^./, (c) => c.toUpperCase());
  }
}

/** Who acted: their name; a row without an actor is a failed sign-in by whoever typed, or the system (the demo seed, a catalog sync). */
export const auditActor = (event: AuditEventLike, name: string | null | undefined) =>
  name ??
  (event.action === 'auth.sign_in_failed'
    ? 'Someone at the sign-in page'
    : event.action === 'account.reset_requested'
      ? 'Someone at the forgot-password page'
      : 'The system');
