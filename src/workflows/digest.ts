import { employeeById } from '../domain/config-index.ts';
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
import { insertWorkflowTouches, nextFreeStart, timedAt, type WorkflowTouch } from './workflow-touch.ts';
import { heldTimes } from '../storage/workflow-repository.ts';
import { addDays } from '../planner/dates.ts';
import { teamHolderOn } from '../domain/team.ts';

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
  // People of ours as the director knows them, not by their ids in the configuration.
  const person = (id: string) => employeeById(config, id)?.name ?? id;
  const tr = translator(config.settings.language);
  const { t } = tr;
  // Each list is shared out to its clients' readers in one pass, in its order: filtered again for
  // each employee, the clients and the overdue touches were read once per employee (2,185 times
  // at 50,000 clients).
  const readers = digestReaders(config, today);
  const overdueBy = shareOut(readers, overdue, (x) => x.client_id);
  const silentBy = shareOut(readers, silent, (x) => x.client.id);
  const narrowBy = shareOut(readers, narrow, (b) => b.client);
  const clientsOf = shareOut(readers, config.clients, (c) => c.id);
  const touches: WorkflowTouch[] = [];
  // Put where the reader has nothing else that morning (a meeting at 09:00 comes first).
  const held = await heldTimes(db, [...clientsOf.keys()], addDays(today, -1), addDays(today, 15));
  for (const employee of config.employees) {
    const mine = clientsOf.get(employee.id)?.length ?? 0;
    if (mine === 0) continue;
    const o = overdueBy.get(employee.id) ?? [];
    const s = silentBy.get(employee.id) ?? [];
    const n = narrowBy.get(employee.id) ?? [];
    const lines = [
      t('digest.week', { week: tr.date(week), count: mine }), '',
      t('digest.overdue', { count: o.length }),
      ...(o.length ? o.slice(0, DIGEST_LIST).map((x) => t('digest.overdueLine', { due: tr.date(dueDay(x)), title: x.title, employee: person(x.employee_id) })) : [t('digest.none')]),
      ...(o.length > DIGEST_LIST ? [t('digest.more', { count: o.length - DIGEST_LIST })] : []), '',
      t('digest.silent', { count: s.length }),
      ...(s.length ? s.map((x) => t('digest.silentLine', {
        client: x.client.name, count: x.days, last: x.lastDone ? t('digest.lastTouch', { title: x.lastDone.title, employee: person(x.lastDone.employee) }) : t('common.none'),
      })) : [t('digest.none')]), '',
      t('digest.single', { count: n.length }),
      ...(n.length ? n.slice(0, DIGEST_LIST).map((b) => t('digest.singleLine', {
        client: names.get(b.client) ?? b.client, ours: b.ours.length, who: b.ours.map(person).join(', ') || t('digest.nobody'), theirs: b.theirs.length,
      })) : [t('digest.none')]),
    ];
    const slot = nextFreeStart(config, employee, undefined, now.toMillis(), DIGEST_MINUTES, held.get(employee.id) ?? []);
    touches.push({
      identity: `digest:${employee.id}|${week}`, source: `digest:${employee.id}`, kind: 'news', client: '*', contacts: [], employee: employee.id,
      date: slot.date, ...timedAt(employee, slot.startMs, DIGEST_MINUTES), allDay: false,
      title: t('digest.title', { overdue: t('digest.titleOverdue', { count: o.length }), silent: t('digest.titleSilent', { count: s.length }), single: t('digest.titleSingle', { count: n.length }) }),
      dueBy: localDateOf(employee.timezone, slot.startMs), remind: [0], body: lines.join('\n'),
    });
  }
  return (await insertWorkflowTouches(db, touches, now.toUTC().toISO()!)).length;
}

/** Who reads each client's lines: the holders of the digest's roles on its team (after any handover by `today`). */
function digestReaders(config: Config, today: string): Map<string, ReadonlySet<string>> {
  const readers = new Map<string, ReadonlySet<string>>();
  for (const c of config.clients) {
    const who = new Set<string>();
    for (const role of config.digest.to) {
      const id = teamHolderOn(config, c, role, today);
      if (id !== undefined) who.add(id);
    }
    if (who.size > 0) readers.set(c.id, who);
  }
  return readers;
}

/** The items of each reader's clients, by reader, each list in the items' order. */
function shareOut<T>(readers: ReadonlyMap<string, ReadonlySet<string>>, items: readonly T[], clientOf: (item: T) => string): Map<string, T[]> {
  const byReader = new Map<string, T[]>();
  for (const item of items) {
    for (const reader of readers.get(clientOf(item)) ?? []) {
      let list = byReader.get(reader);
      if (!list) byReader.set(reader, (list = []));
      list.push(item);
    }
  }
  return byReader;
}
