// The development log of the outbox, kept apart from delivery.ts so that
// enqueueing (in request code) does not load the mail client.
import type { MessageKind, OutboxState } from '#domain/messages.ts';
import { env } from '#server/env.ts';

/**
 * One server log line per queued or delivered message, in development only,
 * with the id, kind and state: never the address, body, links or tokens.
 */
export function logMessage(
  event: { id: number; kind: MessageKind; state: OutboxState | 'queued'; attempts?: number },
  log: ((line: string) => void) | null = env().NODE_ENV === 'development' ? (line) => console.info(line) : null,
) {
  const attempts = event.attempts === undefined ? '' : ` attempts=${event.attempts}`;
  log?.(`outbox: message ${event.id} ${event.kind} ${event.state}${attempts}`);
}
