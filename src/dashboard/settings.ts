import type { OidcSettings } from './oidc.ts';
import { readSecretFile } from '../secret-file.ts';

/** How people sign in to the dashboard, from the environment. */
export interface DashboardAuth {
  /** The company's identity provider, when one is configured. */
  readonly oidc: OidcSettings | undefined;
  /** TOUCHBASE_SESSION_SECRET; without it one is generated and kept in the database. */
  readonly sessionSecret: string | undefined;
}

/** A setting that cannot work (a half-configured provider, an unreadable secret file). */
export class DashboardSettingsError extends Error {}

/**
 * TOUCHBASE_OIDC_ISSUER, TOUCHBASE_OIDC_CLIENT_ID and TOUCHBASE_OIDC_CLIENT_SECRET_FILE (or
 * TOUCHBASE_OIDC_CLIENT_SECRET); TOUCHBASE_SESSION_SECRET. All three provider variables or none.
 */
export function dashboardAuthFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardAuth {
  const issuer = env.TOUCHBASE_OIDC_ISSUER?.trim() || undefined;
  const clientId = env.TOUCHBASE_OIDC_CLIENT_ID?.trim() || undefined;
  let clientSecret = env.TOUCHBASE_OIDC_CLIENT_SECRET || undefined;
  const file = env.TOUCHBASE_OIDC_CLIENT_SECRET_FILE || undefined;
  if (file) {
    clientSecret = readSecretFile(file, 'TOUCHBASE_OIDC_CLIENT_SECRET_FILE', (message) => new DashboardSettingsError(message)) || undefined;
    // A file named and empty is a mistake of its own: "missing TOUCHBASE_OIDC_CLIENT_SECRET_FILE" for a variable that is set misled (QA).
    if (!clientSecret) throw new DashboardSettingsError(`TOUCHBASE_OIDC_CLIENT_SECRET_FILE: ${file} has no secret on its first line; expected the client secret the identity provider gave for touchbase`);
  }
  const given = [issuer, clientId, clientSecret].filter(Boolean).length;
  if (given > 0 && given < 3) {
    const missing = [!issuer && 'TOUCHBASE_OIDC_ISSUER', !clientId && 'TOUCHBASE_OIDC_CLIENT_ID', !clientSecret && 'TOUCHBASE_OIDC_CLIENT_SECRET_FILE (or TOUCHBASE_OIDC_CLIENT_SECRET)'].filter(Boolean);
    throw new DashboardSettingsError(`dashboard sign-in: set all of TOUCHBASE_OIDC_ISSUER, TOUCHBASE_OIDC_CLIENT_ID and TOUCHBASE_OIDC_CLIENT_SECRET_FILE, or none; missing ${missing.join(', ')}`);
  }
  if (issuer) {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw new DashboardSettingsError(`TOUCHBASE_OIDC_ISSUER: expected the issuer's address like https://accounts.google.com, found ${JSON.stringify(issuer)}`);
    }
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      throw new DashboardSettingsError(`TOUCHBASE_OIDC_ISSUER: expected an https address (plain http only on this machine), found ${JSON.stringify(issuer)}`);
    }
  }
  return { oidc: issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : undefined, sessionSecret: env.TOUCHBASE_SESSION_SECRET || undefined };
}
