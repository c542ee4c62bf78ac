import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import { nextWorkday } from './workflow-touch.ts';
import { cancelInapplicableTouches } from './inapplicable-touches.ts';
import { inTransaction, recordOutcome } from '../storage/touch-outcomes.ts';
import { handOverTouches, moveOverdue } from '../storage/touch-moves.ts';
import { holderOn } from '../domain/team.ts';
import { touchById, touchesByIds } from '../storage/sync-queries.ts';
import { openAlerts, openMovedAhead, openSupersedable, openTouchesBefore, refreshOpenTexts, skippedSilenceAlerts, timedAgenda } from '../storage/workflow-repository.ts';
import { localDateOf } from '../planner/zoned-time.ts';
import { closeSupersededTouches } from './superseded-touches.ts';
import { addDays } from '../planner/dates.ts';
import { chainSources } from '../planner/chain-start.ts';
import { AGENDA_READ_DAYS, OverdueRoom } from './overdue-room.ts';
import { lastDoneByClient, trackedSinceByClient } from './facts.ts';
import { escalatedTouchOf, isOverdue, overdueEscalation, overdueMove } from './overdue.ts';
import { silenceAlert, silenceClientOf, silenceEpisodeOf, silenceEscalation, silenceIdentity, silenceRound, silentClients, ALERT_SKIPPED, SILENCE_NOT_WATCHED, SILENCE_OVER, watchedForSilence, type SilentClient } from './silence.ts';
import { insertWorkflowTouches, workflowTouchId, type WorkflowTouch } from './workflow-touch.ts';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A campaign's greeting whose day (its window's end: the holiday) is over: moved at most onto
 * the first working day after it (a belated greeting still makes sense then), never later — an
 * 8 March greeting rolled to every morning of late March is noise in the calendar. It stays on
 * its day, open: late, missed in the reports until someone marks it.
 */
function occasionPassed(config: Config, touch: Pick<TouchRow, 'source' | 'window_to' | 'date' | 'employee_id' | 'client_id'>, today: string): boolean {
  if (!touch.source.startsWith('campaign:') || touch.window_to >= today) return false;
  if (touch.date > touch.window_to) return true;
  const employee = employeeById(config, touch.employee_id);
  const dayAfter = addDays(touch.window_to, 1);
  return (employee ? nextWorkday(config, employee, clientById(config, touch.client_id), dayAfter) : dayAfter) < today;
}

/**
 * A greeting not sent by its holiday is late on the first working day after it, whatever
 * `overdue.after` says: its day was the holiday's, and the belated day is the only other it has
 * (with a grace of two days, a greeting put on the Monday before a Tuesday holiday turned
 * overdue on Thursday, when its belated day, Wednesday, was over: it never moved at all).
 */
function belatedToday(config: Config, touch: TouchRow, today: string): boolean {
  return touch.source.startsWith('campaign:') && !touch.overdue_from && touch.window_to < today && !occasionPassed(config, touch, today);
}

export interface DailyReport {
  readonly overdueMoved: number;
  readonly overdueEscalated: number;
  readonly silent: number;
  readonly silenceAlerts: number;
  readonly silenceEscalated: number;
  readonly cleared: number;
  /** Open touches cancelled as no longer in the plan (their rule, campaign, handover or client gone). */
  readonly cancelled: number;
}

/**
 * Whether a chain's (`anchor: last`) touch comes after another of its chain that is open too: it
 * is not moved on as overdue, the next plan puts it `every` after the open one (plan.ts
 * #chainStep). Both overdue happens when no pass ran between the later one's day and the check (a
 * daemon off over a weekend); moved, it was recorded where the check put it, and the two rolled
 * on together every morning. One its holder put on its day stays theirs.
 */
