import type { CalendarPort, ProviderName } from './port.ts';
import type { GoogleAuth } from './google/google-calendar.ts';

/** A calendar connection that is set up wrongly: names the variable and what is expected. */
export { CalendarSetupError } from '../cli/known-errors.ts';
import { CalendarSetupError } from '../cli/known-errors.ts';
import { readSecretFile } from '../secret-file.ts';
import { parseLimit } from '../daemon/time-limits.ts';

/**
 * The calendar connections configured in the environment. Secrets come from files the
 * environment names (never from the configuration folder), and are never logged.
 *
 * Google: GOOGLE_SERVICE_ACCOUNT_KEY_FILE (domain-wide delegation), or
 * GOOGLE_OAUTH_CLIENT_ID + GOOGLE_OAUTH_CLIENT_SECRET(_FILE) + GOOGLE_REFRESH_TOKENS_FILE;
 * GOOGLE_API_ROOT_URL and GOOGLE_TOKEN_URL to go through a proxy.
 *
 * A provider's client library is loaded only when it is configured: a company on iCalendar
 * feeds alone does not load the Google and Microsoft clients (some 150 files) at every start.
 */
export async function providersFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Partial<Record<ProviderName, CalendarPort>>> {
  const ports: Partial<Record<ProviderName, CalendarPort>> = {};
  const settings = calendarSettingsFromEnv(env);
  if (settings.google) {
    const { GoogleCalendar } = await import('./google/google-calendar.ts');
    ports.google = new GoogleCalendar(settings.google);
  }
  if (settings.microsoft) {
    const { MicrosoftCalendar } = await import('./microsoft/microsoft-calendar.ts');
    ports.microsoft = new MicrosoftCalendar(settings.microsoft);
  }
  return ports;
}

/**
 * What the environment sets up for each provider, checked (a CalendarSetupError names the
 * variable and what it expects): read by providersFromEnv, and by the daemon before it starts —
 * a bad GOOGLE_TIMEOUT_MS or a key file that is not there stops the start with that message,
 * instead of a daemon that serves and fails every job (the feeds' too) in a retry loop.
 */
export function calendarSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const auth = googleAuth(env);
  const google = auth && { auth, rootUrl: endpoint(env, 'GOOGLE_API_ROOT_URL'), tokenUrl: endpoint(env, 'GOOGLE_TOKEN_URL'), timeoutMs: timeoutOf(env.GOOGLE_TIMEOUT_MS) };
  if (!configuresMicrosoft(env)) return { google };
  const secret = env.MS_CLIENT_SECRET_FILE ? readSecret(env.MS_CLIENT_SECRET_FILE, 'MS_CLIENT_SECRET_FILE') : env.MS_CLIENT_SECRET;
  for (const [name, value] of [['MS_TENANT_ID', env.MS_TENANT_ID], ['MS_CLIENT_ID', env.MS_CLIENT_ID], ['MS_CLIENT_SECRET or MS_CLIENT_SECRET_FILE', secret]] as const) {
    if (!value) throw new CalendarSetupError(`${name}: expected a value for the Microsoft 365 app registration`);
  }
  return {
    google,
    microsoft: {
      credentials: { tenantId: env.MS_TENANT_ID!, clientId: env.MS_CLIENT_ID!, clientSecret: secret!, authorityHost: endpoint(env, 'MS_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com' },
      graphBaseUrl: endpoint(env, 'MS_GRAPH_BASE_URL'),
    },
  };
}

/**
 * An address that replaces a provider's own (a proxy in front): http or https, refused at start
 * when it is not one — an address with a password in it is refused without being repeated (the
 * clients would quote it in every error, and Graph's fetch never sends it).
 */
function endpoint(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CalendarSetupError(`${name}: expected an http or https address, like "https://proxy.corp.example:8443/", found ${JSON.stringify(text)}`);
  }
  if (url.username || url.password) throw new CalendarSetupError(`${name}: expected an address without a user name or password in it (touchbase does not send them; let the proxy admit this host instead)`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CalendarSetupError(`${name}: expected an http or https address, found one starting ${JSON.stringify(url.protocol)}`);
  return text;
}

