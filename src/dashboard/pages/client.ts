import { translator } from '../../i18n/translator.ts';
import { daysBetween } from '../../planner/dates.ts';
import { relationshipMap, relationshipReport, type Acquaintance } from '../../reports/relationships.ts';
import { describeDetail, describeEvent, timeline, timelineReport, type TimelineEntry } from '../../reports/timeline.ts';
import { clientHistory, clientRow, forecastOf, hasTouches, isClientOf } from '../../storage/dashboard-queries.ts';
import type { ClientDetail, DashboardClientRow } from '../../storage/dashboard-tables.ts';
import type { TouchRow } from '../../storage/schema.ts';
import { html, raw, type Html } from '../html.ts';
import type { PageResponse } from '../page-types.ts';
import { FORMER_CLIENTS, type ReportSpec } from '../refresh.ts';
import type { Cell } from '../../reports/report.ts';
import { cachedPart, csv, csvLink, employeeName, errorPage, notReady, page, type PageContext } from './context.ts';

/** How recent a meeting of two people must be to show as a live relationship on the map. */
const RECENT_DAYS = 180;

/** A client that left the configuration: its id, and its name as the last snapshot with it had it (if one did). */
interface FormerClient {
  readonly former: true;
  readonly id: string;
  readonly name: string;
}

/**
 * The client, if the viewer may see it: a director any, an employee their own. A client no
 * longer in the configuration whose history the database keeps is a director's to see (an
 * employee's list of their clients is the configuration's, so theirs is 404 as before).
 */
async function visibleClient(ctx: PageContext, id: string): Promise<DashboardClientRow | FormerClient | 403 | 404> {
  const row = await clientRow(ctx.db, id);
  if (!row) return ctx.scope.all ? formerClient(ctx, id) : 404;
  if (!ctx.scope.all && !(await isClientOf(ctx.db, ctx.req.viewer.id, id))) return 403;
  return row;
}

/** A client with recorded touches that the configuration no longer has; 404 for an id that never had any. */
async function formerClient(ctx: PageContext, id: string): Promise<FormerClient | 404> {
  // '*' holds the touches of no client (digests): never a client's page.
  if (id === '*' || !(await hasTouches(ctx.db, id))) return 404;
  const names = JSON.parse(ctx.meta[FORMER_CLIENTS] ?? '{}') as Record<string, string>;
  return { former: true, id, name: Object.hasOwn(names, id) ? names[id]! : id };
}

/** A client: its facts and people, the relationship map, what happened and what is planned for 12 months. */
export async function clientPage(ctx: PageContext, id: string): Promise<PageResponse> {
  const { tr } = ctx;
  if (!ctx.meta.version) return notReady(ctx, tr.t('ui.clients.title'));
  const client = await visibleClient(ctx, id);
  if (typeof client === 'number') return errorPage(ctx, client);
  if ('former' in client) return formerClientPage(ctx, client);
  const content = await cachedPart(ctx, `client|${id}`, async () => {
    const detail = JSON.parse(client.detail) as ClientDetail;
    const { touches, events } = await clientHistory(ctx.db, id);
    const map = relationshipMap(touches);
    const history = timeline(touches, events);
    const zone = ctx.meta.timezone ?? 'UTC';
    const planned = plannedOf(touches);
    const forecast = await forecastOf(ctx.db, id);
    const stage = tr.t(`value.stage.${client.stage}` as never);
    return html`
  <section class="facts">
  <div class="panel"><h2>${tr.t('ui.client.facts')}</h2><dl>
  <dt>${tr.t('col.client')}</dt><dd>${client.id}</dd>
  ${client.tier ? html`<dt>${tr.t('col.tier')}</dt><dd>${client.tier}</dd>` : ''}
  ${client.industry ? html`<dt>${tr.t('col.industry')}</dt><dd>${client.industry}</dd>` : ''}
  <dt>${tr.t('col.country')}</dt><dd>${client.country}</dd>
  <dt>${tr.t('col.stage')}</dt><dd>${stage}</dd>
  ${detail.since ? html`<dt>${tr.t('ui.client.since')}</dt><dd>${tr.date(detail.since)}</dd>` : ''}
  ${client.silent_days ? html`<dt>${tr.t('col.silentDays')}</dt><dd${client.silent ? raw(' class="status-bad"') : ''}>${tr.t('ui.client.silentFor', { count: client.silent_days })}</dd>` : ''}
  </dl></div>
  <div class="panel"><h2>${tr.t('ui.client.team')}</h2><ul>${detail.team.map((m) => html`<li>${m.role}: ${employeeName(ctx, m.employee)}</li>`)}</ul></div>
  <div class="panel"><h2>${tr.t('ui.client.contacts')}</h2>${detail.contacts.length === 0 ? html`<p class="muted">${tr.t('ui.client.noContacts')}</p>`
    : html`<ul>${detail.contacts.map((c) => html`<li>${c.name} — ${c.role}${c.email ? html`, <a class="address" href="mailto:${c.email}">${c.email}</a>` : ''}${c.phone ? html`, ${c.phone}` : ''}</li>`)}</ul>`}</div>
  </section>
  <section class="panel" id="map"><h2>${tr.t('ui.client.map')}</h2><p class="muted">${tr.t('ui.client.mapIntro')}</p>
  ${mapTable(ctx, detail, map)}
  <p class="actions">${csvLink(ctx, `/clients/${encodeURIComponent(id)}/map.csv`)}</p></section>
  <section class="panel" id="timeline"><h2>${tr.t('ui.client.timeline')}</h2>
  <h3>${tr.t('ui.client.planned')}</h3>
  ${plannedList(ctx, planned, forecast)}
  <p class="actions">${csvLink(ctx, `/clients/${encodeURIComponent(id)}/planned.csv`)}</p>
  <h3>${tr.t('ui.client.history')}</h3>
  ${historyTable(ctx, history, zone)}
  <p class="actions">${csvLink(ctx, `/clients/${encodeURIComponent(id)}/timeline.csv`)}</p></section>`;
  });
  return page(ctx, client.name, 'clients', content);
}

