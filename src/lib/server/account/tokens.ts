// Account link tokens: 160 random bits in the link, only their SHA-256 in
// account_tokens, so a leaked database or backup holds no usable link. A
// person has at most one live link of each purpose: issuing one revokes the
// earlier ones, and using one is a single conditional UPDATE, so two tabs
// submitting the same link at once cannot both succeed.
import { createHash } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { linkLifetimeMs, linkState, type LinkState } from '#domain/account-messages.ts';
import type { AccountTokenPurpose } from '#domain/messages.ts';
import type { Executor } from '#server/db/client.ts';
import { accountTokens, type AccountToken } from '#server/db/schema.ts';

/** 20 random bytes = 160 bits, as 32 lower-case base32 characters. */
export const newLinkToken = () => encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));

const TOKEN_SHAPE = /^[a-z2-7]{32}$/;
export const looksLikeLinkToken = (token: string) => TOKEN_SHAPE.test(token);

/** A lookup by the hash needs no constant-time compare: finding the row already requires knowing the whole secret. */
export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type IssuedLink = { id: number; token: string; expiresAt: Date };

/** Revokes the person's live links of this purpose (all purposes when none is given). */
export async function revokeLiveLinks(tx: Executor, userId: number, now: Date, purpose?: AccountTokenPurpose): Promise<number> {
  const result = await tx
    .update(accountTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(accountTokens.userId, userId),
        purpose ? eq(accountTokens.purpose, purpose) : undefined,
        isNull(accountTokens.usedAt),
        isNull(accountTokens.revokedAt),
      ),
    );
  return result.rowsAffected;
}

/** A new link for the person; any earlier unused one of the same purpose stops working. */
export async function issueLink(
  tx: Executor,
  input: { userId: number; purpose: AccountTokenPurpose; createdBy: number | null; now: Date },
): Promise<IssuedLink> {
  await revokeLiveLinks(tx, input.userId, input.now, input.purpose);
  const token = newLinkToken();
  const expiresAt = new Date(input.now.getTime() + linkLifetimeMs(input.purpose));
  const [row] = await tx
    .insert(accountTokens)
    .values({
      userId: input.userId,
      purpose: input.purpose,
      tokenHash: hashLinkToken(token),
      createdBy: input.createdBy,
      createdAt: input.now,
      expiresAt,
    })
    .returning({ id: accountTokens.id });
  return { id: row!.id, token, expiresAt };
}

export type FoundLink = { link: AccountToken; state: LinkState };

/** The stored link behind a token of this purpose, with its state; undefined for an unknown or malformed one. */
export async function findLink(db: Executor, purpose: AccountTokenPurpose, token: string, now: Date): Promise<FoundLink | undefined> {
  if (!looksLikeLinkToken(token)) return undefined;
  const [link] = await db
    .select()
    .from(accountTokens)
    .where(and(eq(accountTokens.tokenHash, hashLinkToken(token)), eq(accountTokens.purpose, purpose)))
    .limit(1);
  return link ? { link, state: linkState(link, now) } : undefined;
}

/** Marks a link used if it still is usable at `now`; false when another request used it first, or it died meanwhile. */
export async function useLink(tx: Executor, linkId: number, now: Date): Promise<boolean> {
  const result = await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(eq(accountTokens.id, linkId), isNull(accountTokens.usedAt), isNull(accountTokens.revokedAt), gt(accountTokens.expiresAt, now)),
    );
  return result.rowsAffected === 1;
}

/** The person's newest invitation, if they ever had one. */
export async function latestInvitation(db: Executor, userId: number): Promise<AccountToken | undefined> {
  const [row] = await db
    .select()
    .from(accountTokens)
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, 'invitation')))
    .orderBy(desc(accountTokens.id))
    .limit(1);
  return row;
}
