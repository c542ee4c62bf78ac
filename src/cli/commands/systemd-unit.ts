import { BadInputError } from '../cli-error.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { isPostgresLocation } from '../../storage/location.ts';
import { configDir, dbFile, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';

/**
 * A systemd unit for this installation: this Node, this folder, these paths. KillMode=mixed
 * sends SIGTERM to the daemon alone, which stops its job process itself after the calls in
 * flight; TimeoutStopSec gives it time before the forced kill.
 */
export function systemdUnit(o: { node: string; workDir: string; config: string; db: string; user: string }): string {
  // A PostgreSQL URL holds a password: it stays in the environment file, never in the unit.
  const postgres = isPostgresLocation(o.db);
  const db = postgres ? '' : ` --db ${arg(o.db)}`;
  return `[Unit]
Description=touchbase: contact cadences into employees' calendars
Documentation=file://${encodeURI(`${o.workDir}/README.md`)}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
WorkingDirectory=${arg(o.workDir)}
ExecStart=${arg(o.node)} ${arg(`${o.workDir}/src/touchbase.js`)} daemon --config ${arg(o.config)}${db}
ExecReload=/bin/kill -HUP $MAINPID
# Secrets and settings: TOUCHBASE_API_TOKEN_FILE, GOOGLE_*, MS_* (see .env.example).${postgres ? '\n# The database: TOUCHBASE_DATABASE_URL_FILE (a file, 0600, holding the postgres:// URL).' : ''}
EnvironmentFile=-/etc/touchbase/touchbase.env
Restart=on-failure
RestartSec=10
# Exit status 2 is bad input (an environment variable, a configuration never valid, a database
# another daemon serves): someone must fix it first; restarted every 10 s for good, it only filled the journal.
RestartPreventExitStatus=2
KillMode=mixed
TimeoutStopSec=60
NoNewPrivileges=true
ProtectSystem=full
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`;
}

/** An argument as systemd reads a command line: "%" doubled (its specifier sign), quoted when it holds a space or a quote. */
function arg(value: string): string {
  const escaped = value.replace(/%/g, '%%');
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

/** The folder touchbase is installed in (the one whose src/touchbase.js is above this file, in src/ or bundled in dist/), whatever the current one. */
export function installationFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'src', 'touchbase.js')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function systemdUnitCommand(program: Command, io: CliIO): void {
  program
    .command('systemd-unit')
    .description('prints a systemd unit for this installation (see Running as a service)')
    .option('--user <name>', 'the user the service runs as', userInfo().username)
    .action((_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { user: string }>();
      // Written into the unit as it is: a user name as useradd accepts it, nothing that ends the line or adds a setting.
      if (!/^[a-z_][a-z0-9_-]{0,31}$/i.test(o.user)) throw new BadInputError(`--user: expected a user name like touchbase (letters, digits, "_" and "-", at most 32), found ${JSON.stringify(o.user)}`);
      const db = dbFile(o);
      io.out(systemdUnit({ node: process.execPath, workDir: installationFolder(), config: configDir(o), db, user: o.user }));
      // Given on the command line, the URL is not in the unit either (it holds a password): the
      // service would start on a new SQLite file unless the environment file names it.
      if (isPostgresLocation(db) && o.db !== undefined) {
        io.err('warning: the PostgreSQL URL is not written into the unit (it holds a password): put it in a file readable by the service\'s user alone and name that file '
          + 'in /etc/touchbase/touchbase.env as TOUCHBASE_DATABASE_URL_FILE=…, or the service starts on a new, empty SQLite database\n');
      }
    });
}
