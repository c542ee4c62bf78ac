import { resolve } from 'node:path';
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
  const db = postgres ? '' : ` --db ${o.db}`;
  return `[Unit]
Description=touchbase: contact cadences into employees' calendars
Documentation=file://${o.workDir}/README.md
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
WorkingDirectory=${o.workDir}
ExecStart=${o.node} ${o.workDir}/src/touchbase.js daemon --config ${o.config}${db}
ExecReload=/bin/kill -HUP $MAINPID
# Secrets and settings: TOUCHBASE_API_TOKEN_FILE, GOOGLE_*, MS_* (see .env.example).${postgres ? '\n# The database: TOUCHBASE_DATABASE_URL_FILE (a file, 0600, holding the postgres:// URL).' : ''}
EnvironmentFile=-/etc/touchbase/touchbase.env
Restart=on-failure
RestartSec=10
KillMode=mixed
TimeoutStopSec=60
NoNewPrivileges=true
ProtectSystem=full
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`;
}

export function systemdUnitCommand(program: Command, io: CliIO): void {
  program
    .command('systemd-unit')
    .description('prints a systemd unit for this installation (see Running as a service)')
    .option('--user <name>', 'the user the service runs as', userInfo().username)
    .action((_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { user: string }>();
      io.out(systemdUnit({ node: process.execPath, workDir: resolve('.'), config: configDir(o), db: dbFile(o), user: o.user }));
    });
}
