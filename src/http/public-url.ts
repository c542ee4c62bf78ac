import { hostname } from 'node:os';
import type { Settings } from '../domain/types.ts';
import { isBaseUrl, PUBLIC_URL } from '../domain/base-url.ts';

/**
 * Where people reach touchbase's HTTP server (feed addresses, one-click links):
 * TOUCHBASE_PUBLIC_URL, else settings.http.public_url, else http://host:port — where the
 * running daemon passes the host and port it really serves, a wildcard address (0.0.0.0, ::)
 * becomes this machine's name, and an IPv6 address gets its brackets.
 */
export function publicUrl(settings: Settings, env: NodeJS.ProcessEnv = process.env): string {
  const { host, port, publicUrl: configured } = settings.http;
  const reachable = isWildcard(host) ? hostname() : host.includes(':') ? `[${host}]` : host;
  return (publicUrlFromEnv(env) || configured || `http://${reachable}:${port}`).replace(/\/$/, '');
}

/**
 * TOUCHBASE_PUBLIC_URL, checked as settings.http.public_url is: an http(s) address, to which
 * links and feed addresses are added (so no ?query or #fragment). Undefined when unset or empty.
 * Unchecked, "notaurl" made every event's links "notaurl/a/done…".
 */
export function publicUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const text = env.TOUCHBASE_PUBLIC_URL?.trim();
  if (!text) return undefined;
  if (!isBaseUrl(text)) throw new RangeError(`TOUCHBASE_PUBLIC_URL: expected ${PUBLIC_URL}, found ${JSON.stringify(text)}`);
  return text;
}

/**
 * An address the server listens at, as people can open it: a wildcard host (0.0.0.0, [::])
 * becomes this machine's name, as in publicUrl. (The raw address is kept for this machine's
 * own requests to the daemon.)
 */
export function reachableUrl(url: string): string {
  const u = new URL(url);
  if (isWildcard(u.hostname.replace(/^\[(.*)\]$/, '$1'))) u.hostname = hostname();
  return u.toString().replace(/\/$/, '');
}

/** Listening on every interface: no address anyone can open. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
