import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { configJsonSchema } from '../../config/json-schema.ts';
import type { CliIO } from '../io.ts';
import { BadInputError } from '../cli-error.ts';

export function schemaCommand(program: Command, io: CliIO): void {
  program
    .command('schema')
    .description('print (or write) the JSON Schema of the YAML configuration, for editors')
    .option('--out <file>', 'write to this file instead of printing')
    .action(async (o: { out?: string }) => {
      const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (o.out) {
        try {
          writeFileSync(o.out, text);
        } catch (error) {
          const e = error as NodeJS.ErrnoException;
          throw new BadInputError(`--out: cannot write ${o.out} (${e.code ?? e.message}): ${e.code === 'ENOENT' ? 'its folder does not exist' : e.code === 'EISDIR' ? 'it is a folder' : 'check the path and its folder\'s permissions'}`);
        }
        io.out(`wrote ${o.out}\n`);
      } else io.out(text);
    });
}
