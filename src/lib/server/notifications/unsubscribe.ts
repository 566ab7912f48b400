// One-click unsubscribe tokens (RFC 8058): `<payload>.<mac>`, the payload the
// person and the kind of message, the mac HMAC-SHA256 over it. Nothing is
// stored: a token is checked by recomputing its mac, so the link in a message
// keeps working for as long as the secret stays the same, needs no session,
// and stops one kind of message for one person, nothing else.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isNotificationKind, type NotificationKind } from '#domain/messages.ts';
import { env, type Env } from '#server/env.ts';
import { publicLink } from '#server/outbox/index.ts';

/**
 * The signing key, derived from DEVICE_COOKIE_SECRET (required in production,
 * shared by every process) under its own label, so a device cookie's mac can
 * never pass as an unsubscribe token. Outside production, without the secret,
 * the key comes from DATABASE_URL: the job that writes a message and the
 * server that answers its link may be different processes, and must agree.
 */
export function unsubscribeKey(config: Pick<Env, 'DEVICE_COOKIE_SECRET' | 'DATABASE_URL'> = env()): Buffer {
  if (config.DEVICE_COOKIE_SECRET) return createHmac('sha256', config.DEVICE_COOKIE_SECRET).update('opspath-unsubscribe:v1').digest();
  return createHash('sha256').update(`opspath-unsubscribe:dev:${config.DATABASE_URL}`).digest();
}

const mac = (payload: string, key: Buffer) => createHmac('sha256', key).update(payload).digest('base64url');

export function unsubscribeToken(userId: number, kind: NotificationKind, key = unsubscribeKey()): string {
  const payload = Buffer.from(`v1:${userId}:${kind}`, 'utf8').toString('base64url');
  return `${payload}.${mac(payload, key)}`;
}

/** The person and kind a token names, or null for anything forged, cut short or of an unknown kind. */
export function readUnsubscribeToken(token: string, key = unsubscribeKey()): { userId: number; kind: NotificationKind } | null {
  const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, payload, given] = match as unknown as [string, string, string];
  const expected = Buffer.from(mac(payload, key), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const parts = /^v1:(\d{1,12}):([a-z-]{1,40})$/.exec(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!parts || !isNotificationKind(parts[2]!)) return null;
  return { userId: Number(parts[1]), kind: parts[2] };
}

/** The unsubscribe link of one person and kind, on PUBLIC_URL. */
export const unsubscribeLink = (userId: number, kind: NotificationKind, key?: Buffer) =>
  publicLink(`/unsubscribe/${unsubscribeToken(userId, kind, key)}`);

/** The RFC 8058 headers every notification carries. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}
