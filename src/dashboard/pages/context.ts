import { DateTime } from 'luxon';
import type { DB } from '../../storage/database.ts';
import { clientNames, employeeNames, type Scope } from '../../storage/dashboard-queries.ts';
import { dashboardMeta } from '../../storage/dashboard-snapshot.ts';
import { translator, type Translator } from '../../i18n/translator.ts';
import { displayCell, excelCsv, type Cell, type Report } from '../../reports/report.ts';
import { FORMER_CLIENTS, type ReportSpec } from '../refresh.ts';
import { html, href, raw, type Html } from '../html.ts';
import { layout, type Shell } from '../layout.ts';
import { PREFIX, type PageRequest, type PageResponse } from '../page-types.ts';
import type { RenderCache } from '../render-cache.ts';

/** What every page renderer gets: the read-only database, the request, the language, the snapshot's facts. */
export interface PageContext {
  readonly db: DB;
  readonly req: PageRequest;
  readonly tr: Translator;
  /** Facts of the last snapshot (version, computed_at, today, company, timezone, report specs…). */
  readonly meta: Readonly<Record<string, string>>;
  readonly scope: Scope;
  /** Today in the company's zone, by the request's clock. */
  readonly today: string;
  /** Values that stay the same while the snapshot does. */
  readonly cache: RenderCache;
  /** The names of the snapshot's clients (and of those that left the configuration) and employees, by id. */
  readonly names: Names;
}

/** What the pages show for an id: the configuration's name ("Elena Kuznetsova", "Novosibirsk Metal Trade"). */
export interface Names {
  readonly clients: ReadonlyMap<string, string>;
  readonly employees: ReadonlyMap<string, string>;
}

export async function pageContext(db: DB, req: PageRequest, cache: RenderCache): Promise<PageContext> {
  const meta = await dashboardMeta(db);
  const zone = meta.timezone ?? 'UTC';
  return {
    db, req, tr: translator(req.language), meta,
    scope: req.viewer.director ? { all: true } : { all: false, employee: req.viewer.id },
    today: DateTime.fromISO(req.nowIso, { zone }).toISODate()!, cache,
    // Read once per snapshot (10,000 clients' names are a few milliseconds, once).
    names: await cache.get(meta.version, 'names', async () => ({
      clients: new Map([...Object.entries(JSON.parse(meta[FORMER_CLIENTS] ?? '{}') as Record<string, string>), ...await clientNames(db)]),
      employees: await employeeNames(db),
    })),
  };
}

/**
 * An employee as people know them: their name, their id in its tooltip, linked to their page for
 * whoever may open it (a director, or they themselves). An id the snapshot has no name for stays as it is.
 */
export function employeeName(ctx: PageContext, id: string): Html {
  const name = ctx.names.employees.get(id);
  const shown = name === undefined ? html`${id}` : html`<span title="${id}">${name}</span>`;
  return ctx.req.viewer.director || id === ctx.req.viewer.id ? html`<a href="${PREFIX}/employees/${encodeURIComponent(id)}">${shown}</a>` : shown;
}

/** A client by its name (its id in the tooltip), linked to its page. */
export function clientName(ctx: PageContext, id: string): Html {
  const name = ctx.names.clients.get(id);
  return html`<a href="${PREFIX}/clients/${encodeURIComponent(id)}"${name === undefined ? '' : html` title="${id}"`}>${name ?? id}</a>`;
}

/**
 * A part of a page that depends only on the snapshot, the language and whose figures the viewer
 * sees: made once per snapshot and reused (20 directors opening the overview make it once).
 */
export function cachedPart(ctx: PageContext, key: string, make: () => Promise<Html>): Promise<Html> {
  const scope = ctx.scope.all ? '*' : ctx.scope.employee;
  return ctx.cache.get(ctx.meta.version, `${key}|${ctx.tr.language}|${scope}`, make);
}

/** The stored spec (title, columns, summary) of a report of the last snapshot. */
export function specOf(ctx: PageContext, name: string): ReportSpec | undefined {
  const text = ctx.meta[`report:${name}`];
  return text ? (JSON.parse(text) as ReportSpec) : undefined;
}

export function summaryValue(spec: ReportSpec | undefined, key: string): Cell {
  return spec?.summary.find((s) => s.key === key)?.value ?? null;
}

/** A whole HTML page in the dashboard's frame. */
export function page(ctx: PageContext, title: string, section: Shell['section'], content: Html, status = 200): PageResponse {
  // The zone said: a director in Bucharest read Moscow's 18:46 as his own (QA).
  const zone = ctx.meta.timezone ?? 'UTC';
  const footer = ctx.meta.computed_at ? ctx.tr.t('ui.asOf', { time: ctx.tr.dateTime(ctx.meta.computed_at, zone), zone }) : undefined;
  return {
    status, kind: 'html',
    body: layout({
      tr: ctx.tr, title, company: ctx.meta.company ?? '', viewer: ctx.req.viewer, csrf: ctx.req.csrf, companyLanguage: ctx.req.companyLanguage, section, footer,
      back: href(`${PREFIX}${ctx.req.path}`, ctx.req.query), configRejected: ctx.req.configRejected,
    }, content),
  };
}

/** Why a page is not the viewer's: another employee's client or page, or a page for directors only. */
export type Forbidden = 'client' | 'employee' | 'directors';

