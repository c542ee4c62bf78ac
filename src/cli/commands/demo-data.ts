import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { demoCompany } from '../../demo/demo-company.ts';
import { BadInputError } from '../cli-error.ts';
import { configDir, givenConfigDir, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';
import { installationFolder } from './systemd-unit.ts';

/** The example files whose rules, campaigns and workflows the demo company reuses. */
const TEMPLATE_FILES = ['rules.yaml', 'campaigns.yaml', 'workflows.yaml'];

interface DemoOptions extends GlobalOptions {
  clients: string;
  out: string;
  seed: string;
  force: boolean;
}

export function demoDataCommand(program: Command, io: CliIO): void {
  program
    .command('demo-data')
    .description('write a large synthetic company (a configuration folder) for tests and benchmarks')
    .requiredOption('--clients <n>', 'number of clients (about 5 contacts each)')
    .requiredOption('--out <dir>', 'folder to write')
    .option('--seed <n>', 'random seed (the same seed gives the same company)', '1')
    .option('--force', 'overwrite a folder that is not empty', false)
    .addHelpText('after', '\nThe rules, campaigns and workflows are taken from rules.yaml, campaigns.yaml and workflows.yaml at the top of --config (default ./config, else the example shipped with touchbase), which must validate.')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<DemoOptions>();
      const clients = Number(o.clients);
      if (!Number.isInteger(clients) || clients < 1 || clients > 1_000_000) throw new BadInputError(`--clients: expected a whole number from 1 to 1000000, found ${JSON.stringify(o.clients)}`);
      const out = resolve(o.out);
      if (existsSync(out) && !statSync(out).isDirectory()) throw new BadInputError(`--out: expected a folder to write the company into, found ${out}, which is a file`);
      if (existsSync(out) && readdirSync(out).length > 0 && !o.force) throw new BadInputError(`--out: ${out} is not empty (use --force to overwrite)`);
      // The folder given, else ./config when it has them, else the example shipped with touchbase
      // (run from another folder, it used to stop and ask for --config).
      const has = (dir: string) => TEMPLATE_FILES.some((f) => existsSync(join(dir, f)));
      const templateDir = givenConfigDir(o) !== undefined || has(configDir(o)) ? configDir(o) : join(installationFolder(), 'config');
      const template: Record<string, string> = {};
      for (const f of TEMPLATE_FILES) if (existsSync(join(templateDir, f))) template[f] = readFileSync(join(templateDir, f), 'utf8');
      // A company with no rule would plan nothing: the templates are the example's, found from where it runs.
      if (Object.keys(template).length === 0) {
        throw new BadInputError(`--config: ${templateDir} has none of ${TEMPLATE_FILES.join(', ')} to take the rules, campaigns and workflows from: give --config a folder that has them (the example's, config/ in the touchbase folder)`);
      }
      // Rules with mistakes would make a company that does not validate either: said here, nothing written.
      const { checkConfig } = await import('../../config/load-config.ts');
      const { ConfigInvalidError } = await import('../../config/config-issue.ts');
      const source = checkConfig(templateDir);
      if (!source.config) throw new ConfigInvalidError(source.issues, source.warnings);
      const files = demoCompany({ clients, seed: Number(o.seed) || 1 }, template);
      for (const [path, text] of Object.entries(files)) {
        if (!text) continue;
        mkdirSync(dirname(join(out, path)), { recursive: true });
        writeFileSync(join(out, path), text);
      }
      io.out(`wrote a company of ${clients} clients to ${out} (rules and campaigns from ${templateDir})\n`);
    });
}
