import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { loadReportData } from '../reports/report-data.ts';
import { overdueTouches } from '../reports/overdue-report.ts';
import { breadthOf, dependsOnOne } from '../reports/breadth.ts';
import { silentClientsNow } from '../reports/silence-report.ts';
import { localDateOf } from '../planner/zoned-time.ts';
import { insertWorkflowTouches, nextWorkingStart, timedAt, type WorkflowTouch } from './workflow-touch.ts';

const DIGEST_MINUTES = 30;

/**
 * The weekly digest: for each holder of a `digest.to` role, a calendar event at the start of
 * their working morning whose description lists, for the clients where they hold that role,
 * the overdue touches, the silent clients and the clients that depend on one person. One per
 * director and week, however often it runs.
 */
export async function runWeeklyDigest(db: DB, config: Config, now: DateTime): Promise<number> {
  if (config.digest.to.length === 0) return 0;
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const week = now.setZone(config.settings.timezone).startOf('week').toISODate()!;
  const data = await loadReportData(db);
  const overdue = overdueTouches(config, data, today);
  const silent = await silentClientsNow(db, config, today);
  const narrow = breadthOf(config, data, today).filter(dependsOnOne);
  const names = new Map(config.clients.map((c) => [c.id, c.name]));
  const touches: WorkflowTouch[] = [];
  for (const employee of config.employees) {
    const mine = new Set(config.clients.filter((c) => config.digest.to.some((role) => c.team[role] === employee.id)).map((c) => c.id));
    if (mine.size === 0) continue;
    const o = overdue.filter((t) => mine.has(t.client_id));
    const s = silent.filter((x) => mine.has(x.client.id));
    const n = narrow.filter((b) => mine.has(b.client));
    const lines = [
      `Week of ${week}, ${mine.size} clients.`, '',
      `Overdue touches (${o.length}):`, ...(o.length ? o.slice(0, 50).map((t) => `- ${t.overdue_from ?? t.date} ${t.title} — ${t.employee_id}`) : ['- none']),
      ...(o.length > 50 ? [`- … and ${o.length - 50} more ("touchbase report overdue")`] : []), '',
      `Silent clients (${s.length}):`, ...(s.length ? s.map((x) => `- ${x.client.name}: ${x.days} days, last: ${x.lastDone ? `${x.lastDone.title} (${x.lastDone.employee})` : 'none'}`) : ['- none']), '',
      `Clients that depend on one person (${n.length}):`, ...(n.length ? n.slice(0, 50).map((b) => `- ${names.get(b.client)}: ${b.ours.length} of ours (${b.ours.join(', ') || 'nobody'}), ${b.theirs.length} of theirs`) : ['- none']),
    ];
    const slot = nextWorkingStart(config, employee, undefined, now.toMillis(), DIGEST_MINUTES);
    touches.push({
      identity: `digest:${employee.id}|${week}`, source: `digest:${employee.id}`, kind: 'news', client: '*', contacts: [], employee: employee.id,
      date: slot.date, ...timedAt(employee, slot.startMs, DIGEST_MINUTES), allDay: false,
      title: `Weekly digest: ${o.length} overdue, ${s.length} silent, ${n.length} single-person clients`,
      dueBy: localDateOf(employee.timezone, slot.startMs), remind: [0], body: lines.join('\n'),
    });
  }
  return (await insertWorkflowTouches(db, touches, now.toUTC().toISO()!)).length;
}
