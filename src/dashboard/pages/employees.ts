import { statusKey } from '../../domain/status-key.ts';
import { addDays } from '../../planner/dates.ts';
import { AGENDA_DAYS, dailyLoad, loadColumns, loadRows, type DayLoad } from '../../reports/load.ts';
import type { Cell } from '../../reports/report.ts';
import { agendaOf, dashboardEmployees, employeeRows, reportRows } from '../../storage/dashboard-queries.ts';
import type { DashboardEmployeeRow } from '../../storage/dashboard-tables.ts';
import type { TouchRow } from '../../storage/schema.ts';
import { escapeHtml, href, html, raw, type Html } from '../html.ts';
import { PREFIX, type PageResponse } from '../page-types.ts';
import { cachedPart, clientName, csv, csvLink, errorPage, notReady, page, reportTable, specOf, type PageContext } from './context.ts';

/** How many of an employee's overdue touches their page lists (the count says how many there are, and links to them all). */
const OVERDUE_SHOWN = 50;
/**
 * How many of the two weeks' touches the agenda lists: a role that holds a yearly letter to every
 * client of a 10,000-client company had 8,950 in two weeks, a 2.6 MB page (QA). The load chart
 * above counts them all; `touchbase plan --employee` lists them.
 */
const AGENDA_SHOWN = 200;

/** Every employee: agenda size, overdue, punctuality (directors only; others go to their own page). */
export async function employeesPage(ctx: PageContext): Promise<PageResponse> {
  const { tr } = ctx;
  if (!ctx.meta.version) return notReady(ctx, tr.t('ui.employees.title'));
  const content = await cachedPart(ctx, 'employees', async () => {
    const employees = await dashboardEmployees(ctx.db);
    const punctuality = new Map((await reportRows(ctx.db, 'punctuality', ctx.scope, undefined)).rows.map((r) => [String(r.employee), r]));
    const rows: Record<string, Cell>[] = employees.map((e) => {
      const p = punctuality.get(e.id) ?? {};
      return {
        employee: e.id, role: e.role, meetings_per_day: e.meetings_per_day, agenda: e.agenda, overdue: e.overdue,
        on_time: p.on_time ?? 0, late: p.late ?? 0, rescheduled: p.rescheduled ?? 0, skipped: p.skipped ?? 0, missed: p.missed ?? 0, on_time_share: p.on_time_share ?? null,
      };
    });
    return html`${reportTable(ctx, {
      columns: [
        // Each by their name (their id in its tooltip and link): the punctuality CSV below has the ids.
        { key: 'employee', header: 'col.employee' }, { key: 'role', header: 'col.role' },
        { key: 'meetings_per_day', header: 'col.meetingsPerDay', type: 'number' }, { key: 'agenda', header: 'col.agenda', type: 'number' },
        { key: 'overdue', header: 'col.overdue', type: 'number' }, { key: 'on_time', header: 'col.onTime', type: 'number' },
        { key: 'late', header: 'col.late', type: 'number' }, { key: 'rescheduled', header: 'col.rescheduled', type: 'number' },
        { key: 'skipped', header: 'col.skipped', type: 'number' }, { key: 'missed', header: 'col.missed', type: 'number' },
        { key: 'on_time_share', header: 'col.onTimeShare', type: 'percent' },
      ],
    }, rows, { employeeColumns: ['employee'] })}
  <p class="actions">${csvLink(ctx, '/reports/punctuality.csv')}</p>`;
  });
  return page(ctx, tr.t('ui.employees.title'), 'employees', content);
}

async function visibleEmployee(ctx: PageContext, id: string): Promise<DashboardEmployeeRow | 403 | 404> {
  if (!ctx.scope.all && id !== ctx.req.viewer.id) return 403;
  const employee = (await dashboardEmployees(ctx.db)).find((e) => e.id === id);
  return employee ?? 404;
}

