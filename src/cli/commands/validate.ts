import { counted } from '../../domain/english-count.ts';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { checkConfig } from '../../config/load-config.ts';
import { ConfigInvalidError, formatWarning } from '../../config/config-issue.ts';
import { configDir, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check the configuration and report every error with its file, line and column; then how each CSV file was read, and any warnings')
    .action(async (_o, cmd: Command) => {
      const dir = configDir(cmd.optsWithGlobals<GlobalOptions>());
      const { config, issues, warnings, encodings } = checkConfig(dir);
      if (!config) throw new ConfigInvalidError(issues);
      const contacts = config.clients.reduce((n, c) => n + c.contacts.length, 0);
      io.out(`${relative(process.cwd(), dir) || dir}: valid — ${counted(config.employees.length, 'employee')}, ${counted(config.clients.length, 'client')}, ${counted(contacts, 'contact')}, `
        + `${counted(config.rules.length, 'rule')}, ${counted(config.campaigns.length, 'campaign')}, ${counted(config.holidays.length, 'holiday')}, `
        + `${counted(config.handovers.length, 'handover')}, ${counted(config.triggers.length, 'trigger')}\n`);
      for (const { file, encoding } of encodings) io.out(`${file}: read as ${encoding}\n`);
      if (warnings.length > 0) io.out(`${counted(warnings.length, 'warning')}:\n`);
      for (const warning of warnings) io.out(`  warning: ${formatWarning(warning)}\n`);
    });
}
