import type { Client, Config } from '../domain/types.ts';
import type { TrackedSince } from '../storage/workflow-repository.ts';
import { selects } from '../domain/selector.ts';
import { addDays, addDuration, daysBetween } from '../planner/dates.ts';
import { allDayOn, type WorkflowTouch } from './workflow-touch.ts';
import { translator } from '../i18n/translator.ts';
import { employeeById } from '../domain/config-index.ts';
import { teamHolderOn } from '../domain/team.ts';

/** The last done touch with a client: when, by whom, what. */
export interface LastDone {
  readonly date: string;
  readonly employee: string;
  readonly title: string;
}

export interface SilentClient {
  readonly client: Client;
  /** The day the silence counts from: the last done touch, else `since`, else the first plan. */
  readonly since: string;
  readonly days: number;
  readonly lastDone: LastDone | undefined;
}

/** An alert left undone this many days goes up to `escalate_to`. */
export const SILENCE_ESCALATION_DAYS = 7;

/**
 * Clients where nobody of ours has done a touch with anyone for longer than `silence.after`,
 * longest silence first. Without a done touch, the silence counts from the client's
 * `last_contact` (from the CRM); without that, from the later of `since` and the day
 * touchbase first planned for it — what happened before touchbase is not known, and a fresh
 * installation must not call every old client silent on its first morning.
 */
export function silentClients(config: Config, lastDone: ReadonlyMap<string, LastDone>, trackedSince: TrackedSince, today: string): SilentClient[] {
  const silence = config.silence;
  if (!silence) return [];
  const out: SilentClient[] = [];
  for (const client of config.clients) {
    if (!selects(silence.for, client, today)) continue;
    const done = lastDone.get(client.id);
    const since = silenceStart(client, done, trackedSince);
    if (!since || addDuration(since, silence.after) >= today) continue;
    out.push({ client, since, days: daysBetween(since, today), lastDone: done });
  }
  return out.sort((a, b) => b.days - a.days || a.client.id.localeCompare(b.client.id));
}

/** The history's word for a silence alert withdrawn because its client was touched since. */
export const SILENCE_OVER = 'the client was touched: the silence is over';

/** The history's word for a silence alert withdrawn because its client is no longer watched (not "touched": nobody was). */
export const SILENCE_NOT_WATCHED = 'the client is no longer watched for silence (silence.for, or gone from the configuration)';

/** The history's word for a silence alert's escalation withdrawn because the alert was skipped ("not now"). */
export const ALERT_SKIPPED = 'its alert was skipped: a silence that goes on is alerted again later';

/** The clients `silence.for` watches today (all of them in the configuration when it says nothing). */
export function watchedForSilence(config: Config, today: string): Set<string> {
  const silence = config.silence;
  return new Set(silence ? config.clients.filter((c) => selects(silence.for, c, today)).map((c) => c.id) : []);
}

/** The client a silence alert, or its escalation, is about (its series: silence:<client>|<since>…). */
export function silenceClientOf(series: string): string {
  return silenceEpisodeOf(series).slice('silence:'.length).replace(/\|.*$/, '');
}

/**
 * The day a client's silence counts from: its last done touch or the CRM's last contact,
 * whichever is later; without either, the later of `since` and the first plan for it — for a
 * client nothing was ever planned for (no contacts, no rule for it: nobody is in touch), the
 * company's first plan — and none before touchbase has planned anything (the checks run before
 * the first plan must not call every old client silent).
 */
export function silenceStart(client: Client, lastDone: LastDone | undefined, tracked: TrackedSince): string | undefined {
  const trackedSince = tracked.byClient.get(client.id) ?? tracked.company;
  return latest(lastDone?.date, client.lastContact) ?? (trackedSince === undefined ? undefined : latest(client.since, trackedSince));
}

/**
 * The identity of a silence episode's alert: one per client and day the silence counts from —
 * and, once an alert of it was skipped, one per skip (`skippedOn`, the day it was skipped).
 */
