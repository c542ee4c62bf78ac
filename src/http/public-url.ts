import type { Settings } from '../domain/types.ts';

/**
 * Where people reach touchbase's HTTP server (feed addresses, one-click links):
 * TOUCHBASE_PUBLIC_URL, else settings.http.public_url, else http://host:port.
 */
export function publicUrl(settings: Settings, env: NodeJS.ProcessEnv = process.env): string {
  const { host, port, publicUrl: configured } = settings.http;
  return (env.TOUCHBASE_PUBLIC_URL || configured || `http://${host}:${port}`).replace(/\/$/, '');
}
