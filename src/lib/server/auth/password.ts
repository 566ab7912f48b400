// Password hashing (argon2id, OWASP's minimum parameters) and the password rule.
import { hash, verify, parseOptions, type Algorithm } from '@node-rs/argon2';
import { z } from 'zod';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** Length only: composition rules make passwords weaker and harder to remember (NIST SP 800-63B). */
export const passwordSchema = z
  .string({ error: 'Enter a password.' })
  .min(PASSWORD_MIN, { error: `Use at least ${PASSWORD_MIN} characters.` })
  .max(PASSWORD_MAX, { error: `Use at most ${PASSWORD_MAX} characters.` });

const ARGON2 = {
  // Algorithm.Argon2id; the package declares a const enum, which type stripping cannot inline.
  algorithm: 2 as Algorithm,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** False (never an exception) for a malformed stored hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other parameters and should be replaced at the next sign-in. */
export function needsRehash(storedHash: string): boolean {
  try {
    const o = parseOptions(storedHash);
    return (
      o.algorithm !== ARGON2.algorithm ||
      o.memoryCost !== ARGON2.memoryCost ||
      o.timeCost !== ARGON2.timeCost ||
      o.parallelism !== ARGON2.parallelism
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for sign-ins with an unknown
 * or inactive email, so response times do not reveal which accounts exist.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword('opspath-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** A readable random password for "generate one for me": 20 characters of 5 bits = 100 bits. */
export function generatePassword(): string {
  // 32 symbols without look-alikes (no l, o, 0, 1); 32 divides 256, so b >> 3 has no bias.
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  const chars = Array.from(bytes, (b) => alphabet[b >> 3]);
  // Groups of five are easier to read out and type.
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}
