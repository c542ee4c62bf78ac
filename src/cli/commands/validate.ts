import { shownPath } from '../../config/read-sources.ts';
import type { Command } from 'commander';
import { checkConfig } from '../../config/load-config.ts';
import { ConfigInvalidError, formatWarning } from '../../config/config-issue.ts';
import { configDir, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';
import { cliTranslator, counts } from '../cli-language.ts';

export function validateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('check the configuration and report every error with its file, line and column; then how each CSV file was read, and any warnings')
    .action(async (_o, cmd: Command) => {
      const dir = configDir(cmd.optsWithGlobals<GlobalOptions>());
      const { config, issues, warnings, encodings } = checkConfig(dir);
      if (!config) throw new ConfigInvalidError(issues, warnings);
      const contacts = config.clients.reduce((n, c) => n + c.contacts.length, 0);
      // The summary in the company's language; each warning (a diagnostic, quoted to support) stays English.
      const tr = cliTranslator(config);
      io.out(`${tr.t('cli.validate.valid', {
        dir: shownPath(dir), employees: tr.t('cli.validate.employees', counts(config.employees.length)),
        clients: tr.t('cli.validate.clients', counts(config.clients.length)), contacts: tr.t('cli.validate.contacts', counts(contacts)),
        rules: tr.t('cli.validate.rules', counts(config.rules.length)), campaigns: tr.t('cli.validate.campaigns', counts(config.campaigns.length)),
        holidays: tr.t('cli.validate.holidays', counts(config.holidays.length)), handovers: tr.t('cli.validate.handovers', counts(config.handovers.length)),
        triggers: tr.t('cli.validate.triggers', counts(config.triggers.length)),
      })}\n`);
      for (const { file, encoding } of encodings) {
        // "utf-8 (with BOM)": the encoding's name stays as the configuration writes it, its note is said.
        const bom = / \(with BOM\)$/.exec(encoding);
        io.out(`${tr.t('cli.validate.readAs', { file, encoding: bom ? tr.t('cli.validate.withBom', { encoding: encoding.slice(0, bom.index) }) : encoding })}\n`);
      }
      if (warnings.length > 0) io.out(`${tr.t('cli.validate.warnings', counts(warnings.length))}\n`);
      for (const warning of warnings) io.out(`  warning: ${formatWarning(warning)}\n`);
    });
}
