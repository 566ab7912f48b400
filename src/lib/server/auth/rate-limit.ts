// Sign-in throttling with refilling token buckets (Lucia's "Rate limiting"
// guide; its example omits a `* 1000` when turning the refill interval into
// milliseconds; here every duration is in milliseconds from the start).
//
// The bucket arithmetic is pure (refill, decide). Buckets live in the database
// for the running portal (rate_limit_buckets), so every web process and host
// shares one limit: with per-process memory, WEB_CONCURRENCY=4 would have
// allowed four times the guesses. The in-memory store remains for tests and
// for TokenBucketLimiter users that need no sharing.
import { createHash } from 'node:crypto';
import { and, eq, or, sql } from 'drizzle-orm';
import type { Db } from '#server/db/client.ts';
import { rateLimitBuckets } from '#server/db/schema.ts';

export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type Bucket = { tokens: number; refilledAt: number };
export type BucketPolicy = { max: number; refillIntervalMs: number };

/** The bucket at `at`: a missing one is full; tokens come back one per interval, up to max. */
export function refill(bucket: Bucket | undefined, at: number, policy: BucketPolicy): Bucket {
  if (!bucket) return { tokens: policy.max, refilledAt: at };
  const gained = Math.floor((at - bucket.refilledAt) / policy.refillIntervalMs);
  if (gained <= 0) return bucket;
  const tokens = Math.min(policy.max, bucket.tokens + gained);
  // Keep the partial interval already waited, unless the bucket is full again.
  const refilledAt = tokens === policy.max ? at : bucket.refilledAt + gained * policy.refillIntervalMs;
  return { tokens, refilledAt };
}

/** Whether `cost` tokens are there, and if not, how long until they are. */
export function decide(bucket: Bucket, at: number, cost: number, policy: BucketPolicy): Decision {
  if (bucket.tokens >= cost) return { allowed: true };
  const missing = cost - bucket.tokens;
  const readyAt = bucket.refilledAt + missing * policy.refillIntervalMs;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((readyAt - at) / 1000)) };
}

export class TokenBucketLimiter<K> {
  readonly #buckets = new Map<K, Bucket>();
  readonly max: number;
  readonly refillIntervalMs: number;
  readonly #now: () => number;

  /** Holds up to `max` tokens and gains one every `refillIntervalMs`. */
  constructor(max: number, refillIntervalMs: number, now: () => number = Date.now) {
    this.max = max;
    this.refillIntervalMs = refillIntervalMs;
    this.#now = now;
  }

