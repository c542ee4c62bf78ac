import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { lastDoneByClient, trackedSinceByClient } from '../workflows/facts.ts';
import { silentClients, type SilentClient } from '../workflows/silence.ts';
import type { Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { teamHolderOn } from '../domain/team.ts';

export async function silentClientsNow(db: DB, config: Config, today: string): Promise<SilentClient[]> {
  return silentClients(config, await lastDoneByClient(db), await trackedSinceByClient(db, config.settings.timezone), today);
}

/** The silent clients of a report context (what the daily check finds on the same day). */
export function silentOf(ctx: ReportContext): SilentClient[] {
  return silentClients(ctx.config, ctx.lastDone, ctx.trackedSince, ctx.today);
}

/** Silent clients, longest silence first, with the last touch and who did it. */
export function silenceReport(ctx: ReportContext): Report {
  const { config, today } = ctx;
  const rows = silentOf(ctx).map((s) => ({
    client: s.client.id, name: s.client.name, days: s.days, since: s.since,
    last_touch: s.lastDone?.title ?? 'none yet', by: s.lastDone?.employee ?? '', account_manager: teamHolderOn(config, s.client, config.silence?.notify ?? 'account_manager', today) ?? '',
  }));
  return {
    name: 'silence',
    title: config.silence
      ? { key: 'report.silence.title', params: { today: { date: today }, after: { duration: config.silence.after } } }
      : { key: 'report.silence.off', params: {} },
    columns: [
      { key: 'client', header: 'col.client' }, { key: 'name', header: 'col.name' }, { key: 'days', header: 'col.silentDays', type: 'number' },
      { key: 'since', header: 'col.since', type: 'date' }, { key: 'last_touch', header: 'col.lastTouch', type: 'value' }, { key: 'by', header: 'col.by' },
      { key: 'account_manager', header: 'col.accountManager' },
    ],
    rows, summary: [{ key: 'silent clients', label: 'sum.silentClients', value: rows.length, type: 'number' }],
  };
}
