import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { listHistory, type HistoryLine } from '../../storage/touch-repository.ts';
import type { Config } from '../../domain/types.ts';
import { clientOption, unknownClient } from '../client-option.ts';
import { readConfigOrLastApplied, withDatabase, type GlobalOptions } from '../context.ts';
import { renderTable } from '../text-table.ts';
import type { CliIO } from '../io.ts';
import { employeeById } from '../../domain/config-index.ts';
import { cliTranslator } from '../cli-language.ts';
import { describeDetail } from '../../reports/timeline.ts';

interface HistoryOptions extends GlobalOptions {
  client?: string;
  format: 'table' | 'json';
  all: boolean;
}

export function historyCommand(program: Command, io: CliIO): void {
  program
    .command('history')
    .description('what happened to touches, oldest first; --client also of a client gone from the configuration (its history stays)')
    .option('--client <id>', 'only this client')
    .option('--all', 'include "planned" events too', false)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<HistoryOptions>();
      const config = await readConfigOrLastApplied(o, (text) => io.err(text));
      // A client gone from the configuration keeps its history, under its id.
      const configured = o.client === undefined ? undefined : clientOption(config, o.client);
      const client = configured ?? o.client;
      const all = await withDatabase(o, (db) => listHistory(db, { client }), { readOnly: true });
      if (client !== undefined && configured === undefined) {
        if (all.length === 0) throw unknownClient(config, client);
        io.err(`(client ${client} is no longer in the configuration: its history as recorded)\n`);
      }
      const lines = all.filter((l) => o.all || l.type !== 'planned');
      const zoned = lines.map((l) => ({ ...l, ...localTime(l, config) }));
      if (o.format === 'json') {
        io.out(`${JSON.stringify(zoned, null, 2)}\n`);
        return;
      }
      // The table in the company's language (its reports' columns); the JSON above keeps its codes.
      const tr = cliTranslator(config);
      if (lines.length === 0) {
        io.out(`${tr.t('cli.noHistory')}\n`);
        return;
      }
      // The touch's id in a column of its own, before its title: it is what done and skip take, and
      // written after the title it was cut off with a long one (QA readme F4); a title is cut, an id never.
      io.out(renderTable((['col.when', 'col.what', 'col.date', 'col.by', 'col.client', 'cli.col.id', 'col.touch', 'col.note'] as const).map((k) => tr.t(k)), zoned.map((l) => [
        DateTime.fromISO(l.local, { setZone: true }).toFormat('yyyy-MM-dd HH:mm ZZ'), tr.t(`cli.history.${l.type}`),
        l.fromDate && l.toDate && l.fromDate !== l.toDate ? `${l.fromDate} → ${l.toDate}` : (l.toDate ?? l.fromDate ?? ''),
        // The texts touchbase stores ("moved in the calendar by the employee") in the company's language, as the dashboard's history has them.
        l.employee ?? '', l.client, l.touchId.slice(0, 8), l.title, describeDetail(l.detail, tr),
      ])));
    });
}

/**
 * When it happened, in the zone of the employee it concerns (the company's when none), with
 * the offset: `at` is UTC, and a bare "10:05" would not say whose 10:05 it is.
 */
function localTime(line: HistoryLine, config: Config): { local: string; zone: string } {
  const zone = employeeById(config, line.employee ?? undefined)?.timezone ?? config.settings.timezone;
  return { local: DateTime.fromISO(line.at, { zone: 'utc' }).setZone(zone).toISO()!, zone };
}
