import type { DB } from './database.ts';
import { dashboardDb } from './dashboard-tables.ts';

/** Records a one-time sign-in link (by the hash of its token; the token itself is never stored). */
export async function insertSignInLink(db: DB, link: { tokenHash: string; employee: string | null; createdAt: string; expiresAt: string }): Promise<void> {
  await dashboardDb(db).insertInto('dashboard_sign_in')
    .values({ token_hash: link.tokenHash, employee_id: link.employee, created_at: link.createdAt, expires_at: link.expiresAt, used_at: null }).execute();
}

/** An unused, unexpired link: whom it signs in (null: the first director). */
export async function openSignInLink(db: DB, tokenHash: string, nowIso: string): Promise<{ employee: string | null } | undefined> {
  const row = await dashboardDb(db).selectFrom('dashboard_sign_in').select('employee_id')
    .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', nowIso).executeTakeFirst();
  return row ? { employee: row.employee_id } : undefined;
}

/**
 * Uses a link: marks it used in one conditional UPDATE, so that of two clicks racing exactly
 * one signs in. Undefined when it was used, expired or never existed.
 */
export async function useSignInLink(db: DB, tokenHash: string, nowIso: string): Promise<{ employee: string | null } | undefined> {
  const row = await dashboardDb(db).updateTable('dashboard_sign_in').set({ used_at: nowIso })
    .where('token_hash', '=', tokenHash).where('used_at', 'is', null).where('expires_at', '>', nowIso)
    .returning('employee_id').executeTakeFirst();
  return row ? { employee: row.employee_id } : undefined;
}

/** Records that a session was signed out, until it would have expired anyway. */
export async function revokeSession(db: DB, nonceHash: string, nowIso: string, expiresAt: string): Promise<void> {
  await dashboardDb(db).insertInto('dashboard_sign_in')
    .values({ token_hash: `session:${nonceHash}`, employee_id: null, created_at: nowIso, expires_at: expiresAt, used_at: nowIso })
    .onConflict((oc) => oc.column('token_hash').doNothing()).execute();
}

export async function isSessionRevoked(db: DB, nonceHash: string): Promise<boolean> {
  const row = await dashboardDb(db).selectFrom('dashboard_sign_in').select('token_hash').where('token_hash', '=', `session:${nonceHash}`).executeTakeFirst();
  return row !== undefined;
}

/** Forgets links and sign-outs past their expiry (they can never be used again anyway). */
export async function purgeExpiredSignIns(db: DB, nowIso: string): Promise<void> {
  await dashboardDb(db).deleteFrom('dashboard_sign_in').where('expires_at', '<=', nowIso).execute();
}

/** The language a person chose for the dashboard, if any. */
export async function languageChoice(db: DB, employee: string): Promise<string | undefined> {
  return (await dashboardDb(db).selectFrom('dashboard_prefs').select('language').where('employee_id', '=', employee).executeTakeFirst())?.language;
}

export async function setLanguageChoice(db: DB, employee: string, language: string): Promise<void> {
  await dashboardDb(db).insertInto('dashboard_prefs').values({ employee_id: employee, language })
    .onConflict((oc) => oc.column('employee_id').doUpdateSet({ language })).execute();
}
