import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import type { Env } from '../http/daemon-app.ts';
import type { Language } from '../domain/types.ts';
import type { Clock } from '../clock.ts';
import type { DB } from '../storage/database.ts';
import { daemonApp, type Readiness, type RecordedLink } from '../http/daemon-app.ts';
import { listen } from '../http/feed-server.ts';
import { eventsRoute } from '../http/events-api.ts';
import { shownErrors } from '../config/config-issue.ts';
import { linkSecret, type IsWorkday } from '../http/action-links.ts';
import type { BusinessEvent } from '../workflows/trigger-events.ts';
import type { EventResult, ServedAddress } from './job-runner.ts';

export interface DaemonHttpDeps {
  readonly host: string;
  readonly port: number;
  readonly db: DB;
  readonly feedDir: string;
  readonly clock: Clock;
  readonly apiToken: string | undefined;
  readonly zoneOf: (employee: string) => string;
  readonly workdays?: (() => Promise<IsWorkday>) | undefined;
  readonly language?: (() => Language) | undefined;
  readonly readiness: () => Promise<Readiness>;
  /** Why nothing can be recorded now (the database file deleted or replaced), or undefined. */
  readonly unavailable?: () => string | undefined;
  readonly status: () => Promise<unknown>;
  readonly metrics: { text(): Promise<string>; readonly contentType: string };
  readonly onOutcome: (outcome: RecordedLink) => void;
  readonly requestSync: () => void;
  readonly reload: () => Promise<boolean>;
  /** The errors of the change last refused, as shownIssueLines keeps them (the log's and `status`'s); none once one is applied. */
  readonly configErrors: () => readonly string[];
  readonly receiveEvent: (event: BusinessEvent) => Promise<EventResult>;
  /** Routes with their own sign-in (the dashboard). */
  readonly routes?: ((app: Hono<Env>) => void) | undefined;
  readonly onServerError?: ((error: Error, request: string) => void) | undefined;
}

/** Serves the daemon's HTTP app; resolves with its URL and the address really bound (port 0 → the one chosen). */
export async function serveDaemonHttp(deps: DaemonHttpDeps): Promise<{ server: ServerType; url: string; address: ServedAddress }> {
  const { db } = deps;
  const app = daemonApp({
    feedDir: deps.feedDir, db, clock: deps.clock, apiToken: deps.apiToken,
    linkSecret: () => linkSecret(db),
    zoneOf: deps.zoneOf, workdays: deps.workdays, language: deps.language, readiness: deps.readiness, unavailable: deps.unavailable, status: deps.status, metrics: deps.metrics, onOutcome: deps.onOutcome, routes: deps.routes,
    onServerError: deps.onServerError,
    api: (api) => {
      api.post('/sync', (c) => {
        deps.requestSync();
        return c.json({ requested: 'sync' }, 202);
      });
      // A deploy script learns why, not only that: the errors as the log and `status` say them.
      api.post('/reload', async (c) => {
        const applied = await deps.reload();
        if (applied) return c.json({ applied });
        const { errors, count } = shownErrors(deps.configErrors());
        return c.json({ applied, errors, errorCount: count });
      });
      eventsRoute(api, deps.receiveEvent);
    },
  });
  const { server, url } = await listen(app, deps.host, deps.port);
  const bound = server.address() as AddressInfo;
  return { server, url, address: { host: deps.host, port: bound.port } };
}