/**
 * A client no longer in the configuration: says so, and shows what was recorded with it — done,
 * skipped, moved and cancelled touches, by whom and when. Nothing is planned for it any more.
 */
async function formerClientPage(ctx: PageContext, client: FormerClient): Promise<PageResponse> {
  const { tr } = ctx;
  const content = await cachedPart(ctx, `client|${client.id}`, async () => {
    const { touches, events } = await clientHistory(ctx.db, client.id);
    return html`<p class="banner-former" role="status">${tr.t('ui.client.former', { id: client.id })}</p>
  <section class="panel" id="timeline"><h2>${tr.t('ui.client.history')}</h2>
  ${historyTable(ctx, timeline(touches, events), ctx.meta.timezone ?? 'UTC')}
  <p class="actions">${csvLink(ctx, `/clients/${encodeURIComponent(client.id)}/timeline.csv`)}</p></section>`;
  });
  return page(ctx, client.name, 'clients', content);
}

/** Our people down, theirs across: when each pair last had a touch, and how many. */
function mapTable(ctx: PageContext, detail: ClientDetail, map: readonly Acquaintance[]): Html {
  const { tr } = ctx;
  if (map.length === 0) return html`<p class="muted">${tr.t('ui.client.mapNone')}</p>`;
  const ours = [...new Set([...detail.team.map((m) => m.employee), ...map.map((a) => a.employee)])];
  const at = new Map(map.map((a) => [`${a.employee}|${a.contact}`, a]));
  const cell = (a: Acquaintance | undefined) => {
    if (!a) return html`<td class="none">—</td>`;
    const recent = daysBetween(a.last, ctx.today) <= RECENT_DAYS;
    return html`<td class="${recent ? 'met' : 'old'}">${tr.t('ui.client.mapCell', { date: tr.date(a.last), count: a.count })}</td>`;
  };
  return html`<div class="table-wrap"><table class="map"><thead><tr><th scope="col"></th>${detail.contacts.map((c) => html`<th scope="col">${c.name}<br><span class="muted">${c.role}</span></th>`)}</tr></thead>
<tbody>${ours.map((e) => html`<tr><th scope="row">${employeeName(ctx, e)}</th>${detail.contacts.map((c) => cell(at.get(`${e}|${c.id}`)))}</tr>`)}</tbody></table></div>`;
}

function plannedList(ctx: PageContext, planned: readonly TouchRow[], forecast: Awaited<ReturnType<typeof forecastOf>>): Html {
  const { tr } = ctx;
  if (planned.length === 0 && forecast.length === 0) return html`<p class="muted">${tr.t('ui.client.noPlan')}</p>`;
  const line = (date: string, kind: string, employee: string, title: string, overdue: boolean) =>
    html`<tr${overdue ? raw(' class="over"') : ''}><td>${tr.date(date)}</td><td>${tr.t(`kind.${kind}` as never)}</td><td>${employeeName(ctx, employee)}</td><td>${title}</td></tr>`;
  const head = html`<thead><tr><th scope="col">${tr.t('col.date')}</th><th scope="col">${tr.t('col.kind')}</th><th scope="col">${tr.t('col.owner')}</th><th scope="col">${tr.t('col.title')}</th></tr></thead>`;
  return html`<div class="table-wrap"><table data-table="planned">${head}<tbody>
${planned.map((t) => line(t.date, t.kind, t.employee_id, t.title, t.overdue_from !== null || t.date < ctx.today))}
${forecast.length ? html`<tr><td colspan="4" class="muted">${tr.t('ui.client.plannedBeyond', { date: tr.date(ctx.meta.horizon_to), asOf: tr.date(ctx.meta.forecast_as_of) })}</td></tr>` : ''}
${forecast.map((f) => line(f.date, f.kind, f.employee, f.title, false))}</tbody></table></div>`;
}

