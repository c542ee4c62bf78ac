import { isInternal } from '../workflows/overdue.ts';
import { share, type Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { outcomeOwner, touchOutcome } from './touch-outcome.ts';

export { doneOnTime } from './touch-outcome.ts';

/**
 * Per employee: touches done on time, done late, moved by them (in their calendar or by the
 * snooze link), skipped, and missed (open and overdue) — what directors do not see otherwise.
 * People gone from the configuration are listed after the others, with what they did.
 */
export function punctualityReport({ config, data, today }: ReportContext): Report {
  const zero = () => ({ on_time: 0, late: 0, rescheduled: 0, skipped: 0, missed: 0 });
  const counts = new Map(config.employees.map((e) => [e.id, zero()]));
  for (const t of data.touches) {
    if (isInternal(t.source)) continue;
    const outcome = touchOutcome(config, t, today);
    const owner = outcomeOwner(config, t, outcome, data.handOvers);
    // A move counts for whoever made it, who may have handed the touch on since (QA: a leaver's
    // moves were counted for their successor). Someone gone from the configuration keeps what they
    // did (the company's totals do not change after the fact when a person leaves).
    for (const [mover, n] of data.movedByOwner.get(t.id) ?? []) {
      const who = mover || owner;
      let m = counts.get(who);
      if (!m) counts.set(who, (m = zero()));
      m.rescheduled += n;
    }
    if (outcome === 'open') continue;
    // And what they missed until it is given to someone.
    let c = counts.get(owner);
    if (!c) counts.set(owner, (c = zero()));
    c[outcome]++;
  }
  const names = new Map(config.employees.map((e) => [e.id, e.name]));
  const former = [...counts.keys()].filter((id) => !names.has(id)).sort();
  const rows = [...config.employees.map((e) => e.id), ...former].map((id) => {
    const c = counts.get(id)!;
    return { employee: id, name: names.get(id) ?? id, ...c, on_time_share: share(c.on_time, c.on_time + c.late + c.missed) };
  });
  const sum = (k: 'on_time' | 'late' | 'missed') => rows.reduce((n, r) => n + r[k], 0);
  return {
    name: 'punctuality', title: { key: 'report.punctuality.title', params: { today: { date: today } } },
    columns: [
      { key: 'employee', header: 'col.employee' }, { key: 'name', header: 'col.employeeName' }, { key: 'on_time', header: 'col.onTime', type: 'number' },
      { key: 'late', header: 'col.late', type: 'number' }, { key: 'rescheduled', header: 'col.rescheduled', type: 'number' },
      { key: 'skipped', header: 'col.skipped', type: 'number' }, { key: 'missed', header: 'col.missed', type: 'number' },
      { key: 'on_time_share', header: 'col.onTimeShare', type: 'percent' },
    ],
    rows,
    summary: [
      { key: 'done on time', label: 'sum.doneOnTime', value: sum('on_time'), type: 'number' },
      { key: 'done late', label: 'sum.doneLate', value: sum('late'), type: 'number' },
      { key: 'missed', label: 'sum.missed', value: sum('missed'), type: 'number' },
      { key: 'share on time', label: 'sum.shareOnTime', value: share(sum('on_time'), sum('on_time') + sum('late') + sum('missed')), type: 'percent' },
    ],
  };
}
