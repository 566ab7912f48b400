// Message-IDs, apart from delivery.ts so the admin outbox can show one without loading the mail client.
import { createHash } from 'node:crypto';
import { env } from '#server/env.ts';

/**
 * The Message-ID of a message: a hash of its idempotency key on the
 * PUBLIC_URL host. A resend after a crash carries the same one, so the
 * recipient's client (or a person) can see it is the same message; the key
 * itself (which may name a token's row) never leaves the server.
 */
export function messageIdFor(idempotencyKey: string, publicUrl = env().PUBLIC_URL): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${hash}@${new URL(publicUrl).hostname}>`;
}
