import type { Config } from '../domain/types.ts';
import { isoInZone, localToMs } from '../planner/zoned-time.ts';
import type { OverdueRoom } from './overdue-room.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { addDays } from '../planner/dates.ts';
import { allDayOn, nextWorkday, wallClockOf, type WorkflowTouch } from './workflow-touch.ts';
import { translator, type MessageKey } from '../i18n/translator.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import { holderOn, teamHolderOn } from '../domain/team.ts';

/** Sources of touches that are reminders to us, not touches with a client: never overdue-escalated. */
export function isInternal(source: string): boolean {
  return source.startsWith('digest:') || source.startsWith('escalation:');
}

export { isOverdue } from '../domain/overdue.ts';

/**
 * Where an overdue touch goes today: the next working day of whoever holds it then, at the same
 * local time. A leaver's late touches go to their successor (handovers, as the plan's touches of
 * that day do): left with them, they would roll forward every morning in the calendar of someone
 * who is gone, and the successor would never see them.
 *
 * With `room` (what the employees' next days already hold), a timed touch goes to the first of
 * the holder's next working days with room under meetings_per_day and a free time (its own time
 * of day if free, else the first free time of the hours holder and client share), so that late
 * calls do not pile up on one day or sit on top of each other (overdue-room.ts); with no room
 * within a week, the first working day with a free time. The caller counts it there once moved.
 */
export function overdueMove(config: Config, touch: TouchRow, today: string, room?: OverdueRoom): { date: string; start: string; end: string; employee: string } | undefined {
  if (touch.date >= today) return undefined;
  const client = clientById(config, touch.client_id);
  const holder0 = employeeById(config, touch.employee_id);
  // Gone from the configuration without a handover: whoever holds the touch's role for its client
  // now takes it, as the plan gives them the future ones. Left with nobody, it stayed open and
  // late for good, under a name no one answers to.
  const owner = holder0 ?? heirOf(config, touch, client, today);
  if (!owner) return undefined;
  let employee = owner;
  let date = nextWorkday(config, owner, client, today);
  const holder = employeeById(config, holderOn(config.handovers, owner.id, date));
  if (holder && holder.id !== owner.id) {
    employee = holder;
    date = nextWorkday(config, holder, client, today);
  }
  if (touch.all_day) return { date, start: date, end: addDays(date, 1), employee: employee.id };
  // The same wall-clock time, in the zone of whoever holds it now.
  const { wallMinutes, durationMs } = wallClockOf(config, touch);
  const put = room?.find(config, employee, client, date, wallMinutes, durationMs, touch)
    ?? { date, startMs: localToMs(employee.timezone, date, wallMinutes) };
  return { date: put.date, start: isoInZone(put.startMs, employee.timezone), end: isoInZone(put.startMs + durationMs, employee.timezone), employee: employee.id };
}

/**
 * For a touch whose holder left the configuration: the holder today of the role its rule,
 * campaign or trigger names, or the silence workflow (`notify`, `escalate_to`) or the overdue
 * check (`escalate_to`) gives it to. A digest has none: it is its reader's.
 */
export function heirOf(config: Config, touch: Pick<TouchRow, 'source'>, client: ReturnType<typeof clientById>, today: string): ReturnType<typeof employeeById> {
  if (!client) return undefined;
  const [kind, id, more] = touch.source.split(':') as [string, string | undefined, string | undefined];
  const role = kind === 'rule' ? config.rules.find((r) => r.id === id)?.ours
    : kind === 'campaign' ? config.campaigns.find((c) => c.id === id)?.ours
    : kind === 'trigger' ? config.triggers.find((t) => t.id === id)?.ours
    : kind === 'silence' ? config.silence?.notify
    : kind === 'escalation' && id === 'silence' && more !== undefined ? config.silence?.escalateTo
    : kind === 'escalation' && id === 'overdue' && more !== undefined ? config.overdue.escalateTo
    : undefined;
  // A handover's own touches (the notices, the introductions) go to its successor.
  if (kind === 'handover' && more !== undefined) return employeeById(config, more);
  const heir = role === undefined ? undefined : teamHolderOn(config, client, role, today);
  return heir === undefined ? undefined : employeeById(config, heir);
}

/** The identity of an overdue touch's escalation: it names the touch, so the check finds it back. */
const ESCALATION = 'escalation:overdue:';

/** The overdue touch an escalation is about, from the escalation's identity (its series), or undefined. */
export function escalatedTouchOf(series: string): string | undefined {
  return series.startsWith(ESCALATION) ? series.slice(ESCALATION.length) : undefined;
}

/**
 * An overdue meeting (escalate_kinds) with one of the client's escalate_for contacts (their
 * CEO, a director) goes up to the client's escalate_to holder, once per touch.
 */
export function overdueEscalation(config: Config, touch: TouchRow, today: string): WorkflowTouch | undefined {
  const o = config.overdue;
  // A silence alert left undone goes up by the silence workflow's own escalation, a week on
  // (when it has one): an overdue one as well told the same director the same thing twice.
  const escalatedAsSilence = touch.source.startsWith('silence:') && config.silence?.escalateTo !== undefined;
  if (!o.escalateTo || !o.escalateKinds.includes(touch.kind as never) || isInternal(touch.source) || escalatedAsSilence) return undefined;
  const client = clientById(config, touch.client_id);
  if (!client) return undefined;
  const ids = JSON.parse(touch.contact_ids) as string[];
  const contacts = client.contacts.filter((c) => ids.includes(c.id));
  if (!contacts.some((c) => o.escalateFor.includes(c.role))) return undefined;
  const to = employeeById(config, teamHolderOn(config, client, o.escalateTo!, today));
  if (!to || to.id === touch.employee_id) return undefined;
  const day = allDayOn(config, to, client, today);
  const due = touch.overdue_from ?? touch.date;
  const who = contacts.map((c) => `${c.name} (${c.role})`).join(', ');
  // The people are named as a director knows them, not by their id in the configuration.
  const owner = employeeById(config, touch.employee_id)?.name ?? touch.employee_id;
  const tr = translator(config.settings.language);
  return {
    identity: `${ESCALATION}${touch.id}`, source: `${ESCALATION}${client.id}`, kind: 'call', client: client.id,
    contacts: contacts.map((c) => c.id), employee: to.id, ...day, allDay: true,
    title: tr.t('wf.overdueEscalation.title', { client: client.name, kind: tr.t(`kind.${touch.kind}` as MessageKey), who, due: tr.date(due), employee: owner }),
    dueBy: addDays(day.date, 6), remind: [0],
    body: tr.t('wf.overdueEscalation.body', { title: touch.title, due: tr.date(due), employee: owner, id: touch.id }),
  };
}
