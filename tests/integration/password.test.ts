import { describe, expect, it } from 'vitest';
import { parseOptions } from '@node-rs/argon2';
import { generatePassword, hashPassword, needsRehash, passwordSchema, verifyDummyPassword, verifyPassword } from '#server/auth/password.ts';

describe('password hashing', () => {
  it('stores an argon2id PHC string with m=19456, t=2, p=1 and a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(parseOptions(a)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });

  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'Correct horse battery')).toBe(false);
  });

  it('treats a malformed stored hash as a failed check, not an error', async () => {
    expect(await verifyPassword('not-a-phc-string', 'anything')).toBe(false);
  });

  it('flags hashes made with other parameters for rehashing', async () => {
    expect(needsRehash(await hashPassword('x'.repeat(8)))).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$9OZ8W6wn8U5Aj1PqiBJQ9cKnRv0zH0WnF6KHWn7R1xw')).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('runs a dummy verification (for unknown emails) that always fails', async () => {
    expect(await verifyDummyPassword('opspath-demo')).toBe(false);
  });
});

describe('password rule', () => {
  it.each([
    ['7 characters', 'x'.repeat(7), false],
    ['8 characters', 'x'.repeat(8), true],
    ['256 characters', 'x'.repeat(256), true],
    ['257 characters', 'x'.repeat(257), false],
    ['no composition rules: all lower-case letters', 'abcdefgh', true],
    ['spaces and unicode count', 'ça va bien ☕', true],
  ])('%s', (_n, value, valid) => {
    expect(passwordSchema.safeParse(value).success).toBe(valid);
  });
});

describe('generatePassword', () => {
  it('makes 4 groups of 5 unambiguous characters, different every time, that pass the rule', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      expect(passwordSchema.safeParse(p).success).toBe(true);
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });
});
