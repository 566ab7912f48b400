// The company sign-in transaction cookie: sealed (AES-256-GCM), so it cannot
// be read, altered or forged, and good only until its expiry.
import { describe, expect, it } from 'vitest';
import { openTransaction, sealTransaction } from '#server/company-sign-in/transaction.ts';

const now = new Date('2026-12-03T09:00:00Z');
const transaction = {
  state: 'state-value',
  nonce: 'nonce-value',
  verifier: 'v'.repeat(43),
  next: '/app/team/',
  expiresAt: now.getTime() + 600_000,
};

describe('the transaction cookie', () => {
  it('opens to what was sealed, without showing it', () => {
    const sealed = sealTransaction(transaction);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('state-value');
    expect(openTransaction(sealed, now)).toEqual(transaction);
  });

  it('refuses a changed, truncated, foreign or missing value', () => {
    const sealed = sealTransaction(transaction);
    const [v, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    for (const value of [`${v}.${iv}.${flipped}.${tag}`, `${v}.${iv}.${body}`, `v2.${iv}.${body}.${tag}`, 'opspath', '', null, undefined]) {
      expect(openTransaction(value, now), String(value)).toBeNull();
    }
  });

  it('is good only until it expires', () => {
    const sealed = sealTransaction(transaction);
    expect(openTransaction(sealed, new Date(transaction.expiresAt - 1))).not.toBeNull();
    expect(openTransaction(sealed, new Date(transaction.expiresAt))).toBeNull();
  });
});
