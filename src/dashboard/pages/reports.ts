import type { Cell } from '../../reports/report.ts';
import { reportTitle } from '../../reports/report.ts';
import { reportRows } from '../../storage/dashboard-queries.ts';
import { html, href } from '../html.ts';
import { PREFIX, type PageResponse } from '../page-types.ts';
import { STORED_REPORTS } from '../refresh.ts';
import { cachedPart, csv, csvLink, errorPage, notReady, page, pageNumber, pager, reportTable, specOf, type PageContext } from './context.ts';
import { coverageMonthRowsFor } from './heat-map.ts';

const PAGE_SIZE = 100;
/** Reports about the whole company only: greetings and handovers are not one employee's. */
const DIRECTORS_ONLY = new Set(['greetings', 'handovers']);
const LINKS = { clientColumns: ['client'], employeeColumns: ['employee', 'owner', 'by', 'account_manager', 'from', 'to'] };
/** The breadth report's "ours" is its people of ours (ids); coverage's "ours" is a role. */
const LISTS: Readonly<Record<string, readonly string[]>> = { breadth: ['ours'] };

function allowed(ctx: PageContext, name: string): boolean {
  return (STORED_REPORTS as readonly string[]).includes(name) && (ctx.scope.all || !DIRECTORS_ONLY.has(name));
}

/**
 * `?employee=ID` on a report whose rows are each one employee's (overdue: the owner; punctuality:
 * the employee): that employee's rows only — how an employee's page links to all their overdue
 * touches (QA: it listed 50 of 4,105, and the report's filter was ignored). Undefined without
 * one, or for a report of another kind; an id of nobody is said so (`unknown`).
 */
function employeeFilter(ctx: PageContext, spec: { columns: readonly { key: string }[] }): { id: string; name: string } | 'unknown' | 'forbidden' | undefined {
  const id = ctx.req.query.employee;
  if (typeof id !== 'string' || id === '' || !spec.columns.some((c) => c.key === 'employee' || c.key === 'owner')) return undefined;
  // A non-director's own rows only: another's are refused saying why, as their page is (403; it was
  // "no such page" — QA), whoever the id is (nor is their name said).
  if (!ctx.scope.all && id !== ctx.req.viewer.id) return 'forbidden';
  const name = ctx.names.employees.get(id);
  return name === undefined ? 'unknown' : { id, name };
}

/** The rows of a report the viewer may see: all of them for a director; an employee's own. */
async function rowsFor(ctx: PageContext, name: string, page: { offset: number; limit: number } | undefined, employee?: string): Promise<{ rows: Record<string, Cell>[]; total: number }> {
  if (name === 'coverage-months' && !ctx.scope.all) {
    const rows = await coverageMonthRowsFor(ctx);
    return { rows: page ? rows.slice(page.offset, page.offset + page.limit) : rows, total: rows.length };
  }
  const result = await reportRows(ctx.db, name, ctx.scope, page, employee === undefined ? {} : { employee });
  if (name === 'punctuality' && !ctx.scope.all) {
    const own = result.rows.filter((r) => r.employee === ctx.req.viewer.id);
    return { rows: own, total: own.length };
  }
  return result;
}

/** The list of reports. */
export async function reportsIndex(ctx: PageContext): Promise<PageResponse> {
  const { tr } = ctx;
  // Two reports have pages of their own: the clients list, and each employee's load per day on
  // their page (a director finds everyone's under Employees).
  const own = `/employees/${encodeURIComponent(ctx.req.viewer.id)}`;
  const elsewhere: Record<string, { page: string; csv: string | undefined; label: string }> = {
    load: { page: ctx.scope.all ? `${PREFIX}/employees` : `${PREFIX}${own}#load`, csv: ctx.scope.all ? undefined : `${own}/load.csv`, label: tr.t('ui.report.load') },
    clients: { page: `${PREFIX}/clients`, csv: '/clients.csv', label: tr.t('ui.report.clients') },
  };
  const names = [...STORED_REPORTS.filter((n) => allowed(ctx, n)), 'load', 'clients'];
  return page(ctx, tr.t('ui.reports.title'), 'reports', html`<p class="muted">${tr.t('ui.reports.intro')}</p>
<ul>${names.map((n) => {
    const other = elsewhere[n];
    const csvPath = other ? other.csv : `/reports/${n}.csv`;
    return html`<li><a href="${other ? other.page : `${PREFIX}/reports/${n}`}">${other ? other.label : tr.t(`ui.report.${n}` as never)}</a>
 <span class="muted">— <code>touchbase report ${n}</code></span>${csvPath ? html` · ${csvLink(ctx, csvPath)}` : ''}</li>`;
  })}</ul>`);
}

