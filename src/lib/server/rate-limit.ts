// Sign-in throttling with refilling token buckets (Lucia's "Rate limiting"
// guide; its example omits a `* 1000` when turning the refill interval into
// milliseconds; here every duration is in milliseconds from the start).
//
// State lives in this process's memory: with several web processes each one
// throttles on its own, so the effective limit is multiplied by the number of
// processes. Acceptable for sign-in (an attacker still gets only a handful of
// guesses a minute per process); move the buckets to a shared store if that
// ever matters.

export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

type Bucket = { tokens: number; refilledAt: number };

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

  #refilled(key: K, at: number): Bucket {
    const bucket = this.#buckets.get(key);
    if (!bucket) return { tokens: this.max, refilledAt: at };
    const gained = Math.floor((at - bucket.refilledAt) / this.refillIntervalMs);
    if (gained <= 0) return bucket;
    const tokens = Math.min(this.max, bucket.tokens + gained);
    // Keep the partial interval already waited, unless the bucket is full again.
    const refilledAt = tokens === this.max ? at : bucket.refilledAt + gained * this.refillIntervalMs;
    return { tokens, refilledAt };
  }

  /** Would `cost` tokens be available now? Changes nothing. */
  check(key: K, cost = 1): Decision {
    const at = this.#now();
    return this.#decide(this.#refilled(key, at), at, cost);
  }

  /** Takes `cost` tokens if they are available. */
  consume(key: K, cost = 1): Decision {
    const at = this.#now();
    const bucket = this.#refilled(key, at);
    const decision = this.#decide(bucket, at, cost);
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

  #decide(bucket: Bucket, at: number, cost: number): Decision {
    if (bucket.tokens >= cost) return { allowed: true };
    const missing = cost - bucket.tokens;
    const readyAt = bucket.refilledAt + missing * this.refillIntervalMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((readyAt - at) / 1000)) };
  }

  /** Forgets buckets that have refilled completely (they equal a fresh bucket), bounding memory. */
  #sweepIfLarge(at: number) {
    if (this.#buckets.size < 10_000) return;
    for (const key of this.#buckets.keys()) {
      if (this.#refilled(key, at).tokens >= this.max) this.#buckets.delete(key);
    }
  }
}

export type LoginThrottle = {
  /** Takes a token for this IP and this account; the first refusal wins. */
  attempt(ip: string, account: string): Decision;
  /** A correct password clears the account's failures (not the IP's). */
  succeeded(account: string): void;
};

/**
 * Per IP: 30 attempts at once, then one every 2 s. Generous, because a whole
 * office signs in from one NAT address at nine o'clock; it bounds the argon2
 * work one address can cause (about 1 % of a core) and slows credential
 * stuffing across many accounts. Per account: 5 at once, then one a minute,
 * whatever the IP, so spreading guesses over many addresses does not help.
 * Accounts are keyed by the normalised email whether or not it exists, so
 * throttling reveals nothing about which accounts exist.
 */
export function createLoginThrottle(now: () => number = Date.now): LoginThrottle {
  const byIp = new TokenBucketLimiter<string>(30, 2_000, now);
  const byAccount = new TokenBucketLimiter<string>(5, 60_000, now);
  return {
    attempt(ip, account) {
      // Check both before taking from either, so a refusal costs nothing.
      const ipCheck = byIp.check(ip);
      if (!ipCheck.allowed) return ipCheck;
      const accountCheck = byAccount.check(account);
      if (!accountCheck.allowed) return accountCheck;
      byIp.consume(ip);
      return byAccount.consume(account);
    },
    succeeded(account) {
      byAccount.reset(account);
    },
  };
}

/** The web process's sign-in throttle. */
export const loginThrottle = createLoginThrottle();
