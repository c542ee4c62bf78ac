import type { Cell, Report } from './report.ts';
import { holderOn } from '../domain/team.ts';
import { addDays, addDuration, daysBetween } from '../planner/dates.ts';
import { MISSED_STEP_DAYS } from '../planner/rule-demands.ts';
import type { ReportContext } from './report-data.ts';

/**
 * Each handover of the configuration: how many clients, the "your manager changes" notices and
 * the successor's introductions (how many are done), and the touches the successor took over.
 */
export function handoversReport({ config, data, today }: ReportContext): Report {
  // The letters are planned once their days come within the horizon: before that, a handover has
  // none yet, and its counts are left empty rather than 0 ("nothing is planned").
  const horizonEnd = addDuration(today, config.settings.horizon);
  let later = 0;
  let missed = 0;
  const rows: Record<string, Cell>[] = config.handovers.map((h) => {
    const source = `handover:${h.from}:${h.to}`;
    // The leaver's clients on their last day: their own, and those they took over by an earlier
    // handover (in a chain, the clients are told at each change, as the plan does).
    const lastDay = addDays(h.on, -1);
    const clients = new Set(config.clients.filter((c) => Object.values(c.team).some((m) => holderOn(config.handovers, m, lastDay) === h.from)).map((c) => c.id));
    const letters = data.touches.filter((t) => t.source === source);
    // One notice a contact: a contact told again (the handover put off after their notice was
    // done: plan.ts #announcing) has two touches in its series, and is told once all are done.
    const bySeries = new Map<string, (typeof letters)[number][]>();
    for (const t of letters) if (t.series.endsWith('|notice')) bySeries.set(t.series, [...bySeries.get(t.series) ?? [], t]);
    const notices = [...bySeries.values()];
    const intros = letters.filter((t) => t.series.endsWith('|intro'));
    // For a horizon from the change (or from today, once it is past): a plan recorded further ahead
    // (`plan --to` a year on) does not change the count.
    const takenUntil = addDuration(h.on > today ? h.on : today, config.settings.horizon);
    const takenOver = data.touches.filter((t) => clients.has(t.client_id) && t.employee_id === h.to && t.date >= h.on && t.date <= takenUntil
      && (t.source.startsWith('rule:') || t.source.startsWith('campaign:'))).length;
    // The notices go out a working day or two before `on`, the introductions one or two after: with
    // none recorded, those whose days may be past the horizon's end are not planned yet.
    const noticesLater = notices.length === 0 && clients.size > 0 && addDays(h.on, -1) > horizonEnd;
    const introsLater = intros.length === 0 && clients.size > 0 && addDays(h.on, 1) > horizonEnd;
    if (noticesLater || introsLater) later++;
    // None recorded and their days past: the handover came after them (plan.ts #lateNotice warns of it), not "none to send".
    // Up to a month after (as the plan warns): an older handover's notices are history, or before touchbase.
    if (notices.length === 0 && clients.size > 0 && addDays(h.on, -1) < today && daysBetween(h.on, today) <= MISSED_STEP_DAYS) missed++;
    return {
      from: h.from, to: h.to, on: h.on, clients: clients.size,
      notices: noticesLater ? null : notices.length, notices_done: noticesLater ? null : notices.filter((told) => told.every((t) => t.status === 'done')).length,
      intros: introsLater ? null : intros.length, intros_done: introsLater ? null : intros.filter((t) => t.status === 'done').length, taken_over: takenOver,
    };
  });
  return {
    name: 'handovers', title: { key: 'report.handovers.title', params: { today: { date: today } } },
    columns: [
      { key: 'from', header: 'col.from' }, { key: 'to', header: 'col.to' }, { key: 'on', header: 'col.on', type: 'date' },
      { key: 'clients', header: 'col.clients', type: 'number' }, { key: 'notices', header: 'col.notices', type: 'number' },
      { key: 'notices_done', header: 'col.noticesDone', type: 'number' }, { key: 'intros', header: 'col.intros', type: 'number' },
      { key: 'intros_done', header: 'col.introsDone', type: 'number' }, { key: 'taken_over', header: 'col.takenOver', type: 'number' },
    ],
    rows, summary: [
      { key: 'handovers', label: 'sum.handovers', value: rows.length, type: 'number' },
      ...later > 0 ? [{ key: 'letters_later', label: 'sum.handoverLettersLater' as const, value: later, type: 'number' as const }] : [],
      ...missed > 0 ? [{ key: 'notices_missed', label: 'sum.handoverNoticesMissed' as const, value: missed, type: 'number' as const }] : [],
    ],
  };
}
