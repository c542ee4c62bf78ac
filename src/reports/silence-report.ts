import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { lastDoneByClient, trackedSinceByClient } from '../workflows/facts.ts';
import { silentClients, type SilentClient } from '../workflows/silence.ts';
import type { Report } from './report.ts';

export async function silentClientsNow(db: DB, config: Config, today: string): Promise<SilentClient[]> {
  return silentClients(config, await lastDoneByClient(db), await trackedSinceByClient(db), today);
}

/** Silent clients, longest silence first, with the last touch and who did it. */
export function silenceReport(config: Config, silent: readonly SilentClient[], today: string): Report {
  const rows = silent.map((s) => ({
    client: s.client.id, name: s.client.name, days: s.days, since: s.since,
    last_touch: s.lastDone?.title ?? 'none yet', by: s.lastDone?.employee ?? '', account_manager: s.client.team[config.silence?.notify ?? 'account_manager'] ?? '',
  }));
  return {
    name: 'silence', title: config.silence ? `Silent clients on ${today}: no done touch for more than ${config.silence.after.n} ${config.silence.after.unit}` : 'Silence is not configured (no silence section)',
    columns: [
      { key: 'client', header: 'client' }, { key: 'name', header: 'name' }, { key: 'days', header: 'silent days' }, { key: 'since', header: 'since' },
      { key: 'last_touch', header: 'last touch' }, { key: 'by', header: 'by' }, { key: 'account_manager', header: 'account manager' },
    ],
    rows, summary: { 'silent clients': rows.length },
  };
}
