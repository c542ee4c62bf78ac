import { selects } from '../domain/selector.ts';
import type { Client, Rule } from '../domain/types.ts';
import { addDuration } from '../planner/dates.ts';
import { periodsOverlapping } from '../planner/periods.ts';
import type { ReportTouch } from '../storage/report-queries.ts';
import { isOverdue } from '../workflows/overdue.ts';
import { share, type Cell, type Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { teamHolderOn } from '../domain/team.ts';

/**
 * Per client, each pair of roles the rules ask for (our role × their role): the last done
 * touch, the next one due, and whether the pair is on time (nothing of it overdue), not due yet
 * (its touch lies beyond the saved plan), or never touched; the share of pairs on time (or not
 * due yet) per client and overall.
 */
export function coverageReport({ config, data, today }: ReportContext): Report {
  const byClientRule = new Map<string, ReportTouch[]>();
  for (const t of data.touches) {
    if (!t.source.startsWith('rule:')) continue;
    const key = `${t.client_id}|${t.source.slice(5)}`;
    const list = byClientRule.get(key);
    if (list) list.push(t);
    else byClientRule.set(key, [t]);
  }
  const rows: Record<string, Cell>[] = [];
  const horizonEnd = addDuration(today, config.settings.horizon);
  let onTime = 0;
  let pairs = 0;
  for (const client of config.clients) {
    const pairRows: { ours: string; theirs: string; employee: string; touches: ReportTouch[]; rules: Rule[] }[] = [];
    const contactRole = new Map(client.contacts.map((c) => [c.id, c.role]));
    for (const rule of config.rules) {
      if (!selects(rule.for, client, today)) continue;
      const theirs = rule.theirs === 'all' ? ['all'] : rule.theirs.filter((r) => client.contacts.some((c) => c.role === r));
      const touches = byClientRule.get(`${client.id}|${rule.id}`) ?? [];
      for (const role of theirs) {
        const mine = role === 'all' ? touches : touches.filter((t) => data.contactsOf(t).some((id) => contactRole.get(id) === role));
        const existing = pairRows.find((p) => p.ours === rule.ours && p.theirs === role);
        if (existing) {
          existing.touches.push(...mine);
          existing.rules.push(rule);
        } else pairRows.push({ ours: rule.ours, theirs: role, employee: teamHolderOn(config, client, rule.ours, today) ?? '', touches: [...mine], rules: [rule] });
      }
    }
    let clientOnTime = 0;
    const clientRows: Record<string, Cell>[] = [];
    for (const p of pairRows) {
      const done = p.touches.filter((t) => t.status === 'done').map((t) => t.resolved_date ?? t.date).sort();
      const open = p.touches.filter((t) => t.status === 'planned');
      const late = open.some((t) => isOverdue(config, t, today));
      const next = open.map((t) => t.date).filter((d) => d >= today).sort()[0] ?? null;
      // A pair the rules ask for that has never had a touch is a gap, not "on time"; nor is one
      // whose every touch was skipped: a skip is a decision, but no contact was made or is due.
      // Nothing recorded at all, and none of its rules' touches due within the horizon: it is
      // planned beyond what the plan has saved (a half-yearly CEO meeting in May, seen in
      // February), not missing.
      const status = p.touches.length === 0 && !p.rules.some((r) => dueWithin(r, client, today, horizonEnd)) ? 'not due yet'
        : done.length === 0 && open.length === 0 ? 'no touch yet' : late ? 'late' : 'on time';
      if (status === 'on time' || status === 'not due yet') clientOnTime++;
      clientRows.push({ client: client.id, ours: p.ours, employee: p.employee, theirs: p.theirs, last_done: done.at(-1) ?? null, next_due: next, status });
    }
    for (const r of clientRows) rows.push({ ...r, client_on_time: share(clientOnTime, pairRows.length) });
    onTime += clientOnTime;
    pairs += pairRows.length;
  }
  return {
    name: 'coverage', title: { key: 'report.coverage.title', params: { today: { date: today } } },
    columns: [
      { key: 'client', header: 'col.client' }, { key: 'ours', header: 'col.ourRole' }, { key: 'employee', header: 'col.who' },
      { key: 'theirs', header: 'col.theirRole', type: 'value' }, { key: 'last_done', header: 'col.lastDone', type: 'date' },
      { key: 'next_due', header: 'col.nextDue', type: 'date' }, { key: 'status', header: 'col.status', type: 'value' },
      { key: 'client_on_time', header: 'col.clientOnTime', type: 'percent' },
    ],
    rows,
    summary: [
      { key: 'role pairs', label: 'sum.rolePairs', value: pairs, type: 'number' },
      { key: 'on time', label: 'sum.onTime', value: onTime, type: 'number' },
      { key: 'late or never touched', label: 'sum.lateOrNever', value: pairs - onTime, type: 'number' },
      { key: 'share on time', label: 'sum.shareOnTime', value: share(onTime, pairs), type: 'percent' },
    ],
  };
}

/**
 * Whether a rule's touch should be among the saved touches, the horizon they reach being
 * `horizonEnd`: a calendar rule's when the period holding `today` ends by then; a chain's first
 * (none done: due `every` after `since`, or today) or a sequence's step when it is due by then.
 */
function dueWithin(rule: Rule, client: Client, today: string, horizonEnd: string): boolean {
  if (rule.after) {
    const anchor = client.stageSince ?? client.since;
    return anchor !== undefined && addDuration(anchor, rule.after) <= horizonEnd;
  }
  if (!rule.every) return false;
  if (rule.anchor === 'last') return (client.since ? addDuration(client.since, rule.every) : today) <= horizonEnd;
  const [period] = periodsOverlapping(rule.every, today, today, client.since);
  return period !== undefined && period.window.to <= horizonEnd;
}
