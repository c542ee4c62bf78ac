import { counted } from '../domain/english-count.ts';
import { randomBytes } from 'node:crypto';
import type { DB } from './database.ts';

/**
 * The shortest secret accepted from the environment: 32 characters, so that even a hex
 * string carries 128 bits. A one-character TOUCHBASE_LINK_SECRET lets anyone forge one-click
 * links, a short TOUCHBASE_FEED_SECRET makes feed addresses guessable, a short API token
 * can be tried out.
 */
export const MIN_SECRET_LENGTH = 32;

/** A secret from the environment that is too short to be safe: refused, never used. */
export class WeakSecretError extends Error {}

const PURPOSE: Record<string, string> = {
  TOUCHBASE_LINK_SECRET: 'it signs the one-click done/skip/snooze links',
  TOUCHBASE_FEED_SECRET: 'it makes the feed addresses unguessable',
  TOUCHBASE_API_TOKEN: 'it guards the HTTP API',
  TOUCHBASE_SESSION_SECRET: 'it signs the dashboard\'s sign-in sessions',
};

/**
 * Throws a WeakSecretError naming where the secret came from (`source`: the variable, or the file
 * a *_FILE variable names) when `value` is set and shorter than the minimum.
 */
export function requireStrongSecret(variable: string, value: string | undefined, source = variable): void {
  if (value === undefined || value === '') return;
  // Spaces carry nothing (and a secret of 36 of them was taken): only the rest is counted.
  const length = value.trim().length;
  if (length >= MIN_SECRET_LENGTH) return;
  const generated = variable === 'TOUCHBASE_API_TOKEN' ? '' : ', or leave it unset and touchbase generates one and keeps it in its database';
  throw new WeakSecretError(`${source} is ${counted(length, 'character')} long${length !== value.length ? ' without its leading and trailing spaces' : ''}; it must be at least ${MIN_SECRET_LENGTH} `
    + `(128 bits: ${PURPOSE[variable] ?? 'it protects touchbase'}, and a short one can be guessed). `
    + `Make one with "openssl rand -hex 32"${generated}.`);
}

/**
 * What an `Authorization: Bearer` header can carry (RFC 6750's b64token): a token with any
 * other character (a "!", a space) is refused by the HTTP API's check before it is compared,
 * so every request would get a bare 400.
 */
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** Checks every secret the environment gives (at start, before anything is opened). */
export function checkSecretsFromEnv(env: NodeJS.ProcessEnv, apiToken: string | undefined): void {
  requireStrongSecret('TOUCHBASE_LINK_SECRET', env.TOUCHBASE_LINK_SECRET);
  requireStrongSecret('TOUCHBASE_FEED_SECRET', env.TOUCHBASE_FEED_SECRET);
  requireStrongSecret('TOUCHBASE_SESSION_SECRET', env.TOUCHBASE_SESSION_SECRET);
  // The token read from TOUCHBASE_API_TOKEN_FILE is named by its file: that is where to fix it.
  const tokenSource = env.TOUCHBASE_API_TOKEN_FILE ? `The token in TOUCHBASE_API_TOKEN_FILE (${env.TOUCHBASE_API_TOKEN_FILE})` : 'TOUCHBASE_API_TOKEN';
  requireStrongSecret('TOUCHBASE_API_TOKEN', apiToken, tokenSource);
  if (apiToken && !BEARER_TOKEN.test(apiToken)) {
    const bad = [...apiToken].find((ch) => !/[A-Za-z0-9._~+/=-]/.test(ch)) ?? '=';
    throw new WeakSecretError(`${tokenSource} contains ${JSON.stringify(bad)}, which an "Authorization: Bearer" header cannot carry: `
      + 'use letters, digits and - . _ ~ + / only (with "=" at the end at most). Make one with "openssl rand -hex 32".');
  }
}

const VARIABLES: Record<string, string> = { links: 'TOUCHBASE_LINK_SECRET', feed: 'TOUCHBASE_FEED_SECRET', 'dashboard-sessions': 'TOUCHBASE_SESSION_SECRET' };

/**
 * A secret from the environment if set (and long enough), else one generated once and kept
 * in the local database, which only its owner can read (never in the repository or the
 * logs). Two processes racing to create it agree: the first insert wins and both read it back.
 */
export async function localSecret(db: DB, name: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) {
    requireStrongSecret(VARIABLES[name] ?? name, fromEnv);
    return fromEnv;
  }
  const row = await db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (row) return row.value;
  const value = randomBytes(32).toString('base64url');
  await db.insertInto('local_secrets').values({ name, value }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return (await db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value;
}

/** This database's id, named in the feed folder it writes (sync/feed-files.ts, claimFeedsFolder). */
export const FEEDS_OWNER_VALUE = 'feeds.owner';
/** The missed touches the daemon's log has named (daemon/work.ts): bookkeeping, exported as data. */
export const MISSED_LOGGED_VALUE = 'plan.missed_logged';

/** A local fact of this installation kept beside the secrets (not itself secret), or undefined. */
export async function localValue(db: DB, name: string): Promise<string | undefined> {
  return (await db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirst())?.value;
}

export async function setLocalValue(db: DB, name: string, value: string): Promise<void> {
  await db.insertInto('local_secrets').values({ name, value }).onConflict((oc) => oc.column('name').doUpdateSet({ value })).execute();
}
