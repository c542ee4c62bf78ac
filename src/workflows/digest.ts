import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { loadReportContext } from '../reports/report-data.ts';
import { overdueTouches } from '../reports/overdue-report.ts';
import { breadthOf, dependsOnOne } from '../reports/breadth.ts';
import { silentOf } from '../reports/silence-report.ts';
import { dueDay } from '../reports/touch-outcome.ts';
import { localDateOf } from '../planner/zoned-time.ts';
import { translator } from '../i18n/translator.ts';
import { insertWorkflowTouches, nextWorkingStart, timedAt, type WorkflowTouch } from './workflow-touch.ts';

const DIGEST_MINUTES = 30;
/** Lines of one list in a digest before it says "and N more". */
const DIGEST_LIST = 50;

/**
 * The weekly digest: for each holder of a `digest.to` role, a calendar event at the start of
 * their working morning whose description lists, for the clients where they hold that role,
 * the overdue touches, the silent clients and the clients that depend on one person — in the
 * company's language, from the same functions as the reports. One per director and week,
 * however often it runs.
 */
export async function runWeeklyDigest(db: DB, config: Config, now: DateTime): Promise<number> {
  if (config.digest.to.length === 0) return 0;
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const week = now.setZone(config.settings.timezone).startOf('week').toISODate()!;
  const ctx = await loadReportContext(db, config, today);
  const overdue = overdueTouches(config, ctx.data, today);
  const silent = silentOf(ctx);
  // Relationships that hang on one person (or on nobody yet: a client no one has touched in a
  // year is listed with "nobody"), as `report breadth` and the dashboard count them.
  const narrow = breadthOf(config, ctx.data, today).filter(dependsOnOne);
  const names = new Map(config.clients.map((c) => [c.id, c.name]));
  const tr = translator(config.settings.language);
  const { t } = tr;
  const touches: WorkflowTouch[] = [];
  for (const employee of config.employees) {
    const mine = new Set(config.clients.filter((c) => config.digest.to.some((role) => c.team[role] === employee.id)).map((c) => c.id));
    if (mine.size === 0) continue;
    const o = overdue.filter((x) => mine.has(x.client_id));
    const s = silent.filter((x) => mine.has(x.client.id));
    const n = narrow.filter((b) => mine.has(b.client));
    const lines = [
      t('digest.week', { week: tr.date(week), count: mine.size }), '',
      t('digest.overdue', { count: o.length }),
      ...(o.length ? o.slice(0, DIGEST_LIST).map((x) => t('digest.overdueLine', { due: tr.date(dueDay(x)), title: x.title, employee: x.employee_id })) : [t('digest.none')]),
      ...(o.length > DIGEST_LIST ? [t('digest.more', { count: o.length - DIGEST_LIST })] : []), '',
      t('digest.silent', { count: s.length }),
      ...(s.length ? s.map((x) => t('digest.silentLine', {
        client: x.client.name, count: x.days, last: x.lastDone ? t('digest.lastTouch', { title: x.lastDone.title, employee: x.lastDone.employee }) : t('common.none'),
      })) : [t('digest.none')]), '',
      t('digest.single', { count: n.length }),
      ...(n.length ? n.slice(0, DIGEST_LIST).map((b) => t('digest.singleLine', {
        client: names.get(b.client) ?? b.client, ours: b.ours.length, who: b.ours.join(', ') || t('digest.nobody'), theirs: b.theirs.length,
      })) : [t('digest.none')]),
    ];
    const slot = nextWorkingStart(config, employee, undefined, now.toMillis(), DIGEST_MINUTES);
    touches.push({
      identity: `digest:${employee.id}|${week}`, source: `digest:${employee.id}`, kind: 'news', client: '*', contacts: [], employee: employee.id,
      date: slot.date, ...timedAt(employee, slot.startMs, DIGEST_MINUTES), allDay: false,
      title: t('digest.title', { overdue: o.length, silent: s.length, single: n.length }),
      dueBy: localDateOf(employee.timezone, slot.startMs), remind: [0], body: lines.join('\n'),
    });
  }
  return (await insertWorkflowTouches(db, touches, now.toUTC().toISO()!)).length;
}
