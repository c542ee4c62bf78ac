import { createHash, randomBytes } from 'node:crypto';
import type { DateTime } from 'luxon';
import type { DB } from '../storage/database.ts';
import { insertSignInLink, openSignInLink, useSignInLink } from '../storage/dashboard-sign-in.ts';
import { PREFIX } from './page-types.ts';

/** How long a one-time sign-in link works. */
export const SIGN_IN_LINK_MINUTES = 60;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A one-time sign-in link, as Jupyter prints one: whoever opens it first, within the hour,
 * is signed in as `employee` (null: the first director of the configuration at that moment).
 * Only the token's hash is stored.
 */
export async function mintSignInLink(db: DB, baseUrl: string, employee: string | null, now: DateTime, minutes = SIGN_IN_LINK_MINUTES): Promise<{ url: string; expires: string }> {
  const token = randomBytes(32).toString('base64url');
  const expires = now.plus({ minutes }).toUTC().toISO()!;
  await insertSignInLink(db, { tokenHash: hashOf(token), employee, createdAt: now.toUTC().toISO()!, expiresAt: expires });
  return { url: `${baseUrl}${PREFIX}/auth/link/${token}`, expires };
}

/** Whom a link would sign in, without using it (the confirmation page). */
export async function peekSignInLink(db: DB, token: string, now: DateTime): Promise<{ employee: string | null } | undefined> {
  return TOKEN.test(token) ? openSignInLink(db, hashOf(token), now.toUTC().toISO()!) : undefined;
}

/** Uses a link once: whom it signs in, or undefined when it is used, expired or forged. */
export async function redeemSignInLink(db: DB, token: string, now: DateTime): Promise<{ employee: string | null } | undefined> {
  return TOKEN.test(token) ? useSignInLink(db, hashOf(token), now.toUTC().toISO()!) : undefined;
}

export function sessionHash(nonce: string): string {
  return hashOf(nonce);
}