export function errorPage(ctx: PageContext, status: 403 | 404, why: Forbidden = 'client'): PageResponse {
  const text = status === 404 ? ctx.tr.t('ui.error.notFound')
    : why === 'directors' ? ctx.tr.t('ui.error.forDirectors') : why === 'employee' ? ctx.tr.t('ui.error.otherEmployee') : ctx.tr.t('ui.error.forbidden');
  return page(ctx, ctx.tr.t('ui.error.title'), undefined, html`<p>${text}</p><p><a href="${PREFIX}/">${ctx.tr.t('ui.back')}</a></p>`, status);
}

/** The page that stands in until the first snapshot is written. */
export function notReady(ctx: PageContext, title: string): PageResponse {
  return page(ctx, title, 'overview', html`<p class="notice">${ctx.tr.t('ui.notReady')}</p>`);
}

export function csv(ctx: PageContext, spec: ReportSpec, rows: readonly Readonly<Record<string, Cell>>[], filename: string): PageResponse {
  // The bytes of `report --excel`: a byte-order mark, so Excel reads the UTF-8 (Cyrillic, ș ț ă) as
  // UTF-8, and CRLF. In the company's language, as `touchbase report --format csv` writes it, whatever
  // language this person reads the pages in: its separator and dates are what the company's Excel
  // opens (a director reading English in Moscow got "," that Russian Excel put in one column).
  return { status: 200, kind: 'csv', body: excelCsv({ ...spec, rows }, translator(ctx.req.companyLanguage)), filename };
}

export interface TableOptions {
  /** Columns whose values are client ids: linked to the client's page. */
  readonly clientColumns?: readonly string[];
  /** Columns whose values are employee ids: linked to the employee's page (for directors). */
  readonly employeeColumns?: readonly string[];
  /** Columns whose values are employee ids separated by spaces (the breadth report's people of ours). */
  readonly employeeListColumns?: readonly string[];
  /** A row class (e.g. "over"). */
  readonly rowClass?: (row: Readonly<Record<string, Cell>>) => string | undefined;
}

const NUMERIC = new Set(['number', 'percent']);

/** A report's rows as an HTML table, in the reader's language. */
export function reportTable(ctx: PageContext, spec: Pick<Report, 'columns'>, rows: readonly Readonly<Record<string, Cell>>[], o: TableOptions = {}): Html {
  if (rows.length === 0) return html`<p class="muted">${ctx.tr.t('ui.nothing')}</p>`;
  const cell = (key: string, value: Cell, type: string | undefined) => {
    const text = displayCell(value, type as never, ctx.tr);
    // Names where the stored rows (and their CSV, for machines) have ids.
    if (value === null || value === '') return text;
    if (o.clientColumns?.includes(key)) return clientName(ctx, String(value));
    if (o.employeeColumns?.includes(key)) return employeeName(ctx, String(value));
    if (o.employeeListColumns?.includes(key)) return String(value).split(' ').filter(Boolean).map((id, i) => html`${i ? ', ' : ''}${employeeName(ctx, id)}`);
    return text;
  };
  // A report's "name" beside the id it names (silence: client, name; punctuality: employee, name)
  // says again what the id column, shown as a name here, already does: left to the CSV.
  const named = new Set([...(o.clientColumns ?? []), ...(o.employeeColumns ?? [])]);
  const columns = spec.columns.filter((c, i) => !(c.key === 'name' && i > 0 && named.has(spec.columns[i - 1]!.key)));
  return html`<div class="table-wrap"><table><thead><tr>${columns.map((c) => html`<th scope="col"${NUMERIC.has(c.type ?? '') ? raw(' class="num"') : ''}>${ctx.tr.t(c.header)}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr${o.rowClass?.(r) ? raw(` class="${o.rowClass(r)}"`) : ''}>${columns.map((c) => html`<td${NUMERIC.has(c.type ?? '') ? raw(' class="num"') : ''}>${cell(c.key, r[c.key] ?? null, c.type)}</td>`)}</tr>`)}</tbody></table></div>`;
}

/** Previous / next links for a paged table. */
export function pager(ctx: PageContext, total: number, page: number, size: number, link: (page: number) => string): Html {
  const pages = Math.max(1, Math.ceil(total / size));
  // A page past the end (a link kept while the list shrank, a number typed): where the list ends, not "page 9 of 2".
  if (page > pages) return html`<nav class="pager" aria-label="${ctx.tr.t('ui.pageBeyond', { pages })}"><a href="${link(pages)}">${ctx.tr.t('ui.pageBeyond', { pages })}</a></nav>`;
  if (pages <= 1) return html``;
  return html`<nav class="pager" aria-label="${ctx.tr.t('ui.page', { page, pages })}">
${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">${ctx.tr.t('ui.previous')}</a>` : ''}
<span>${ctx.tr.t('ui.page', { page, pages })}</span>
${page < pages ? html`<a href="${link(page + 1)}" rel="next">${ctx.tr.t('ui.next')}</a>` : ''}</nav>`;
}

/** A positive page number from the query (1 when absent or nonsense). */
export function pageNumber(ctx: PageContext): number {
  const n = Number(ctx.req.query.page);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

export function csvLink(ctx: PageContext, path: string, query: Record<string, string | undefined> = {}): Html {
  return html`<a href="${href(`${PREFIX}${path}`, query)}" download>${ctx.tr.t('ui.downloadCsv')}</a>`;
}
