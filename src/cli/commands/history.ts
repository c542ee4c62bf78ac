import { Option, type Command } from 'commander';
import { listHistory } from '../../storage/touch-repository.ts';
import { BadInputError } from '../cli-error.ts';
import { readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import { renderTable } from '../format-touches.ts';
import type { CliIO } from '../io.ts';

interface HistoryOptions extends GlobalOptions {
  client?: string;
  format: 'table' | 'json';
  all: boolean;
}

export function historyCommand(program: Command, io: CliIO): void {
  program
    .command('history')
    .description('what happened to touches: done, skipped, rescheduled, reassigned, cancelled')
    .option('--client <id>', 'only this client')
    .option('--all', 'include "planned" events too', false)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<HistoryOptions>();
      const config = readConfig(o);
      if (o.client && !config.clients.some((c) => c.id === o.client)) throw new BadInputError(`--client: no client has the id ${JSON.stringify(o.client)}`);
      const lines = (await withDatabase(o, (db) => listHistory(db, { client: o.client }))).filter((l) => o.all || l.type !== 'planned');
      if (o.format === 'json') {
        io.out(`${JSON.stringify(lines, null, 2)}\n`);
        return;
      }
      if (lines.length === 0) {
        io.out('No history yet.\n');
        return;
      }
      io.out(renderTable(['when', 'what', 'date', 'by', 'client', 'touch', 'note'], lines.map((l) => [
        l.at.slice(0, 16).replace('T', ' '), l.type, l.fromDate && l.toDate && l.fromDate !== l.toDate ? `${l.fromDate} → ${l.toDate}` : (l.toDate ?? l.fromDate ?? ''),
        l.employee ?? '', l.client, `${l.title} (${l.touchId.slice(0, 8)})`, l.detail ?? '',
      ])));
    });
}
