// Account lockout resistance against the real server (OWASP device cookies):
// someone guessing a password from elsewhere spends the account's allowance
// and stays throttled (429 with Retry-After), while the owner's browser,
// which signed in before and holds a device cookie, still signs in with the
// right password. A forged cookie or another account's does not help.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Database } from '#server/db/client.ts';
import { rateLimitBuckets } from '#server/db/schema.ts';
import { baseUrl, createPerson, serverDatabase } from '../support/app.ts';

const DEVICE_COOKIE = /^(?:__Host-)?opspath_device=([^;]+)/;

// Every test file signs in from 127.0.0.1, so they share one per-IP allowance.
// This file's guesses are about the account and device buckets: it starts and
// leaves the per-IP buckets full, so it neither starves nor is starved by others.
const refillIpBuckets = () => database.db.delete(rateLimitBuckets).where(eq(rateLimitBuckets.scope, 'ip'));

let database: Database;
beforeAll(async () => {
  database = serverDatabase();
  await refillIpBuckets();
});
afterAll(async () => {
  await refillIpBuckets();
  database?.close();
});

/** A sign-in form post, as a browser sends it, with the cookies given; the device cookie it was handed, if any. */
async function postLogin(email: string, password: string, cookie?: string) {
  const res = await fetch(`${baseUrl()}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: baseUrl(),
      ...(cookie ? { cookie: `opspath_device=${cookie}` } : {}),
    },
    body: new URLSearchParams({ email, password }),
  });
  const header = res.headers.getSetCookie().find((h) => DEVICE_COOKIE.test(h)) ?? null;
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    header,
    device: header ? DEVICE_COOKIE.exec(header)![1]! : null,
  };
}

describe('device cookies', () => {
  it('are given on a successful sign-in only: HttpOnly, SameSite=Lax, Path=/, long-lived (no Secure outside production)', async () => {
    const person = await createPerson(database, { label: 'device-attrs' });
    expect((await postLogin(person.email, 'not the password')).header).toBeNull();
    const { status, header } = await postLogin(person.email, person.password);
    expect(status).toBe(303);
    expect(header).toMatch(/^opspath_device=v1\.[a-z2-7]{24}\.[A-Za-z0-9_-]{43};/);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Secure/i);
    expect(Number(/Max-Age=(\d+)/i.exec(header!)?.[1])).toBeGreaterThanOrEqual(180 * 24 * 60 * 60);
  });

  it('keep the owner in while an attacker without one stays throttled', async () => {
    const owner = await createPerson(database, { label: 'device-owner' });
    const neighbour = await createPerson(database, { label: 'device-neighbour' });
    const ownDevice = (await postLogin(owner.email, owner.password)).device!;
    const neighbourDevice = (await postLogin(neighbour.email, neighbour.password)).device!;
    expect(ownDevice).toBeTruthy();

    const attacker: number[] = [];
    for (let i = 0; i < 6; i++) attacker.push((await postLogin(owner.email, `guess-${i}`)).status);
    expect(attacker).toEqual([400, 400, 400, 400, 400, 429]);
    const locked = await postLogin(owner.email, owner.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);

    // The owner's browser signs in with the right password, and gets a fresh device cookie.
    const back = await postLogin(owner.email, owner.password, ownDevice);
    expect(back.status).toBe(303);
    expect(back.device).toMatch(/^v1\./);

    // Another account's cookie, or a forged one, is no device of this account.
    for (const forged of [neighbourDevice, `${ownDevice.slice(0, -4)}AAAA`, `v1.${'a'.repeat(24)}.${ownDevice.split('.')[2]}`]) {
      const r = await postLogin(owner.email, owner.password, forged);
      expect(r.status).toBe(429);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    // The owner's sign-in did not lift the attacker's throttle.
    expect((await postLogin(owner.email, 'guess-again')).status).toBe(429);
  });
});
