import { randomBytes } from 'node:crypto';
import type { DB } from './database.ts';

/**
 * A secret from the environment if set, else one generated once and kept in the local
 * database (never in the repository or the logs). Two processes racing to create it agree:
 * the first insert wins and both read it back.
 */
export async function localSecret(db: DB, name: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  const row = await db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirst();
  if (row) return row.value;
  const value = randomBytes(32).toString('base64url');
  await db.insertInto('local_secrets').values({ name, value }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return (await db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value;
}

/** A local fact of this installation kept beside the secrets (not itself secret), or undefined. */
export async function localValue(db: DB, name: string): Promise<string | undefined> {
  return (await db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirst())?.value;
}

export async function setLocalValue(db: DB, name: string, value: string): Promise<void> {
  await db.insertInto('local_secrets').values({ name, value }).onConflict((oc) => oc.column('name').doUpdateSet({ value })).execute();
}