  /** Would `cost` tokens be available now? Changes nothing. */
  check(key: K, cost = 1): Decision {
    const at = this.#now();
    return decide(refill(this.#buckets.get(key), at, this), at, cost, this);
  }

  /** Takes `cost` tokens if they are available. */
  consume(key: K, cost = 1): Decision {
    const at = this.#now();
    const bucket = refill(this.#buckets.get(key), at, this);
    const decision = decide(bucket, at, cost, this);
    if (decision.allowed) bucket.tokens -= cost;
    this.#buckets.set(key, bucket);
    this.#sweepIfLarge(at);
    return decision;
  }

  reset(key: K): void {
    this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Forgets buckets that have refilled completely (they equal a fresh bucket), bounding memory. */
  #sweepIfLarge(at: number) {
    if (this.#buckets.size < 10_000) return;
    for (const [key, bucket] of this.#buckets) {
      if (refill(bucket, at, this).tokens >= this.max) this.#buckets.delete(key);
    }
  }
}

export type LoginThrottle = {
  /**
   * Takes a token for this IP and, from a known device (`device`: knownDevice's
   * key), that device's bucket, else the account's; the first refusal wins,
   * and a refusal takes nothing.
   */
  attempt(ip: string, account: string, device?: string | null): Promise<Decision>;
  /** A correct password clears the bucket the attempt was counted in: the device's, else the account's (never the IP's). */
  succeeded(account: string, device?: string | null): Promise<void>;
};

/**
 * Per IP: 30 attempts at once, then one every 2 s. Generous, because a whole
 * office signs in from one NAT address at nine o'clock; it bounds the argon2
 * work one address can cause (about 1 % of a core) and slows credential
 * stuffing across many accounts. Per account: 5 at once, then one a minute,
 * whatever the IP, so spreading guesses over many addresses does not help.
 * Accounts are keyed by the normalised email whether or not it exists, so
 * throttling reveals nothing about which accounts exist.
 * The account limit applies to unknown devices only: a browser holding a
 * device cookie of the account (device.ts) has its own bucket of the same
 * size instead, so an attacker who spends the account's allowance does not
 * lock its owner out (OWASP device cookies; ADR 018).
 */
export const IP_POLICY: BucketPolicy = { max: 30, refillIntervalMs: 2_000 };
export const ACCOUNT_POLICY: BucketPolicy = { max: 5, refillIntervalMs: 60_000 };
export const DEVICE_POLICY: BucketPolicy = ACCOUNT_POLICY;

/** The throttle with buckets in this process's memory. */
export function createLoginThrottle(now: () => number = Date.now): LoginThrottle {
  const byIp = new TokenBucketLimiter<string>(IP_POLICY.max, IP_POLICY.refillIntervalMs, now);
  const byAccount = new TokenBucketLimiter<string>(ACCOUNT_POLICY.max, ACCOUNT_POLICY.refillIntervalMs, now);
  const byDevice = new TokenBucketLimiter<string>(DEVICE_POLICY.max, DEVICE_POLICY.refillIntervalMs, now);
  return {
    async attempt(ip, account, device) {
      const [limiter, key] = device ? [byDevice, device] : [byAccount, account];
      // Check both before taking from either, so a refusal costs nothing.
      const ipCheck = byIp.check(ip);
      if (!ipCheck.allowed) return ipCheck;
      const ownCheck = limiter.check(key);
      if (!ownCheck.allowed) return ownCheck;
      byIp.consume(ip);
      return limiter.consume(key);
    },
    async succeeded(account, device) {
      if (device) byDevice.reset(device);
      else byAccount.reset(account);
    },
  };
}

const hashKey = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Every this many attempts, a process deletes buckets that are full again (they equal no row). */
const SWEEP_EVERY = 200;
let attemptsSinceSweep = 0;

/**
 * The throttle with buckets in the database: read, decide and write in one
 * write transaction, so two processes cannot both take the last token.
 */
export function createDatabaseLoginThrottle(db: Db, now: () => number = Date.now): LoginThrottle {
  return {
    async attempt(ip, account, device) {
      const at = now();
      const ipKey = hashKey(ip);
      const [scope, policy, ownKey] = device
        ? (['device', DEVICE_POLICY, hashKey(device)] as const)
        : (['account', ACCOUNT_POLICY, hashKey(account)] as const);
      const decision = await db.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(rateLimitBuckets)
          .where(
            or(
              and(eq(rateLimitBuckets.scope, 'ip'), eq(rateLimitBuckets.key, ipKey)),
              and(eq(rateLimitBuckets.scope, scope), eq(rateLimitBuckets.key, ownKey)),
            ),
          );
        const stored = (s: 'ip' | typeof scope) => rows.find((r) => r.scope === s);
        const ipBucket = refill(stored('ip'), at, IP_POLICY);
        const ownBucket = refill(stored(scope), at, policy);
        const refused = [decide(ipBucket, at, 1, IP_POLICY), decide(ownBucket, at, 1, policy)].find((d) => !d.allowed);
        if (refused) return refused;
        for (const [s, key, bucket] of [
          ['ip', ipKey, ipBucket],
          [scope, ownKey, ownBucket],
        ] as const) {
          const row = { scope: s, key, tokens: bucket.tokens - 1, refilledAt: bucket.refilledAt };
          await tx
            .insert(rateLimitBuckets)
            .values(row)
            .onConflictDoUpdate({
              target: [rateLimitBuckets.scope, rateLimitBuckets.key],
              set: { tokens: row.tokens, refilledAt: row.refilledAt },
            });
        }
        return { allowed: true } as const;
      });
      if (++attemptsSinceSweep >= SWEEP_EVERY) {
        attemptsSinceSweep = 0;
        await sweep(db, at);
      }
      return decision;
    },
    async succeeded(account, device) {
      const [scope, key] = device ? (['device', hashKey(device)] as const) : (['account', hashKey(account)] as const);
      await db.delete(rateLimitBuckets).where(and(eq(rateLimitBuckets.scope, scope), eq(rateLimitBuckets.key, key)));
    },
  };
}

/** Deletes buckets whose missing tokens have all come back by `at`. */
async function sweep(db: Db, at: number) {
  for (const [scope, policy] of [
    ['ip', IP_POLICY],
    ['account', ACCOUNT_POLICY],
    ['device', DEVICE_POLICY],
    ['reset-ip', RESET_IP_POLICY],
    ['reset-address', RESET_ADDRESS_POLICY],
  ] as const) {
    await db
      .delete(rateLimitBuckets)
      .where(
        and(
          eq(rateLimitBuckets.scope, scope),
          sql`${rateLimitBuckets.refilledAt} + (${policy.max} - ${rateLimitBuckets.tokens}) * ${policy.refillIntervalMs} <= ${at}`,
        ),
      );
  }
}

/** Asking for a reset link costs no argon2 work but sends an email, so it is held tighter than sign-in. */
export type ResetThrottle = { attempt(ip: string, address: string): Promise<Decision> };

/**
 * Per address: 3 at once, then one every 15 minutes, so nobody's inbox can be
 * flooded with reset messages. Per IP: 10 at once, then one a minute. Keyed by
 * the normalised address whether or not an account has it, so a refusal says
 * nothing about which accounts exist.
 */
export const RESET_ADDRESS_POLICY: BucketPolicy = { max: 3, refillIntervalMs: 15 * 60_000 };
export const RESET_IP_POLICY: BucketPolicy = { max: 10, refillIntervalMs: 60_000 };

/** The reset throttle with its buckets in the database (shared by every process, like sign-in's). */
export function createDatabaseResetThrottle(db: Db, now: () => number = Date.now): ResetThrottle {
  return {
    async attempt(ip, address) {
      const at = now();
      const wanted = [
        { scope: 'reset-ip', key: hashKey(ip), policy: RESET_IP_POLICY },
        { scope: 'reset-address', key: hashKey(address), policy: RESET_ADDRESS_POLICY },
      ] as const;
      return db.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(rateLimitBuckets)
          .where(or(...wanted.map((w) => and(eq(rateLimitBuckets.scope, w.scope), eq(rateLimitBuckets.key, w.key)))));
        const buckets = wanted.map((w) => ({
          ...w,
          bucket: refill(
            rows.find((r) => r.scope === w.scope && r.key === w.key),
            at,
            w.policy,
          ),
        }));
        const refused = buckets.map((b) => decide(b.bucket, at, 1, b.policy)).find((d) => !d.allowed);
        if (refused) return refused;
        for (const b of buckets) {
          const row = { scope: b.scope, key: b.key, tokens: b.bucket.tokens - 1, refilledAt: b.bucket.refilledAt };
          await tx
            .insert(rateLimitBuckets)
            .values(row)
            .onConflictDoUpdate({
              target: [rateLimitBuckets.scope, rateLimitBuckets.key],
              set: { tokens: row.tokens, refilledAt: row.refilledAt },
            });
        }
        return { allowed: true } as const;
      });
    },
  };
}
