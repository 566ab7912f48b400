// What OpsPath sends by email, and who may turn what off. Pure: the outbox
// (src/lib/server/outbox), the delivery worker and the settings page share it.

/** Account messages: they let someone in, so no one can turn them off. */
export const ACCOUNT_MESSAGE_KINDS = ['invitation', 'password-reset', 'email-change', 'email-change-notice'] as const;

/** Notifications: each can be turned off by its recipient, and carries a one-click unsubscribe. */
export const NOTIFICATION_KINDS = [
  'certification-reminder',
  'ramp-digest',
  'ramp-plan-started',
  'ramp-task-assigned',
  'team-summary',
  'review-requested',
  'review-reminder',
] as const;

export const MESSAGE_KINDS = [...ACCOUNT_MESSAGE_KINDS, ...NOTIFICATION_KINDS] as const;

export type AccountMessageKind = (typeof ACCOUNT_MESSAGE_KINDS)[number];
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** pending: waiting (first try or a retry); sending: claimed by a worker; sent; failed: gave up after the last attempt. */
export const OUTBOX_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const ACCOUNT_TOKEN_PURPOSES = ['password-reset', 'invitation', 'email-change'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** A person's choices; a kind that is absent takes its default (on). */
export type NotificationSettings = Partial<Record<NotificationKind, boolean>>;

export const isNotificationKind = (kind: string): kind is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(kind);

/** Whether a person with these settings receives a message of this kind. Account messages always go. */
export function receives(settings: NotificationSettings | null | undefined, kind: MessageKind): boolean {
  if (!isNotificationKind(kind)) return true;
  return settings?.[kind] ?? true;
}

/** What each kind is called where people choose what they receive, and in the admin outbox. */
export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  invitation: 'Invitation to OpsPath',
  'password-reset': 'Password reset',
  'email-change': 'Confirm a new email address',
  'email-change-notice': 'Email address change notice',
  'certification-reminder': 'Certification reminders',
  'ramp-digest': 'Weekly ramp plan digest',
  'ramp-plan-started': 'A ramp plan starts for you',
  'ramp-task-assigned': 'A ramp task is assigned to you',
  'team-summary': 'Weekly summary of your team (managers)',
  'review-requested': 'A skills review is opened for you',
  'review-reminder': 'Skills review reminders before the due date',
};

/** Delivery attempts before a message is marked failed, and the backoff between them. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 6 * 60 * 60_000;

/**
 * When to try again after `attempts` failed tries: 30 s, 1 min, 2 min, ...
 * doubling up to 6 h, with up to 20 % jitter (pass `random`) so many messages
 * failing together do not retry in lockstep. Null once attempts are used up.
 */
export function nextAttemptDelayMs(attempts: number, random = 0): number | null {
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return null;
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (1 + 0.2 * Math.min(1, Math.max(0, random))));
}
