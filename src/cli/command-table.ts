import type { Command } from 'commander';
import type { CliIO } from './io.ts';

/** What registers one or more commands on the program. */
export type Register = (program: Command, io: CliIO) => void;

interface Entry {
  readonly description: string;
  /** The module that defines the command (loaded only when the command runs or its help is asked). */
  readonly load: () => Promise<Register>;
}

/**
 * Every command by name, with its one-line description and where its code is. `touchbase
 * --help` needs nothing else; running a command loads its module alone (and what that imports),
 * so a command starts without loading every other command's libraries.
 */
export const COMMANDS: Readonly<Record<string, Entry>> = {
  daemon: { description: 'the service (what npm start runs); see The daemon', load: async () => (await import('./commands/daemon.ts')).daemonCommand },
  status: { description: "is the daemon running; each job's last run, result and next run; calendar writes waiting; the last configuration error", load: async () => (await import('./commands/status.ts')).statusCommand },
  once: { description: 'plan and sync once (what the daemon does on each run) and print the next 30 days', load: async () => (await import('./commands/once.ts')).onceCommand },
  validate: { description: 'check the configuration and report every error with its file, line and column; then how each CSV file was read, and any warnings', load: async () => (await import('./commands/validate.ts')).validateCommand },
  plan: { description: 'show the contact plan for a period and record it (stable ids for done/skip)', load: async () => (await import('./commands/plan.ts')).planCommand },
  event: { description: 'a business event (order.shipped, invoice.sent…) becomes a touch for the right employee, in their calendar at once', load: async () => (await import('./commands/workflows.ts')).eventCommand },
  checks: { description: 'run the daily checks now (overdue, silence, escalations; --digest: the weekly digest too), as the daemon does each morning', load: async () => (await import('./commands/workflows.ts')).checksCommand },
  report: { description: "a report for directors, in the company's language (settings.language): coverage, coverage-months, breadth, punctuality, overdue, silence, greetings, handovers, clients, load", load: async () => (await import('./commands/workflows.ts')).reportCommand },
  done: { description: 'record a touch as done', load: async () => (await import('./commands/outcomes.ts')).doneCommand },
  skip: { description: 'record a touch as skipped, with the reason', load: async () => (await import('./commands/outcomes.ts')).skipCommand },
  history: { description: 'what happened to touches, oldest first', load: async () => (await import('./commands/history.ts')).historyCommand },
  'accept-removals': { description: 'let the clients, rules or campaigns a configuration dropped go (a configuration that drops many at once is held: README, "When many clients go at once")', load: async () => (await import('./commands/accept-removals.ts')).acceptRemovalsCommand },
  sync: { description: "put the touches of the horizon into each employee's calendar (iCalendar feed, Google, Outlook)", load: async () => (await import('./commands/sync.ts')).syncCommand },
  feeds: { description: "each employee's iCalendar feed address (subscribe to it in Google, Outlook or Apple Calendar)", load: async () => (await import('./commands/sync.ts')).feedsCommand },
  calendars: { description: 'calendar connections: "calendars check" tries to read and write each employee\'s calendar', load: async () => (await import('./commands/sync.ts')).calendarsCommand },
  migrate: { description: 'create or upgrade the database schema (other commands do this automatically)', load: async () => (await import('./commands/migrate.ts')).migrateCommand },
  export: { description: 'the whole history as newline-delimited JSON, for backups and moving to another database (see Backups, export and import)', load: async () => (await import('./commands/export.ts')).exportCommand },
  import: { description: 'reads an export into an empty database (--db), all or nothing', load: async () => (await import('./commands/export.ts')).importCommand },
  'demo-data': { description: 'write a large synthetic company (a configuration folder) for tests and benchmarks', load: async () => (await import('./commands/demo-data.ts')).demoDataCommand },
  schema: { description: 'print (or write) the JSON Schema of the YAML configuration, for editors', load: async () => (await import('./commands/schema.ts')).schemaCommand },
  'dashboard-link': { description: 'print a one-time sign-in link to the dashboard (default: for the first director)', load: async () => (await import('./commands/dashboard-link.ts')).dashboardLinkCommand },
  'systemd-unit': { description: 'prints a systemd unit for this installation (see Running as a service)', load: async () => (await import('./commands/systemd-unit.ts')).systemdUnitCommand },
};

/** A command's one-line description (the same in `touchbase --help` and `touchbase <command> --help`). */
export function describe(name: string): string {
  return COMMANDS[name]?.description ?? '';
}
