import type { Config } from '../domain/types.ts';
import type { ServedAddress } from './job-runner.ts';

/**
 * The configuration as a job of the running daemon sees it: settings.http names the address
 * the daemon really serves (`--host`/`--port` win over the file), so feed URLs and one-click
 * links built from it (when no public_url is set) reach this daemon, not the default port.
 */
export function withServedAddress(config: Config, served: ServedAddress | undefined): Config {
  if (!served) return config;
  const http = config.settings.http;
  if (http.host === served.host && http.port === served.port) return config;
  return Object.freeze({ ...config, settings: Object.freeze({ ...config.settings, http: Object.freeze({ ...http, host: served.host, port: served.port }) }) });
}
