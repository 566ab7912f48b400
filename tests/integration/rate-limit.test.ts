import { describe, expect, it } from 'vitest';
import { createLoginThrottle, TokenBucketLimiter } from '../../src/lib/server/rate-limit.ts';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('TokenBucketLimiter', () => {
  it('allows `max` at once, then refuses with the seconds until the next token', () => {
    const c = clock();
    const bucket = new TokenBucketLimiter<string>(3, 10_000, c.now);
    expect([1, 2, 3].map(() => bucket.consume('k').allowed)).toEqual([true, true, true]);
    expect(bucket.consume('k')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    c.advance(4_000);
    expect(bucket.consume('k')).toEqual({ allowed: false, retryAfterSeconds: 6 });
  });

  it('refills one token per interval in milliseconds (Lucia example’s missing * 1000)', () => {
    const c = clock();
    const bucket = new TokenBucketLimiter<string>(2, 60_000, c.now);
    bucket.consume('k');
    bucket.consume('k');
    c.advance(59_999);
    expect(bucket.check('k').allowed).toBe(false);
    c.advance(1);
    expect(bucket.consume('k').allowed).toBe(true);
    expect(bucket.consume('k').allowed).toBe(false);
  });

  it('keeps the part of an interval already waited while the bucket is not full', () => {
    const c = clock();
    const bucket = new TokenBucketLimiter<string>(2, 10_000, c.now);
    bucket.consume('k');
    bucket.consume('k');
    c.advance(15_000); // one token back, 5 s towards the next
    expect(bucket.consume('k').allowed).toBe(true);
    c.advance(5_000);
    expect(bucket.consume('k').allowed).toBe(true);
  });

  it('never holds more than max, however long it rests', () => {
    const c = clock();
    const bucket = new TokenBucketLimiter<string>(2, 1_000, c.now);
    bucket.consume('k');
    c.advance(1_000_000);
    expect([1, 2, 3].map(() => bucket.consume('k').allowed)).toEqual([true, true, false]);
  });

  it('keeps keys apart, and check() does not consume', () => {
    const bucket = new TokenBucketLimiter<string>(1, 1_000, clock().now);
    expect(bucket.check('a').allowed).toBe(true);
    expect(bucket.consume('a').allowed).toBe(true);
    expect(bucket.consume('b').allowed).toBe(true);
    expect(bucket.consume('a').allowed).toBe(false);
  });

  it('forgets full buckets once it holds many keys (bounded memory)', () => {
    const c = clock();
    const bucket = new TokenBucketLimiter<number>(1, 1_000, c.now);
    for (let i = 0; i < 10_000; i++) bucket.consume(i);
    c.advance(2_000);
    bucket.consume(-1);
    expect(bucket.size).toBeLessThan(10);
  });
});

describe('login throttle', () => {
  it('limits one account to 5 tries at once from any mix of IPs, then one a minute', () => {
    const c = clock();
    const throttle = createLoginThrottle(c.now);
    for (let i = 0; i < 5; i++) expect(throttle.attempt(`10.0.0.${i}`, 'a@x.test').allowed).toBe(true);
    expect(throttle.attempt('10.0.0.200', 'a@x.test')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    c.advance(60_000);
    expect(throttle.attempt('10.0.0.201', 'a@x.test').allowed).toBe(true);
    expect(throttle.attempt('10.0.0.202', 'a@x.test').allowed).toBe(false);
  });

  it('limits one IP across many accounts to 30, then one every 2 s', () => {
    const c = clock();
    const throttle = createLoginThrottle(c.now);
    for (let i = 0; i < 30; i++) expect(throttle.attempt('10.1.1.1', `user${i}@x.test`).allowed).toBe(true);
    expect(throttle.attempt('10.1.1.1', 'another@x.test')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect(throttle.attempt('10.1.1.2', 'another@x.test').allowed).toBe(true);
  });

  it('a refusal by one bucket takes nothing from the other', () => {
    const c = clock();
    const throttle = createLoginThrottle(c.now);
    for (let i = 0; i < 5; i++) throttle.attempt('10.2.2.2', 'locked@x.test');
    for (let i = 0; i < 20; i++) expect(throttle.attempt('10.2.2.2', 'locked@x.test').allowed).toBe(false);
    // Those refusals did not drain the IP: 25 more accounts still fit (30 - 5 used).
    for (let i = 0; i < 25; i++) expect(throttle.attempt('10.2.2.2', `u${i}@x.test`).allowed).toBe(true);
  });

  it('a successful sign-in clears the account’s bucket', () => {
    const throttle = createLoginThrottle(clock().now);
    for (let i = 0; i < 5; i++) throttle.attempt('10.3.3.3', 'me@x.test');
    throttle.succeeded('me@x.test');
    expect(throttle.attempt('10.3.3.3', 'me@x.test').allowed).toBe(true);
  });
});
