import { DateTime } from 'luxon';
import type { Rule } from '../domain/types.ts';
import { share, type Cell, type Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { dueDay, outcomeOwner, touchOutcome, type TouchOutcome } from './touch-outcome.ts';

/** How many months back (the current one included) coverage by month looks. */
export const COVERAGE_MONTHS = 12;

/** Touches of one rule due in one month and owned by one employee, by what became of them. */
export interface CoverageCell {
  readonly rule: string;
  /** The touches' kind: what a rule gone from the configuration is shown with (coverageRuleHeads). */
  readonly kind?: string;
  readonly month: string;
  readonly employee: string;
  readonly counts: Readonly<Record<TouchOutcome, number>>;
}

/** The months coverage by month covers, oldest first: yyyy-mm. */
export function coverageMonths(today: string): string[] {
  const current = DateTime.fromISO(today, { zone: 'utc' }).startOf('month');
  return Array.from({ length: COVERAGE_MONTHS }, (_, i) => current.minus({ months: COVERAGE_MONTHS - 1 - i }).toFormat('yyyy-MM'));
}

/**
 * The finest cells of coverage by month: per rule, month the touch was due, and employee (so
 * that an employee's own view sums only theirs). The report and the dashboard's heat map are
 * sums of these cells.
 */
export function coverageCells({ config, data, today }: ReportContext): CoverageCell[] {
  const months = new Set(coverageMonths(today));
  const rules = new Set(config.rules.map((r) => r.id));
  const cells = new Map<string, { rule: string; kind: string; month: string; employee: string; counts: Record<TouchOutcome, number> }>();
  for (const t of data.touches) {
    if (!t.source.startsWith('rule:')) continue;
    const rule = t.source.slice(5);
    const month = dueDay(t).slice(0, 7);
    if (!months.has(month)) continue;
    // A rule gone from the configuration keeps the months it was done in (its open touches were
    // cancelled with it): taken out whole, its done calls left the report while punctuality
    // still counted them (QA). What stays of it is done or skipped, never due any more.
    if (!rules.has(rule) && t.status !== 'done' && t.status !== 'skipped') continue;
    const outcome = touchOutcome(config, t, today);
    const employee = outcomeOwner(config, t, outcome, data.handOvers);
    const key = `${rule}|${month}|${employee}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { rule, kind: t.kind, month, employee, counts: { on_time: 0, late: 0, skipped: 0, missed: 0, open: 0 } };
      cells.set(key, cell);
    }
    cell.counts[outcome]++;
  }
  return [...cells.values()];
}

/** What coverage by month needs to know of a rule. */
export type RuleHead = Pick<Rule, 'id' | 'ours' | 'theirs' | 'kind'>;

/**
 * The rules coverage by month has lines for: the configuration's, in its order, then those gone
 * from it whose touches of these months were done or skipped — by their id and their touches'
 * kind (whose roles they were is not known any more: empty).
 */
export function coverageRuleHeads(rules: readonly Rule[], cells: readonly CoverageCell[]): RuleHead[] {
  const heads: RuleHead[] = rules.map((r) => ({ id: r.id, ours: r.ours, theirs: r.theirs, kind: r.kind }));
  const known = new Set(heads.map((r) => r.id));
  for (const c of [...cells].sort((a, b) => a.rule.localeCompare(b.rule))) {
    if (known.has(c.rule)) continue;
    known.add(c.rule);
    heads.push({ id: c.rule, ours: '', theirs: [], kind: (c.kind ?? 'call') as Rule['kind'] });
  }
  return heads;
}

/** One row per rule and month: the sums of the cells given (all of them, or one employee's). */
export function coverageMonthRows(rules: readonly RuleHead[], cells: readonly CoverageCell[], today: string): Record<string, Cell>[] {
  const sums = new Map<string, Record<TouchOutcome, number>>();
  for (const c of cells) {
    const key = `${c.rule}|${c.month}`;
    const s = sums.get(key) ?? { on_time: 0, late: 0, skipped: 0, missed: 0, open: 0 };
    for (const k of Object.keys(s) as TouchOutcome[]) s[k] += c.counts[k];
    sums.set(key, s);
  }
  const rows: Record<string, Cell>[] = [];
  for (const rule of rules) {
    for (const month of coverageMonths(today)) {
      const s = sums.get(`${rule.id}|${month}`) ?? { on_time: 0, late: 0, skipped: 0, missed: 0, open: 0 };
      const due = s.on_time + s.late + s.skipped + s.missed + s.open;
      rows.push({
        rule: rule.id, ours: rule.ours, theirs: rule.theirs === 'all' ? 'all' : rule.theirs.join(', '), kind: rule.kind, month, due,
        on_time: s.on_time, late: s.late, missed: s.missed, skipped: s.skipped, open: s.open,
        on_time_share: share(s.on_time, s.on_time + s.late + s.missed),
      });
    }
  }
  return rows;
}

/**
 * Coverage of each rule month by month, for the current and the past eleven months: the
 * touches due each month, done on time, done late, missed (open and overdue), skipped, still open.
 */
export function coverageMonthsReport(ctx: ReportContext, cells: readonly CoverageCell[] = coverageCells(ctx)): Report {
  const rows = coverageMonthRows(coverageRuleHeads(ctx.config.rules, cells), cells, ctx.today);
  const total = (k: string) => rows.reduce((n, r) => n + Number(r[k]), 0);
  const months = coverageMonths(ctx.today);
  return {
    name: 'coverage-months',
    title: { key: 'report.coverageMonths.title', params: { from: { date: `${months[0]}-01` }, to: { date: ctx.today } } },
    columns: [
      { key: 'rule', header: 'col.rule' }, { key: 'ours', header: 'col.ourRole' }, { key: 'theirs', header: 'col.theirRole', type: 'value' },
      { key: 'kind', header: 'col.kind', type: 'kind' }, { key: 'month', header: 'col.month', type: 'month' }, { key: 'due', header: 'col.dueCount', type: 'number' },
      { key: 'on_time', header: 'col.onTime', type: 'number' }, { key: 'late', header: 'col.late', type: 'number' },
      { key: 'missed', header: 'col.missed', type: 'number' }, { key: 'skipped', header: 'col.skipped', type: 'number' },
      { key: 'open', header: 'col.open', type: 'number' }, { key: 'on_time_share', header: 'col.onTimeShare', type: 'percent' },
    ],
    rows,
    summary: [
      { key: 'due', label: 'sum.due', value: total('due'), type: 'number' },
      { key: 'on time', label: 'sum.onTime', value: total('on_time'), type: 'number' },
      { key: 'late', label: 'sum.late', value: total('late'), type: 'number' },
      { key: 'missed', label: 'sum.missed', value: total('missed'), type: 'number' },
      { key: 'skipped', label: 'sum.skipped', value: total('skipped'), type: 'number' },
      { key: 'open', label: 'sum.open', value: total('open'), type: 'number' },
      { key: 'share on time', label: 'sum.shareOnTime', value: share(total('on_time'), total('on_time') + total('late') + total('missed')), type: 'percent' },
    ],
  };
}