function waitsOnEarlierOfChain(config: Config, open: readonly TouchRow[]): (t: TouchRow) => boolean {
  const chains = chainSources(config);
  const firstDue = new Map<string, string>();
  for (const t of open) {
    if (!chains.has(t.source)) continue;
    const known = firstDue.get(t.series);
    if (known === undefined || t.window_from < known) firstDue.set(t.series, t.window_from);
  }
  return (t) => chains.has(t.source) && t.moved_by_user !== 1 && (firstDue.get(t.series) ?? t.window_from) < t.window_from;
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
    // What no longer applies (a won-back client's win-back letter) is cancelled, not moved on as overdue.
    const cancelled = await cancelInapplicableTouches(trx, config, now);
    // Overdue
    // The longest late first: they take the first days with room.
    const open = (await openTouchesBefore(trx, today)).filter((t) => isOverdue(config, t, today) || belatedToday(config, t, today));
    // A leaver's greeting whose day is over is not moved on, but it changes hands as their other
    // late touches do: to whoever holds their clients today, on its own day, so that someone who
    // is still here can mark it (left with the leaver, it stayed open, late and missed, for good).
    await handOverTouches(trx, open.filter((t) => occasionPassed(config, t, today)).flatMap((touch) => {
      const to = employeeById(config, holderOn(config.handovers, touch.employee_id, today));
      return to && to.id !== touch.employee_id ? [{ touch, to: { employee: to.id, date: touch.date, start: touch.start_at, end: touch.end_at } }] : [];
    }), nowIso);
    // Those a later touch of their series made pointless are closed as missed, not moved on — and
    // so are those moved on already, to a day still ahead: February's call waiting on the 10th is
    // closed the morning March's turns overdue, not left beside it until its day.
    const stillOpen = [...open, ...await openMovedAhead(trx, today)];
    const superseded = await closeSupersededTouches(trx, config, stillOpen, today, nowIso);
    const waits = waitsOnEarlierOfChain(config, stillOpen.filter((t) => !superseded.has(t.id)));
    const late = open.filter((t) => !occasionPassed(config, t, today) && !superseded.has(t.id) && !waits(t))
      .sort((a, b) => compare(a.overdue_from ?? a.date, b.overdue_from ?? b.date) || compare(a.start_at, b.start_at) || compare(a.id, b.id));
    const room = late.some((t) => !t.all_day) ? new OverdueRoom(await timedAgenda(trx, today, addDays(today, AGENDA_READ_DAYS)), now.toMillis()) : undefined;
    let overdueMoved = 0;
    const escalations: WorkflowTouch[] = [];
    for (const touch of late) {
      const to = overdueMove(config, touch, today, room);
      if (!to) continue;
      const overdueFrom = await moveOverdue(trx, touch, to, nowIso);
      if (overdueFrom === undefined) continue;
      // Counted where it went (not where it would have gone, had it not been marked meanwhile).
      if (!touch.all_day) room?.take(to.employee, to.date, [Date.parse(to.start), Date.parse(to.end)], touch);
      overdueMoved++;
      const escalation = overdueEscalation(config, { ...touch, overdue_from: overdueFrom, date: to.date, employee_id: to.employee }, today);
      if (escalation) escalations.push(escalation);
    }
    const overdueEscalated = (await insertWorkflowTouches(trx, escalations, nowIso)).length;

    // Silence
    const silent = silentClients(config, await lastDoneByClient(trx), await trackedSinceByClient(trx, config.settings.timezone), today);
    const skips = lastSkips(await skippedSilenceAlerts(trx), config.settings.timezone);
    const rounds = silent.flatMap((s) => {
      const round = silenceRound(config, s, skips, today);
      return round ? [{ s, skippedOn: round.skippedOn }] : [];
    });
    const alerts = rounds.map(({ s, skippedOn }) => silenceAlert(config, s, today, skippedOn)).filter((t) => t !== undefined);
    const silenceAlerts = (await insertWorkflowTouches(trx, alerts, nowIso)).length;
    const alertRows = new Map((await touchesByIds(trx, alerts.map((a) => workflowTouchId(a.identity)))).map((r) => [r.id, r]));
    const upward: WorkflowTouch[] = [];
    for (const { s, skippedOn } of rounds) {
      const alert = alertRows.get(workflowTouchId(silenceIdentity(s.client.id, s.since, skippedOn)));
      if (!alert || alert.status !== 'planned') continue;
      const escalation = silenceEscalation(config, s, { date: alert.overdue_from ?? alert.date, employee: alert.employee_id }, today, skippedOn);
      if (escalation) upward.push(escalation);
    }
    const silenceEscalated = (await insertWorkflowTouches(trx, upward, nowIso)).length;
    // Escalations made on an earlier morning say what is true today: whose touch it is now (a handover gave it on).
    await refreshOpenTexts(trx, [...escalations, ...upward].map((e) => ({ id: workflowTouchId(e.identity), title: e.title, body: e.body ?? null })), nowIso);

    const withdrawn = await clearSettled(trx, await openAlerts(trx), silent, watchedForSilence(config, today), nowIso);
    const cleared = withdrawn.overdue + withdrawn.silence + (withdrawn.silenceSkipped ?? 0);
    return { overdueMoved, overdueEscalated, silent: silent.length, silenceAlerts, silenceEscalated, cleared, cancelled };
  });
}

/**
 * Alerts whose reason is gone are cancelled: the client was touched since (the silence is
 * over), or the overdue touch an escalation is about was closed. `silent`: the silences that go on.
 */
