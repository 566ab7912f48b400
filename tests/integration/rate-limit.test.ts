import { afterAll, describe, expect, it } from 'vitest';
import { createDatabaseLoginThrottle, createLoginThrottle, TokenBucketLimiter, type LoginThrottle } from '#server/auth/rate-limit.ts';
import { openDatabase } from '#server/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

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

type Store = 'memory' | 'database';
const databases: TestDatabase[] = [];
afterAll(() => databases.forEach((d) => d.cleanup()));
async function throttleIn(store: Store, now: () => number): Promise<LoginThrottle> {
  if (store === 'memory') return createLoginThrottle(now);
  const database = await createTestDatabase('throttle');
  databases.push(database);
  return createDatabaseLoginThrottle(database.db, now);
}

describe.each<Store>(['memory', 'database'])('login throttle (%s)', (store) => {
  it('limits one account to 5 tries at once from any mix of IPs, then one a minute', async () => {
    const c = clock();
    const throttle = await throttleIn(store, c.now);
    for (let i = 0; i < 5; i++) expect((await throttle.attempt(`10.0.0.${i}`, 'a@x.test')).allowed).toBe(true);
    expect(await throttle.attempt('10.0.0.200', 'a@x.test')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    c.advance(60_000);
    expect((await throttle.attempt('10.0.0.201', 'a@x.test')).allowed).toBe(true);
    expect((await throttle.attempt('10.0.0.202', 'a@x.test')).allowed).toBe(false);
  });

  it('limits one IP across many accounts to 30, then one every 2 s', async () => {
    const c = clock();
    const throttle = await throttleIn(store, c.now);
    for (let i = 0; i < 30; i++) expect((await throttle.attempt('10.1.1.1', `user${i}@x.test`)).allowed).toBe(true);
    expect(await throttle.attempt('10.1.1.1', 'another@x.test')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    expect((await throttle.attempt('10.1.1.2', 'another@x.test')).allowed).toBe(true);
  });

  it('a refusal by one bucket takes nothing from the other', async () => {
    const c = clock();
    const throttle = await throttleIn(store, c.now);
    for (let i = 0; i < 5; i++) await throttle.attempt('10.2.2.2', 'locked@x.test');
    for (let i = 0; i < 20; i++) expect((await throttle.attempt('10.2.2.2', 'locked@x.test')).allowed).toBe(false);
    // Those refusals did not drain the IP: 25 more accounts still fit (30 - 5 used).
    for (let i = 0; i < 25; i++) expect((await throttle.attempt('10.2.2.2', `u${i}@x.test`)).allowed).toBe(true);
  });

  it('a successful sign-in clears the account’s bucket', async () => {
    const throttle = await throttleIn(store, clock().now);
    for (let i = 0; i < 5; i++) await throttle.attempt('10.3.3.3', 'me@x.test');
    await throttle.succeeded('me@x.test');
    expect((await throttle.attempt('10.3.3.3', 'me@x.test')).allowed).toBe(true);
  });

  it('a known device has its own allowance: the account’s being spent does not refuse it, nor it the account', async () => {
    const c = clock();
    const throttle = await throttleIn(store, c.now);
    const device = 'owner@x.test:device-one';
    for (let i = 0; i < 5; i++) expect((await throttle.attempt(`10.4.4.${i}`, 'owner@x.test')).allowed).toBe(true);
    expect(await throttle.attempt('10.4.4.9', 'owner@x.test')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    // The owner's device still gets its five, then one a minute like an account.
    for (let i = 0; i < 5; i++) expect((await throttle.attempt('10.4.5.1', 'owner@x.test', device)).allowed).toBe(true);
    expect(await throttle.attempt('10.4.5.1', 'owner@x.test', device)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    // Another device of the same account is not refused for the first one's failures.
    expect((await throttle.attempt('10.4.5.2', 'owner@x.test', 'owner@x.test:device-two')).allowed).toBe(true);
    // Success on the device clears the device only: the account stays throttled for unknown devices.
    await throttle.succeeded('owner@x.test', device);
    expect((await throttle.attempt('10.4.5.1', 'owner@x.test', device)).allowed).toBe(true);
    expect((await throttle.attempt('10.4.4.10', 'owner@x.test')).allowed).toBe(false);
  });

  it('keeps the per-IP limit for known devices too', async () => {
    const throttle = await throttleIn(store, clock().now);
    for (let i = 0; i < 30; i++) await throttle.attempt('10.5.5.5', `d${i}@x.test`);
    expect(await throttle.attempt('10.5.5.5', 'd0@x.test', 'd0@x.test:device')).toEqual({ allowed: false, retryAfterSeconds: 2 });
  });
});

describe('login throttle in the database', () => {
  it('is one limit for every process: two connections to one file share the buckets', async () => {
    const database = await createTestDatabase('throttle-shared');
    databases.push(database);
    const second = openDatabase({ url: database.url });
    try {
      const c = clock();
      const [a, b] = [createDatabaseLoginThrottle(database.db, c.now), createDatabaseLoginThrottle(second.db, c.now)];
      // In turn, not at once: two connections in one thread would wait on each other's
      // write lock (separate processes do not; tests/e2e/shutdown.test.ts signs in against a cluster).
      const results = [];
      for (let i = 0; i < 8; i++) results.push(await (i % 2 ? a : b).attempt(`10.9.9.${i}`, 'shared@x.test'));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, false]);
    } finally {
      second.close();
    }
  });

  it('stores hashes, not the IP or the email typed', async () => {
    const database = await createTestDatabase('throttle-hash');
    databases.push(database);
    await createDatabaseLoginThrottle(database.db).attempt('203.0.113.7', 'secret-person@x.test');
    const dump = JSON.stringify((await database.client.execute('select * from rate_limit_buckets')).rows);
    expect(dump).not.toContain('203.0.113.7');
    expect(dump).not.toContain('secret-person');
    expect((await database.client.execute('select count(*) from rate_limit_buckets')).rows[0]![0]).toBe(2);
  });

  it('forgets buckets that have filled up again, now and then', async () => {
    const database = await createTestDatabase('throttle-sweep');
    databases.push(database);
    const c = clock();
    const throttle = createDatabaseLoginThrottle(database.db, c.now);
    await throttle.attempt('10.4.4.4', 'old@x.test');
    c.advance(10 * 60_000);
    // Enough attempts from elsewhere to reach a sweep (every 200 per process).
    for (let i = 0; i < 200; i++) await throttle.attempt(`10.5.${i >> 8}.${i & 255}`, `n${i}@x.test`);
    const keys = (await database.client.execute(`select count(*) from rate_limit_buckets where refilled_at = ${1_000_000}`)).rows[0]![0];
    expect(keys).toBe(0);
    const count = Number((await database.client.execute('select count(*) from rate_limit_buckets')).rows[0]![0]);
    expect(count).toBeLessThanOrEqual(400);
  });
});