/** An employee: load per day against meetings_per_day, the agenda of two weeks, punctuality, overdue. */
export async function employeePage(ctx: PageContext, id: string): Promise<PageResponse> {
  const { tr } = ctx;
  if (!ctx.meta.version) return notReady(ctx, tr.t('ui.employees.title'));
  const e = await visibleEmployee(ctx, id);
  if (typeof e === 'number') return errorPage(ctx, e, 'employee');
  // The feed address is this viewer's own, never kept: the rest is the snapshot's, made once.
  const feed = ctx.req.ownFeedUrl && id === ctx.req.viewer.id
    ? html`<section class="panel" id="feed"><h2>${tr.t('ui.employee.feed')}</h2><p>${tr.t('ui.employee.feedIntro')}</p><p><code class="feed">${ctx.req.ownFeedUrl}</code></p></section>` : '';
  const figures = await cachedPart(ctx, `employee|${id}`, () => employeeFigures(ctx, e));
  const content = html`<p class="muted">${e.role} · ${e.timezone}${e.meetings_per_day ? html` · ${tr.t('col.meetingsPerDay')}: ${e.meetings_per_day}` : ''}</p>
${feed}${figures}`;
  return page(ctx, e.name, ctx.scope.all ? 'employees' : 'me', content);
}

async function employeeFigures(ctx: PageContext, e: DashboardEmployeeRow): Promise<Html> {
  const { tr } = ctx;
  const id = e.id;
  const to = addDays(ctx.today, AGENDA_DAYS - 1);
  const agenda = (await agendaOf(ctx.db, id, ctx.today, to)).filter((t) => !t.source.startsWith('digest:'));
  const load = dailyLoad(agenda, id, ctx.today);
  const punctuality = specOf(ctx, 'punctuality');
  const overdueSpec = specOf(ctx, 'overdue');
  const own = await employeeRows(ctx.db, 'punctuality', id) as Record<string, Cell>[];
  // The oldest of the touches they own that are overdue (the report's order), and how many.
  const overdue = await reportRows(ctx.db, 'overdue', { all: true }, { offset: 0, limit: OVERDUE_SHOWN }, { employee: id });
  return html`
<section class="panel" id="load"><h2>${tr.t('ui.employee.load')}</h2>
<p class="muted">${e.meetings_per_day ? tr.t('ui.employee.loadIntro', { limit: e.meetings_per_day }) : tr.t('ui.employee.loadNoLimit')}</p>
${loadChart(ctx, load, e.meetings_per_day)}
<p class="actions">${csvLink(ctx, `/employees/${encodeURIComponent(id)}/load.csv`)}</p></section>
<section class="panel" id="agenda"><h2>${tr.t('ui.employee.agenda')}</h2>${agendaTable(ctx, e, agenda)}</section>
${punctuality ? html`<section class="panel" id="punctuality"><h2>${tr.t('ui.employee.punctuality')}</h2>${reportTable(ctx, punctuality, own)}</section>` : ''}
${overdueSpec ? html`<section class="panel" id="overdue"><h2>${tr.t('ui.employee.overdue')} <span class="muted">(${tr.number(overdue.total)})</span></h2>
${reportTable(ctx, { columns: overdueSpec.columns.filter((c) => c.key !== 'id' && c.key !== 'owner') }, overdue.rows, { clientColumns: ['client'] })}
${overdue.total > overdue.rows.length ? html`<p><a href="${href(`${PREFIX}/reports/overdue`, { employee: id })}">${tr.t('ui.employee.allOverdue', { count: overdue.total })}</a></p>` : ''}</section>` : ''}`;
}