/** One report, paged, with its summary (a director's is the CLI's) and its CSV. */
export async function reportPage(ctx: PageContext, name: string): Promise<PageResponse> {
  const { tr } = ctx;
  if (!ctx.meta.version) return notReady(ctx, tr.t('ui.reports.title'));
  const spec = specOf(ctx, name);
  if (!spec || !allowed(ctx, name)) return errorPage(ctx, spec && (STORED_REPORTS as readonly string[]).includes(name) ? 403 : 404, 'directors');
  const filter = employeeFilter(ctx, spec);
  if (filter === 'forbidden') return errorPage(ctx, 403, 'employee');
  if (filter === 'unknown') return errorPage(ctx, 404);
  const current = pageNumber(ctx);
  const content = await cachedPart(ctx, `report|${name}|${current}|${filter?.id ?? ''}`, async () => {
    const { rows, total } = await rowsFor(ctx, name, { offset: (current - 1) * PAGE_SIZE, limit: PAGE_SIZE }, filter?.id);
    // The company's summary is the whole report's: not said above one employee's rows.
    const summary = ctx.scope.all && !filter ? spec.summary : [];
    return html`<p class="muted">${reportTitle({ ...spec, rows: [] }, tr)}</p>
  ${filter ? html`<p>${tr.t('ui.report.ofEmployee', { name: filter.name })} · <a href="${PREFIX}/reports/${name}">${tr.t('ui.report.everyone')}</a></p>` : ''}
  ${summary.length ? html`<p>${summary.map((s, i) => html`${i ? ' · ' : ''}${tr.t(s.label)}: <strong>${s.type === 'percent' ? tr.percent(s.value as number | null) : typeof s.value === 'number' ? tr.number(s.value) : String(s.value ?? '')}</strong>`)}</p>` : ''}
  <p class="actions">${tr.t('ui.rows', { count: total })} · ${csvLink(ctx, `/reports/${name}.csv`, { employee: filter?.id })}</p>
  ${reportTable(ctx, spec, rows, { ...LINKS, employeeListColumns: LISTS[name] })}
  ${pager(ctx, total, current, PAGE_SIZE, (p) => href(`${PREFIX}/reports/${name}`, { page: p, employee: filter?.id }))}`;
  });
  return page(ctx, tr.t(`ui.report.${name}` as never), 'reports', content);
}

/** A report's CSV: every row the viewer may see; a director's is what `touchbase report NAME --format csv` prints. */
export async function reportCsvDownload(ctx: PageContext, name: string): Promise<PageResponse> {
  const spec = specOf(ctx, name);
  // The clients list and the load have CSVs of their own (the index links them): here, no such report.
  if (!spec || !(STORED_REPORTS as readonly string[]).includes(name)) return errorPage(ctx, 404);
  // A download refused is the page that says why, in the reader's language (QA: an empty 403, or English text in a Russian dashboard).
  if (!allowed(ctx, name)) return errorPage(ctx, 403, 'directors');
  const filter = employeeFilter(ctx, spec);
  if (filter === 'forbidden') return errorPage(ctx, 403, 'employee');
  if (filter === 'unknown') return errorPage(ctx, 404);
  return csv(ctx, spec, (await rowsFor(ctx, name, undefined, filter?.id)).rows, filter ? `${name}-${filter.id}.csv` : `${name}.csv`);
}
