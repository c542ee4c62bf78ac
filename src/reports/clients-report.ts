import type { Client, Config } from '../domain/types.ts';
import { stageOf } from '../domain/selector.ts';
import { daysBetween } from '../planner/dates.ts';
import { isInternal } from '../workflows/overdue.ts';
import { silenceStart } from '../workflows/silence.ts';
import { breadthOf, servedByOne, untouched } from './breadth.ts';
import type { Cell, Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { silentOf } from './silence-report.ts';
import { holderOn, teamHolderOn } from '../domain/team.ts';

/** The role whose holder "owns" a client in lists: who silence alerts go to (account_manager by default). */
export function ownerRole(config: Config): string {
  return config.silence?.notify ?? 'account_manager';
}

/** Who owns a client in lists on a day: the holder of the owner role (after any handover by then), else the first person of its team. */
export function ownerOf(config: Config, client: Client, today: string): string {
  return teamHolderOn(config, client, ownerRole(config), today) ?? holderOn(config.handovers, Object.values(client.team)[0] ?? '', today);
}

/**
 * One row per client: its labels, owner, the last done touch and by whom, the next touch, the
 * people of ours and of theirs touched in 12 months, and the days since anyone was in touch.
 * Rows also carry what the dashboard filters on (silent, served by one person) and the titles.
 */
export function clientsReport(ctx: ReportContext): Report {
  const { config, data, today } = ctx;
  const breadth = new Map(breadthOf(config, data, today).map((b) => [b.client, b]));
  const silent = new Set(silentOf(ctx).map((s) => s.client.id));
  const next = new Map<string, { date: string; title: string; employee: string }>();
  for (const t of data.touches) {
    if (t.status !== 'planned' || t.date < today || isInternal(t.source) || t.source.startsWith('silence:')) continue;
    const known = next.get(t.client_id);
    if (!known || t.date < known.date) next.set(t.client_id, { date: t.date, title: t.title, employee: t.employee_id });
  }
  const rows: Record<string, Cell>[] = config.clients.map((c) => {
    const last = ctx.lastDone.get(c.id);
    const start = silenceStart(c, last, ctx.trackedSince);
    const b = breadth.get(c.id)!;
    const n = next.get(c.id);
    return {
      client: c.id, name: c.name, tier: c.tier ?? null, industry: c.industry ?? null, country: c.country, stage: stageOf(c, today), owner: ownerOf(config, c, today),
      last_done: last?.date ?? null, last_by: last?.employee ?? null, next_touch: n?.date ?? null,
      ours_12: b.ours.length, theirs_12: b.theirs.length, silent_days: start && start <= today ? daysBetween(start, today) : null,
      last_title: last?.title ?? null, next_title: n?.title ?? null, next_by: n?.employee ?? null,
      silent: silent.has(c.id) ? 1 : 0, single: servedByOne(b) ? 1 : 0, untouched: untouched(b) ? 1 : 0,
    };
  });
  return {
    name: 'clients', title: { key: 'report.clients.title', params: { today: { date: today } } },
    columns: [
      { key: 'client', header: 'col.client' }, { key: 'name', header: 'col.name' }, { key: 'tier', header: 'col.tier' },
      { key: 'industry', header: 'col.industry' }, { key: 'country', header: 'col.country' }, { key: 'stage', header: 'col.stage', type: 'stage' },
      { key: 'owner', header: 'col.owner' }, { key: 'last_done', header: 'col.lastDone', type: 'date' }, { key: 'last_by', header: 'col.by' },
      { key: 'next_touch', header: 'col.nextTouch', type: 'date' }, { key: 'ours_12', header: 'col.ours12', type: 'number' },
      { key: 'theirs_12', header: 'col.theirs12', type: 'number' }, { key: 'silent_days', header: 'col.silentDays', type: 'number' },
    ],
    rows,
    summary: [
      { key: 'clients', label: 'sum.clients', value: rows.length, type: 'number' },
      { key: 'silent clients', label: 'sum.silentClients', value: silent.size, type: 'number' },
      // As breadth counts them: a client nobody touched is not "depending on one person" (counted apart).
      { key: 'depending on one person', label: 'sum.dependingOnOne', value: rows.filter((r) => r.single === 1).length, type: 'number' },
      { key: 'no touch in 12 months', label: 'sum.noTouch12', value: rows.filter((r) => r.untouched === 1).length, type: 'number' },
    ],
  };
}
