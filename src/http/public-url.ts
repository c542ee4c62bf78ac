import type { Config } from '../domain/types.ts';

/**
 * Where people reach touchbase's HTTP server (feed addresses, one-click links):
 * TOUCHBASE_PUBLIC_URL, else settings.http.public_url, else http://host:port.
 */
export function publicUrl(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  return (env.TOUCHBASE_PUBLIC_URL || config.settings.http.publicUrl).replace(/\/$/, '');
}
