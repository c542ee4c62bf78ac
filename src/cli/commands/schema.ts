import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { configJsonSchema } from '../../config/json-schema.ts';
import type { CliIO } from '../io.ts';

export function schemaCommand(program: Command, io: CliIO): void {
  program
    .command('schema')
    .description('print (or write) the JSON Schema of the YAML configuration, for editors')
    .option('--out <file>', 'write to this file instead of printing')
    .action(async (o: { out?: string }) => {
      const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (o.out) {
        writeFileSync(o.out, text);
        io.out(`wrote ${o.out}\n`);
      } else io.out(text);
    });
}