/** Bars of meetings and calls per day, a dashed line at the limit; days over it in red. */
function loadChart(ctx: PageContext, load: readonly DayLoad[], limit: number | null): Html {
  const { tr } = ctx;
  const top = Math.max(1, limit ?? 0, ...load.map((d) => d.timed));
  const w = 40;
  const h = 100;
  const y = (n: number) => h - (n / top) * h;
  const bars = load.map((d, i) => {
    const over = limit !== null && d.timed > limit;
    const label = tr.t('ui.employee.loadBar', { date: tr.weekday(d.date), count: d.timed, limit: limit ?? '–' });
    return `<g><title>${escapeHtml(label)}</title><rect class="load${over ? ' over' : ''}" x="${i * w + 6}" y="${y(d.timed).toFixed(1)}" width="${w - 12}" height="${(h - y(d.timed)).toFixed(1)}"/>`
      + `<text x="${i * w + w / 2}" y="${h + 12}" text-anchor="middle">${escapeHtml(tr.weekday(d.date).replace(/,.*$/, ''))}</text>`
      + `<text x="${i * w + w / 2}" y="${h + 24}" text-anchor="middle">${d.timed}</text></g>`;
  }).join('');
  const line = limit !== null ? `<line class="limit" x1="0" x2="${load.length * w}" y1="${y(limit).toFixed(1)}" y2="${y(limit).toFixed(1)}"/>` : '';
  return html`<div class="table-wrap">${raw(`<svg class="bars" viewBox="0 -4 ${load.length * w} ${h + 32}" width="${load.length * w}" height="${h + 32}" role="img" aria-label="${escapeHtml(tr.t('ui.employee.load'))}">${bars}${line}</svg>`)}</div>`;
}

function agendaTable(ctx: PageContext, e: DashboardEmployeeRow, all: readonly TouchRow[]): Html {
  const { tr } = ctx;
  const employee = e.id;
  if (all.length === 0) return html`<p class="muted">${tr.t('ui.employee.noAgenda')}</p>`;
  const agenda = all.slice(0, AGENDA_SHOWN);
  // A timed touch's start carries the employee's own offset: its clock time is the local one —
  // said in the column's heading where that is not the company's zone, which every page's footer
  // says its times are in (QA: a Bucharest agenda read an hour off in Moscow).
  const time = (t: TouchRow) => /[+-]\d\d:\d\d$|Z$/.test(t.start_at) ? t.start_at.slice(11, 16) : '';
  const when = e.timezone && e.timezone !== ctx.meta.timezone ? `${tr.t('col.when')} (${e.timezone})` : tr.t('col.when');
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">${tr.t('col.date')}</th><th scope="col">${when}</th><th scope="col">${tr.t('col.kind')}</th>
<th scope="col">${tr.t('col.client')}</th><th scope="col">${tr.t('col.title')}</th><th scope="col">${tr.t('col.status')}</th></tr></thead><tbody>
${agenda.map((t) => html`<tr${t.overdue_from && t.status === 'planned' ? raw(' class="over"') : ''}><td>${tr.weekday(t.date)}</td><td>${t.all_day ? tr.t('ui.employee.allDay') : time(t)}</td>
<td>${tr.t(`kind.${t.kind}` as never)}</td><td>${t.client_id === '*' ? '' : clientName(ctx, t.client_id)}</td>
<td>${t.title}</td><td>${t.overdue_from && t.status === 'planned' ? tr.t('ui.status.overdueFrom', { date: tr.date(t.overdue_from) }) : tr.t(statusKey(t) ?? 'status.planned')}</td></tr>`)}</tbody></table></div>
${all.length > agenda.length ? html`<p class="muted">${tr.t('ui.employee.agendaMore', { shown: agenda.length, count: all.length })} <code>touchbase plan --no-save --employee ${employee} --from ${all[0]!.date} --to ${all.at(-1)!.date}</code></p>` : ''}`;
}

/** The employee's load per day as the load report's CSV (the same rows `touchbase report load` prints for them). */
export async function employeeLoadCsv(ctx: PageContext, id: string): Promise<PageResponse> {
  const e = await visibleEmployee(ctx, id);
  if (typeof e === 'number') return errorPage(ctx, e, 'employee');
  const agenda = await agendaOf(ctx.db, id, ctx.today, addDays(ctx.today, AGENDA_DAYS - 1));
  const rows = loadRows({ id, meetingsPerDay: e.meetings_per_day ?? undefined } as never, dailyLoad(agenda, id, ctx.today));
  return csv(ctx, { name: 'load', title: { key: 'report.load.title', params: {} }, columns: loadColumns(), summary: [] }, rows, `${id}-load.csv`);
}
