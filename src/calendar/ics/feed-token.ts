import { createHmac } from 'node:crypto';
import type { DB } from '../../storage/database.ts';
import { localSecret } from '../../storage/local-secrets.ts';

/**
 * The secret that makes feed URLs unguessable: TOUCHBASE_FEED_SECRET if set, else one
 * generated once and kept in the local database (never in the repository or the logs).
 */
export async function feedSecret(db: DB, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return localSecret(db, 'feed', env.TOUCHBASE_FEED_SECRET);
}

/** The per-employee feed token: an HMAC of the employee id, not the id itself. */
export function feedToken(secret: string, employeeId: string): string {
  return createHmac('sha256', secret).update(`feed:${employeeId}`).digest('base64url').slice(0, 32);
}
