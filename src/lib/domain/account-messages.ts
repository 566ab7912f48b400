// Account links (password reset, invitation) as rules and words: how long a
// link lives, what state a stored link is in, what the messages say, and the
// one rule that keeps someone with a handed-out password on the password page.
// Pure: the account feature (src/lib/server/account) and the middleware use it.
import type { EmailContent } from './email.ts';
import { formatInstantIn } from './calendar.ts';
import type { AccountTokenPurpose } from './messages.ts';

const HOUR_MS = 60 * 60 * 1000;

/** A reset link is short-lived: it is as good as the password while it lasts. */
export const RESET_LINK_TTL_MS = HOUR_MS;
/** An invitation waits a week, long enough for someone who starts on Monday to read it the Friday before. */
export const INVITATION_TTL_MS = 7 * 24 * HOUR_MS;

/** A new address is confirmed within a day: long enough to reach another inbox, short for a link that moves an account. */
export const EMAIL_CHANGE_TTL_MS = 24 * HOUR_MS;

export const linkLifetimeMs = (purpose: AccountTokenPurpose) =>
  purpose === 'password-reset' ? RESET_LINK_TTL_MS : purpose === 'email-change' ? EMAIL_CHANGE_TTL_MS : INVITATION_TTL_MS;

/** Where each link lands (the token follows, then moves into a cookie scoped to this path). */
export const LINK_PATHS: Record<AccountTokenPurpose, string> = {
  'password-reset': '/reset-password/',
  invitation: '/invitation/',
  'email-change': '/confirm-email/',
};

export type StoredLink = { expiresAt: Date; usedAt: Date | null; revokedAt: Date | null };
export type LinkState = 'usable' | 'used' | 'revoked' | 'expired';

/** Used beats revoked beats expired: the page says the most useful reason first. */
export function linkState(link: StoredLink, now: Date): LinkState {
  if (link.usedAt) return 'used';
  if (link.revokedAt) return 'revoked';
  if (now.getTime() >= link.expiresAt.getTime()) return 'expired';
  return 'usable';
}

/** Why a link no longer works, in words, with what to do instead. */
export function deadLinkMessage(purpose: AccountTokenPurpose, state: Exclude<LinkState, 'usable'>): string {
  if (purpose === 'email-change') {
    const why = { used: 'has already been used', revoked: 'was replaced by a newer one or withdrawn', expired: 'has expired' }[state];
    return `This email confirmation link ${why}. Ask for the change again from your account page (or ask an admin); a link works once, for 24 hours.`;
  }
  if (purpose === 'password-reset') {
    const why = { used: 'has already been used', revoked: 'was replaced by a newer one', expired: 'has expired' }[state];
    return `This password reset link ${why}. Ask for a new one from the sign-in page; a link works once, for one hour.`;
  }
  const why = {
    used: 'has already been accepted',
    revoked: 'was withdrawn or replaced by a newer one',
    expired: 'has expired',
  }[state];
  return state === 'used'
    ? `This invitation ${why}. Sign in with the password you chose, or reset it from the sign-in page.`
    : `This invitation ${why}. Ask your manager or an admin to send a new one; an invitation works once, within seven days.`;
}

/** Where an admin reads the invitations of the organisation. */
export type InvitationStatus = 'pending' | 'expired' | 'revoked' | 'accepted';

export function invitationStatus(link: StoredLink, now: Date): InvitationStatus {
  const state = linkState(link, now);
  return state === 'usable' ? 'pending' : state === 'used' ? 'accepted' : state;
}

export const INVITATION_STATUS_LABELS: Record<InvitationStatus, string> = {
  pending: 'Invited, not yet accepted',
  expired: 'Invitation expired',
  revoked: 'Invitation withdrawn',
  accepted: 'Accepted',
};

export type ComposedAccountMessage = { subject: string; content: EmailContent };

type LinkMessageInput = {
  recipientName: string;
  organisationName: string;
  url: string;
  expiresAt: Date;
  /** The organisation's time zone, so "valid until" reads on the clock the person lives by. */
  timeZone: string;
};

