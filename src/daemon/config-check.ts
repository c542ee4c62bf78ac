import type { Config } from '../domain/types.ts';
import { guardedClients } from '../domain/removal-guard.ts';
import { checkSnapshot } from '../config/load-config.ts';
import type { ConfigSnapshot } from '../config/snapshot.ts';
import { formatWarning } from '../config/config-issue.ts';
import type { CheckResult, ConfigSummary } from './job-runner.ts';

/** What the daemon keeps of a valid configuration. */
export function summarise(config: Config): ConfigSummary {
  return {
    settings: config.settings, clients: config.clients.length, ...guardedClients(config), overdueAfterDays: config.overdue.afterDays, directors: config.dashboard.directors,
    employees: config.employees.map((e) => ({ id: e.id, name: e.name, calendar: e.calendar, timezone: e.timezone, country: e.country, email: e.email, role: e.role })),
  };
}

/** Validates a snapshot: the summary the daemon keeps, and the configuration for a job. */
export function checkOf(snapshot: ConfigSnapshot): { result: CheckResult; config: Config | undefined } {
  const { config, issues, warnings } = checkSnapshot(snapshot);
  if (!config) return { result: { ok: false, issues, explaining: warnings }, config: undefined };
  const said = warnings.length > 0 ? { warnings: { first: warnings.slice(0, WARNINGS_KEPT).map(formatWarning), count: warnings.length } } : {};
  return { result: { ok: true, summary: summarise(config), ...said }, config };
}

/** How many of a valid configuration's warnings the daemon logs (`validate` lists them all). */
const WARNINGS_KEPT = 20;