export function silenceIdentity(client: string, since: string, skippedOn?: string): string {
  return `silence:${client}|${since}${skippedOn === undefined ? '' : `|again:${skippedOn}`}`;
}

/** The episode a silence alert, or its escalation, is about: its identity without the round. */
export function silenceEpisodeOf(series: string): string {
  return series.replace(/^escalation:/, '').replace(/\|again:.*$/, '');
}

/**
 * Whether a silence gets an alert now, and which: the first of its episode, or — when its
 * account manager skipped the last one ("their CEO is on holiday") — the next, once the silence
 * has lasted `silence.after` again from the day of that skip. A skip is "not now", not "never":
 * one muted the client's silence for good while the report still listed it (QA). `skips`: each
 * episode's latest skip (silenceEpisodeOf), a day in the company's zone. Undefined: no alert yet.
 */
export function silenceRound(config: Config, s: SilentClient, skips: ReadonlyMap<string, string>, today: string): { readonly skippedOn?: string } | undefined {
  const skippedOn = skips.get(silenceIdentity(s.client.id, s.since));
  if (skippedOn === undefined) return {};
  return addDuration(skippedOn, config.silence!.after) < today ? { skippedOn } : undefined;
}

/** The alert to the client's account manager (silence.notify): get in touch with anyone there. */
export function silenceAlert(config: Config, s: SilentClient, today: string, skippedOn?: string): WorkflowTouch | undefined {
  const employee = employeeById(config, teamHolderOn(config, s.client, config.silence!.notify, today));
  if (!employee) return undefined;
  const day = allDayOn(config, employee, s.client, today);
  const tr = translator(config.settings.language);
  const last = s.lastDone ? tr.t('wf.silence.last', { title: s.lastDone.title, date: tr.date(s.lastDone.date), employee: s.lastDone.employee }) : tr.t('wf.silence.none');
  const again = skippedOn === undefined ? '' : ` ${tr.t('wf.silence.again', { date: tr.date(skippedOn) })}`;
  return {
    identity: silenceIdentity(s.client.id, s.since, skippedOn), source: `silence:${s.client.id}`, kind: 'call', client: s.client.id,
    contacts: s.client.contacts.map((c) => c.id), employee: employee.id, ...day, allDay: true,
    title: tr.t('wf.silence.title', { client: s.client.name, since: tr.longDate(s.since) }), dueBy: addDays(day.date, SILENCE_ESCALATION_DAYS - 1), remind: [0],
    body: tr.t('wf.silence.body', { client: s.client.name, since: tr.date(s.since), count: s.days, today: tr.date(today), last }) + again,
  };
}

/** A week after an alert was due and still undone: the same news for `escalate_to`. */
export function silenceEscalation(config: Config, s: SilentClient, alert: { date: string; employee: string }, today: string, skippedOn?: string): WorkflowTouch | undefined {
  const role = config.silence?.escalateTo;
  if (!role || addDays(alert.date, SILENCE_ESCALATION_DAYS) > today) return undefined;
  const to = employeeById(config, teamHolderOn(config, s.client, role, today));
  if (!to || to.id === alert.employee) return undefined;
  const day = allDayOn(config, to, s.client, today);
  const tr = translator(config.settings.language);
  // Named as a director knows them, not by their id in the configuration.
  const holder = employeeById(config, alert.employee)?.name ?? alert.employee;
  return {
    identity: `escalation:${silenceIdentity(s.client.id, s.since, skippedOn)}`, source: `escalation:silence:${s.client.id}`, kind: 'call', client: s.client.id,
    contacts: s.client.contacts.map((c) => c.id), employee: to.id, ...day, allDay: true,
    title: tr.t('wf.silenceEscalation.title', { client: s.client.name, since: tr.longDate(s.since), employee: holder }),
    dueBy: addDays(day.date, 6), remind: [0],
    body: tr.t('wf.silenceEscalation.body', { employee: holder, date: tr.date(alert.date), client: s.client.name, since: tr.date(s.since) }),
  };
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined ? b : b === undefined || a >= b ? a : b;
}