export function passwordResetMessage(input: LinkMessageInput & { requestedByAdmin: boolean }): ComposedAccountMessage {
  const until = formatInstantIn(input.expiresAt, input.timeZone);
  return {
    subject: 'Reset your OpsPath password (link valid for 1 hour)',
    content: {
      heading: 'Choose a new OpsPath password',
      paragraphs: [
        `Hello ${input.recipientName},`,
        input.requestedByAdmin
          ? `An admin of ${input.organisationName} started a password reset for your account.`
          : `Someone, probably you, asked to reset the password of your ${input.organisationName} account.`,
        `The link works once, until ${until}. Choosing a new password signs you out everywhere else.`,
        'If you did not ask for this, ignore this message: your password stays as it is.',
      ],
      action: { label: 'Choose a new password', url: input.url },
      footer: ['You get this message because a reset was asked for your account. Account messages cannot be turned off.'],
    },
  };
}

export function invitationMessage(input: LinkMessageInput & { inviterName: string }): ComposedAccountMessage {
  const until = formatInstantIn(input.expiresAt, input.timeZone);
  return {
    subject: `${input.inviterName} invited you to ${input.organisationName} on OpsPath`,
    content: {
      heading: `Join ${input.organisationName} on OpsPath`,
      paragraphs: [
        `Hello ${input.recipientName},`,
        `${input.inviterName} added you to ${input.organisationName} on OpsPath, where you follow your skills, certifications and ramp plan.`,
        `Choose your own password to get started. The link works once, until ${until}.`,
      ],
      action: { label: 'Accept the invitation', url: input.url },
      footer: ['You get this message because someone in your organisation added you. Account messages cannot be turned off.'],
    },
  };
}

/** The message to the new address: the change waits for its confirmation. */
export function emailChangeMessage(
  input: LinkMessageInput & { oldEmail: string; newEmail: string; requestedByAdmin: boolean },
): ComposedAccountMessage {
  const until = formatInstantIn(input.expiresAt, input.timeZone);
  return {
    subject: 'Confirm your new OpsPath email address',
    content: {
      heading: 'Confirm your new email address',
      paragraphs: [
        `Hello ${input.recipientName},`,
        input.requestedByAdmin
          ? `An admin of ${input.organisationName} is changing the email of your OpsPath account from ${input.oldEmail} to ${input.newEmail}.`
          : `You asked to change the email of your ${input.organisationName} account on OpsPath from ${input.oldEmail} to ${input.newEmail}.`,
        `Nothing changes until you confirm. The link works once, until ${until}; after that you sign in with ${input.newEmail}.`,
        'If you did not expect this, ignore this message: the account keeps its current address.',
      ],
      action: { label: 'Confirm the new address', url: input.url },
      footer: ['You get this message because this address was given for an OpsPath account. Account messages cannot be turned off.'],
    },
  };
}

/** The notice to the old address: a change was asked for, and how to stop it. */
export function emailChangeNotice(input: {
  recipientName: string;
  organisationName: string;
  newEmail: string;
  requestedByAdmin: boolean;
}): ComposedAccountMessage {
  return {
    subject: 'A change of your OpsPath email address was asked for',
    content: {
      heading: 'Your OpsPath email address may change',
      paragraphs: [
        `Hello ${input.recipientName},`,
        input.requestedByAdmin
          ? `An admin of ${input.organisationName} asked to move your OpsPath account to ${input.newEmail}.`
          : `Someone signed in to your ${input.organisationName} account asked to move it to ${input.newEmail}.`,
        'The change happens only once that address confirms it. Until then you keep signing in with this one.',
        'If this is not what you want, tell an admin of your organisation, or change your password from the sign-in page.',
      ],
      footer: ['You get this message because it concerns your account. Account messages cannot be turned off.'],
    },
  };
}

/** The page where someone with a handed-out password must choose their own. */
export const FORCED_CHANGE_PATH = '/app/account/password/';

/**
 * The one rule for a forced password change: while it is due, every /app page
 * sends the person to the password page (303), which is the only one left
 * open. Public pages, sign-out and the feeds stay as they are.
 */
export function forcedChangeRedirect(mustChangePassword: boolean, pathname: string): string | null {
  if (!mustChangePassword) return null;
  if (!/^\/app(\/|$)/.test(pathname)) return null;
  const path = pathname.endsWith('/') ? pathname : `${pathname}/`;
  if (path === FORCED_CHANGE_PATH) return null;
  return FORCED_CHANGE_PATH;
}
