import { coverageMonthRows, coverageMonths, type CoverageCell, type RuleHead } from '../../reports/coverage-months.ts';
import type { Cell } from '../../reports/report.ts';
import { COVERAGE_CELLS } from '../refresh.ts';
import { employeeRows, reportRows } from '../../storage/dashboard-queries.ts';
import { html, raw, type Html } from '../html.ts';
import type { PageContext } from './context.ts';

const OUTCOMES = ['on_time', 'late', 'missed', 'skipped', 'open'] as const;

/**
 * Coverage of each rule month by month: a director sees the stored rows of the report (the
 * CLI's), an employee the same sums over their own cells.
 */
export async function coverageMonthRowsFor(ctx: PageContext): Promise<Record<string, Cell>[]> {
  if (ctx.scope.all) return (await reportRows(ctx.db, 'coverage-months', ctx.scope, undefined)).rows;
  const rules = JSON.parse(ctx.meta.rules ?? '[]') as RuleHead[];
  const cells = await employeeRows(ctx.db, COVERAGE_CELLS, ctx.req.viewer.id) as unknown as CoverageCell[];
  return coverageMonthRows(rules, cells, ctx.meta.today ?? ctx.today);
}

/** The heat map: one line per rule, one cell per month, coloured by the share done on time. */
export function heatMap(ctx: PageContext, rows: readonly Record<string, Cell>[]): Html {
  const { tr } = ctx;
  const allMonths = coverageMonths(ctx.meta.today ?? ctx.today);
  const rules = [...new Map(rows.map((r) => [String(r.rule), r])).values()];
  const at = new Map(rows.map((r) => [`${r.rule}|${r.month}`, r]));
  const bar = (r: Record<string, Cell>) => {
    const due = Number(r.due);
    let x = 0;
    return raw(`<svg viewBox="0 0 100 5" preserveAspectRatio="none" aria-hidden="true">${OUTCOMES.map((k) => {
      const w = (Number(r[k]) / due) * 100;
      const rect = w > 0 ? `<rect class="${k}" x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="5"/>` : '';
      x += w;
      return rect;
    }).join('')}</svg>`);
  };
  const cell = (r: Record<string, Cell> | undefined, key: string) => {
    if (!r || Number(r.due) === 0) return html`<td class="h-none" title="${tr.t('ui.heat.noData')}" data-cell="${key}" data-counts="0,0,0,0,0,0">·</td>`;
    const share = r.on_time_share as number | null;
    const level = share === null ? 'h-none' : `h${Math.round(share * 10)}`;
    const title = tr.t('ui.heat.cell', { due: Number(r.due), onTime: Number(r.on_time), late: Number(r.late), missed: Number(r.missed), skipped: Number(r.skipped), open: Number(r.open) });
    const counts = ['due', ...OUTCOMES].map((k) => Number(r[k])).join(',');
    return html`<td class="${level}" title="${title}" data-cell="${key}" data-counts="${counts}"><span class="share">${tr.percent(share)}</span><span class="due">${tr.number(Number(r.due))}</span>${bar(r)}</td>`;
  };
  const theirs = (v: Cell) => (v === 'all' ? tr.t('value.all') : String(v ?? ''));
  // Nothing planned or recorded yet (a new installation before its first plan): said, not an empty grid.
  if (rules.length === 0) return html`<p class="muted">${tr.t('ui.heat.empty')}</p>`;
  // From the first month anything was due: an installation of this spring showed eight empty
  // months first, and on a phone the current ones were off the screen.
  const first = allMonths.findIndex((m) => rules.some((r) => Number(at.get(`${r.rule}|${m}`)?.due ?? 0) > 0));
  const months = first < 0 ? allMonths.slice(-1) : allMonths.slice(first);
  return html`<div class="table-wrap"><table class="heat"><thead><tr><th scope="col" class="rule">${tr.t('col.rule')}</th>${months.map((m) => html`<th scope="col">${tr.month(m)}</th>`)}</tr></thead>
<tbody>${rules.map((r) => html`<tr><th scope="row" class="rule">${r.rule}<br><span class="muted">${r.ours} → ${theirs(r.theirs ?? null)} · ${tr.t(`kind.${String(r.kind)}` as never)}</span></th>${months.map((m) => cell(at.get(`${r.rule}|${m}`), `${r.rule}|${m}`))}</tr>`)}</tbody></table></div>
<p class="legend">${tr.t('ui.heat.legend')} ${[0, 2, 4, 6, 8, 10].map((l) => html`<span class="h${l}">${tr.percent(l / 10)}</span>`)}
<span>· ${tr.t('col.onTime')} / ${tr.t('col.late')} / ${tr.t('col.missed')} / ${tr.t('col.skipped')} / ${tr.t('col.open')}:</span>
<svg viewBox="0 0 100 5" width="100" height="8" aria-hidden="true">${raw(OUTCOMES.map((k, i) => `<rect class="${k}" x="${i * 20}" y="0" width="20" height="5"/>`).join(''))}</svg></p>`;
}
