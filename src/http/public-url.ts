import { hostname } from 'node:os';
import type { Settings } from '../domain/types.ts';

/**
 * Where people reach touchbase's HTTP server (feed addresses, one-click links):
 * TOUCHBASE_PUBLIC_URL, else settings.http.public_url, else http://host:port — where the
 * running daemon passes the host and port it really serves, a wildcard address (0.0.0.0, ::)
 * becomes this machine's name, and an IPv6 address gets its brackets.
 */
export function publicUrl(settings: Settings, env: NodeJS.ProcessEnv = process.env): string {
  const { host, port, publicUrl: configured } = settings.http;
  const reachable = isWildcard(host) ? hostname() : host.includes(':') ? `[${host}]` : host;
  return (env.TOUCHBASE_PUBLIC_URL || configured || `http://${reachable}:${port}`).replace(/\/$/, '');
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
