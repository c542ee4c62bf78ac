import { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { addDays } from '../planner/dates.ts';
import { allDayOn, nextWorkday, type WorkflowTouch } from './workflow-touch.ts';
import { translator, type MessageKey } from '../i18n/translator.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import { teamHolderOn } from '../domain/team.ts';

/** Sources of touches that are reminders to us, not touches with a client: never overdue-escalated. */
export function isInternal(source: string): boolean {
  return source.startsWith('digest:') || source.startsWith('escalation:');
}

export { isOverdue } from '../domain/overdue.ts';

/** Where an overdue touch goes today: the employee's next working day, at the same local time. */
export function overdueMove(config: Config, touch: TouchRow, today: string): { date: string; start: string; end: string } | undefined {
  const employee = employeeById(config, touch.employee_id);
  if (!employee || touch.date >= today) return undefined;
  const client = clientById(config, touch.client_id);
  const date = nextWorkday(config, employee, client, today);
  if (touch.all_day) return { date, start: date, end: addDays(date, 1) };
  const zone = employee.timezone;
  const start = DateTime.fromISO(touch.start_at, { zone });
  const end = DateTime.fromISO(touch.end_at, { zone });
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const movedStart = start.set({ year: y, month: m, day: d });
  return { date, start: movedStart.toISO()!, end: movedStart.plus(end.diff(start)).toISO()! };
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
  if (!o.escalateTo || !o.escalateKinds.includes(touch.kind as never) || isInternal(touch.source)) return undefined;
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
