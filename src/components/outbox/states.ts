// How the admin outbox shows a message's state.
import type { OutboxState } from '#domain/messages.ts';

export const STATE_LABELS: Record<OutboxState, string> = { pending: 'Pending', sending: 'Sending', sent: 'Sent', failed: 'Failed' };
export const STATE_BADGES: Record<OutboxState, string> = { pending: 'neutral', sending: 'warn', sent: 'ok', failed: 'danger' };
