import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { inTransaction } from '../storage/touch-repository.ts';
import { lastDoneByClient, trackedSinceByClient } from './facts.ts';
import { escalatedTouchOf, isOverdue, overdueEscalation, overdueMove } from './overdue.ts';
import { silenceAlert, silenceEscalation, silenceIdentity, silentClients } from './silence.ts';
import { insertWorkflowTouches, workflowTouchId, type WorkflowTouch } from './workflow-touch.ts';

export interface DailyReport {
  readonly overdueMoved: number;
  readonly overdueEscalated: number;
  readonly silent: number;
  readonly silenceAlerts: number;
  readonly silenceEscalated: number;
  readonly cleared: number;
}

/**
 * The daily checks: overdue touches move to the next working day (flagged, escalated when they
 * are meetings with the client's top people); silent clients get an alert to their account
 * manager, escalated after a week; alerts whose reason is gone are cancelled. Running it twice
 * on a day changes nothing the second time.
 */
export async function runDailyWorkflows(db: DB, config: Config, now: DateTime): Promise<DailyReport> {
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const nowIso = now.toUTC().toISO()!;
  return inTransaction(db, async (trx) => {
    // Overdue
    const open = await trx.selectFrom('touches').selectAll().where('status', '=', 'planned').where('date', '<', today)
      .where('source', 'not like', 'digest:%').execute();
    let overdueMoved = 0;
    const escalations: WorkflowTouch[] = [];
    for (const touch of open) {
      if (!isOverdue(config, touch, today)) continue;
      const to = overdueMove(config, touch, today);
      if (!to) continue;
      const overdueFrom = touch.overdue_from ?? touch.date;
      await trx.updateTable('touches').set({ date: to.date, start_at: to.start, end_at: to.end, overdue_from: overdueFrom, updated_at: nowIso }).where('id', '=', touch.id).execute();
      await trx.insertInto('touch_events').values({ touch_id: touch.id, type: 'rescheduled', at: nowIso, employee_id: touch.employee_id, from_date: touch.date, to_date: to.date, detail: `overdue since ${overdueFrom}: moved to the next working day` }).execute();
      overdueMoved++;
      const escalation = overdueEscalation(config, { ...touch, overdue_from: overdueFrom, date: to.date }, today);
      if (escalation) escalations.push(escalation);
    }
    const overdueEscalated = (await insertWorkflowTouches(trx, escalations, nowIso)).length;

    // Silence
    const silent = silentClients(config, await lastDoneByClient(trx), await trackedSinceByClient(trx), today);
    const alerts = silent.map((s) => silenceAlert(config, s, today)).filter((t) => t !== undefined);
    const silenceAlerts = (await insertWorkflowTouches(trx, alerts, nowIso)).length;
    const alertRows = new Map((await trx.selectFrom('touches').select(['id', 'date', 'overdue_from', 'employee_id', 'status'])
      .where('id', 'in', alerts.length ? alerts.map((a) => workflowTouchId(a.identity)) : ['']).execute()).map((r) => [r.id, r]));
    const upward: WorkflowTouch[] = [];
    for (const s of silent) {
      const alert = alertRows.get(workflowTouchId(silenceIdentity(s.client.id, s.since)));
      if (!alert || alert.status !== 'planned') continue;
      const escalation = silenceEscalation(config, s, { date: alert.overdue_from ?? alert.date, employee: alert.employee_id }, today);
      if (escalation) upward.push(escalation);
    }
    const silenceEscalated = (await insertWorkflowTouches(trx, upward, nowIso)).length;

    // Alerts whose reason is gone: the client was touched since, or the overdue touch was closed.
    const current = new Set(silent.map((s) => silenceIdentity(s.client.id, s.since)));
    const openAlerts = await trx.selectFrom('touches').select(['id', 'series', 'date', 'employee_id'])
      .where('status', '=', 'planned')
      .where((eb) => eb.or([eb('source', 'like', 'silence:%'), eb('source', 'like', 'escalation:%')])).execute();
    let cleared = 0;
    for (const a of openAlerts) {
      let reason: string | undefined;
      const subject = escalatedTouchOf(a.series);
      if (subject) {
        const row = await trx.selectFrom('touches').select('status').where('id', '=', subject).executeTakeFirst();
        if (row && row.status !== 'planned') reason = `the overdue touch was ${row.status}`;
      } else {
        const episode = a.series.replace(/^escalation:/, '');
        if (!current.has(episode)) reason = 'the client was touched: the silence is over';
      }
      if (!reason) continue;
      await trx.updateTable('touches').set({ status: 'cancelled', updated_at: nowIso }).where('id', '=', a.id).execute();
      await trx.insertInto('touch_events').values({ touch_id: a.id, type: 'cancelled', at: nowIso, employee_id: a.employee_id, from_date: a.date, to_date: null, detail: reason }).execute();
      cleared++;
    }
    return { overdueMoved, overdueEscalated, silent: silent.length, silenceAlerts, silenceEscalated, cleared };
  });
}