function historyTable(ctx: PageContext, history: readonly TimelineEntry[], zone: string): Html {
  const { tr } = ctx;
  if (history.length === 0) return html`<p class="muted">${tr.t('ui.client.noHistory')}</p>`;
  return html`<div class="table-wrap"><table data-table="history"><thead><tr><th scope="col">${tr.t('col.when')}</th><th scope="col">${tr.t('col.what')}</th><th scope="col">${tr.t('col.title')}</th>
<th scope="col">${tr.t('col.by')}</th><th scope="col">${tr.t('col.note')}</th></tr></thead><tbody>
${history.map((e) => html`<tr><td>${tr.dateTime(e.at, zone)}</td><td>${describeEvent(e, tr)}</td><td>${e.title}</td><td>${e.employee ? employeeName(ctx, e.employee) : ''}</td>
<td>${[describeDetail(e.detail, tr), e.note ?? ''].filter(Boolean).join(' — ')}</td></tr>`)}</tbody></table></div>`;
}

/** A client's open touches, in the order they come. */
function plannedOf(touches: readonly TouchRow[]): TouchRow[] {
  return touches.filter((t) => t.status === 'planned').sort((a, b) => a.date.localeCompare(b.date) || a.start_at.localeCompare(b.start_at));
}

/**
 * What is planned for the client as CSV, as its page lists it: the calendars' horizon from the
 * database (with each touch's id, for `touchbase done`), then the forecast beyond it.
 */
export async function clientPlannedCsv(ctx: PageContext, id: string): Promise<PageResponse> {
  const client = await visibleClient(ctx, id);
  if (typeof client === 'number') return errorPage(ctx, client);
  // Nothing is planned for a client that left the configuration.
  if ('former' in client) return errorPage(ctx, 404);
  const rows: Record<string, Cell>[] = [
    ...plannedOf((await clientHistory(ctx.db, id)).touches).map((t) => ({ date: t.date, kind: t.kind, owner: t.employee_id, title: t.title, id: t.id })),
    ...(await forecastOf(ctx.db, id)).map((f) => ({ date: f.date, kind: f.kind, owner: f.employee, title: f.title, id: null })),
  ];
  const spec: ReportSpec = {
    name: `planned-${id}`, title: { key: 'ui.client.planned', params: {} }, summary: [],
    columns: [{ key: 'date', header: 'col.date', type: 'date' }, { key: 'kind', header: 'col.kind', type: 'kind' }, { key: 'owner', header: 'col.owner' },
      { key: 'title', header: 'col.title' }, { key: 'id', header: 'col.touch' }],
  };
  return csv(ctx, spec, rows, `${id}-planned.csv`);
}

/** The relationship map as CSV. */
export async function clientMapCsv(ctx: PageContext, id: string): Promise<PageResponse> {
  const client = await visibleClient(ctx, id);
  if (typeof client === 'number') return errorPage(ctx, client);
  // A former client's people are no longer known (the configuration had them): no map.
  if ('former' in client) return errorPage(ctx, 404);
  const detail = JSON.parse(client.detail) as ClientDetail;
  const report = relationshipReport(id, detail.contacts, relationshipMap((await clientHistory(ctx.db, id)).touches), ctx.today);
  return csv(ctx, report, report.rows, `${id}-relationships.csv`);
}

/** The client's history as CSV. */
export async function clientTimelineCsv(ctx: PageContext, id: string): Promise<PageResponse> {
  const client = await visibleClient(ctx, id);
  if (typeof client === 'number') return errorPage(ctx, client);
  const { touches, events } = await clientHistory(ctx.db, id);
  // Its cells in the company's language, as its header and separator (csv()): one language in the file.
  const report = timelineReport(id, timeline(touches, events), translator(ctx.req.companyLanguage), ctx.meta.timezone ?? 'UTC');
  return csv(ctx, report, report.rows, `${id}-timeline.csv`);
}