/** GOOGLE_TIMEOUT_MS: milliseconds ("30000"), or a duration with its unit ("30 s", "2 min"). */
function timeoutOf(text: string | undefined): number | undefined {
  if (!text?.trim()) return undefined;
  const ms = /^\s*\d+\s*$/.test(text) ? Number(text) : parseLimit(text);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 1000) {
    throw new CalendarSetupError(`GOOGLE_TIMEOUT_MS: expected a time of at least 1 s, in milliseconds like "30000" or with its unit like "30 s", found ${JSON.stringify(text)}`);
  }
  return ms;
}

/** Loads the client libraries of the providers the environment configures (a process kept warm does it ahead). */
export async function loadProviderLibraries(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (configuresGoogle(env)) await import('./google/google-calendar.ts');
  if (configuresMicrosoft(env)) await import('./microsoft/microsoft-calendar.ts');
}

/** Whether the environment sets up a Google connection (a service account, or OAuth). */
function configuresGoogle(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.GOOGLE_SERVICE_ACCOUNT_KEY_FILE || env.GOOGLE_OAUTH_CLIENT_ID);
}

/** Whether the environment sets up a Microsoft 365 connection. */
function configuresMicrosoft(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.MS_TENANT_ID || env.MS_CLIENT_ID);
}

/** The calendar's secrets (a client secret: the file's whole text, trimmed, as before). */
function readSecret(path: string, variable: string): string {
  return readSecretFile(path, variable, setupError, 'whole').trim();
}

function setupError(message: string): Error {
  return new CalendarSetupError(message);
}

function googleAuth(env: NodeJS.ProcessEnv): GoogleAuth | undefined {
  if (env.GOOGLE_SERVICE_ACCOUNT_KEY_FILE) {
    const key = readJson(env.GOOGLE_SERVICE_ACCOUNT_KEY_FILE, 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE') as { client_email?: string; private_key?: string };
    if (!key.client_email || !key.private_key) {
      throw new CalendarSetupError('GOOGLE_SERVICE_ACCOUNT_KEY_FILE: expected a service account key (JSON with client_email and private_key)');
    }
    return { kind: 'service-account', clientEmail: key.client_email, privateKey: key.private_key };
  }
  if (env.GOOGLE_OAUTH_CLIENT_ID) {
    const secret = env.GOOGLE_OAUTH_CLIENT_SECRET_FILE ? readSecret(env.GOOGLE_OAUTH_CLIENT_SECRET_FILE, 'GOOGLE_OAUTH_CLIENT_SECRET_FILE') : env.GOOGLE_OAUTH_CLIENT_SECRET;
    if (!secret) throw new CalendarSetupError('GOOGLE_OAUTH_CLIENT_SECRET or GOOGLE_OAUTH_CLIENT_SECRET_FILE: expected the OAuth client secret');
    if (!env.GOOGLE_REFRESH_TOKENS_FILE) throw new CalendarSetupError('GOOGLE_REFRESH_TOKENS_FILE: expected a JSON file mapping each employee e-mail to their refresh token');
    const tokens = readJson(env.GOOGLE_REFRESH_TOKENS_FILE, 'GOOGLE_REFRESH_TOKENS_FILE');
    if (!tokens || typeof tokens !== 'object' || Object.values(tokens).some((v) => typeof v !== 'string')) {
      throw new CalendarSetupError('GOOGLE_REFRESH_TOKENS_FILE: expected a JSON object like {"anna@corp.example": "1//0g..."}');
    }
    return { kind: 'oauth', clientId: env.GOOGLE_OAUTH_CLIENT_ID, clientSecret: secret, refreshTokens: new Map(Object.entries(tokens as Record<string, string>)) };
  }
  return undefined;
}

function readJson(path: string, variable: string): unknown {
  // The key of a service account, the employees' refresh tokens: secrets.
  const text = readSecretFile(path, variable, setupError, 'whole');
  try {
    return JSON.parse(text);
  } catch {
    throw new CalendarSetupError(`${variable}: ${path} is not valid JSON`);
  }
}