async function clearSettled(
  db: DB, alerts: Awaited<ReturnType<typeof openAlerts>>, silent: readonly SilentClient[], watched: ReadonlySet<string>, nowIso: string,
): Promise<Withdrawn> {
  // By episode: the alerts of a silence that goes on stay, whichever round they are of.
  const current = new Set(silent.map((s) => silenceIdentity(s.client.id, s.since)));
  const cleared = { overdue: 0, silence: 0, silenceSkipped: 0 };
  for (const a of alerts) {
    let reason: string | undefined;
    const subject = escalatedTouchOf(a.series);
    if (subject) {
      const row = await touchById(db, subject);
      if (row && row.status !== 'planned') reason = `the overdue touch was ${row.status}`;
    } else if (!current.has(silenceEpisodeOf(a.series))) {
      // Not "touched" when nobody was: a client lapsed, or no longer of silence.for, or gone (QA: the history said it was touched).
      reason = watched.has(silenceClientOf(a.series)) ? SILENCE_OVER : SILENCE_NOT_WATCHED;
    } else if (a.series.startsWith('escalation:')) {
      // Its alert skipped ("not now"): the silence goes on, and the next round's alert and its own
      // escalation come when it has lasted again; this one would stand beside them.
      const alert = await touchById(db, workflowTouchId(a.series.slice('escalation:'.length)));
      if (alert?.status === 'skipped') reason = ALERT_SKIPPED;
    }
    if (!reason) continue;
    if ((await recordOutcome(db, a.id, { status: 'cancelled', at: nowIso, detail: reason, cause: 'workflow' })).recorded) cleared[subject ? 'overdue' : reason === ALERT_SKIPPED ? 'silenceSkipped' : 'silence']++;
  }
  return cleared;
}

/** Each silence episode's latest skipped alert: the day it was skipped, in the company's zone. */
function lastSkips(rows: readonly { series: string; resolved_at: string | null }[], zone: string): Map<string, string> {
  const skips = new Map<string, string>();
  for (const r of rows) {
    if (r.resolved_at === null) continue;
    const day = localDateOf(zone, Date.parse(r.resolved_at));
    const episode = silenceEpisodeOf(r.series);
    const last = skips.get(episode);
    if (last === undefined || day > last) skips.set(episode, day);
  }
  return skips;
}

/** Alerts withdrawn, by what ended their reason: an overdue touch closed (its escalation), a client's silence (its alert and the alert's escalation). */
export interface Withdrawn {
  readonly overdue: number;
  readonly silence: number;
  /** Escalations of silence alerts that were skipped ("not now": the silence goes on). */
  readonly silenceSkipped?: number;
  /** Earlier overdue touches closed as missed, the touch just done being a later one of their series (withdrawSettledAlerts only). */
  readonly closed?: number;
  /**
   * Other overdue touches of the client closed as missed meanwhile, each behind a later touch of
   * its own series, done or overdue too, as the next morning's check would (withdrawSettledAlerts
   * only): counted apart, not as what the touch just done made pointless (QA: "7 … by the same
   * rule", of which 5 were another rule's meetings).
   */
  readonly closedOthers?: number;
}

/**
 * Right after a touch of `clientId` is done or skipped: the client's alerts whose reason that
 * ended are withdrawn now, as the next daily check would — the escalation of an overdue touch
 * closed, the silence alert (and its escalation) of a client just touched. Until the morning
 * they stayed in the director's calendar and the overdue report, while the silence report
 * already said the client was not silent. Returns how many were withdrawn.
 */
export async function withdrawSettledAlerts(db: DB, config: Config, now: DateTime, clientId: string, resolvedTouch?: string): Promise<Withdrawn> {
  const today = now.setZone(config.settings.timezone).toISODate()!;
  return inTransaction(db, async (trx) => {
    // The client's overdue touches a touch just done made pointless go now, as the next check would close them.
    const closers = [...(await closeSupersededTouches(trx, config, await openSupersedable(trx, today, clientId), today, now.toUTC().toISO()!)).values()];
    const closed = closers.filter((by) => by === resolvedTouch).length;
    const closedOthers = closers.length - closed;
    const alerts = await openAlerts(trx, clientId);
    if (alerts.length === 0) return { overdue: 0, silence: 0, closed, closedOthers };
    const client = clientById(config, clientId);
    const silent = client
      ? silentClients({ ...config, clients: [client] }, await lastDoneByClient(trx, clientId), await trackedSinceByClient(trx, config.settings.timezone, clientId), today)
      : [];
    return { ...await clearSettled(trx, alerts, silent, watchedForSilence({ ...config, clients: client ? [client] : [] }, today), now.toUTC().toISO()!), closed, closedOthers };
  });
}
