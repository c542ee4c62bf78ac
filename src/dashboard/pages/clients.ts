import type { Report } from '../../reports/report.ts';
import { CLIENT_SORTS, allClients, clientFacets, clientPage, type ClientLine, type ClientQuery, type ClientSort } from '../../storage/dashboard-queries.ts';
import { html, href, raw, type Html } from '../html.ts';
import { PREFIX, type PageResponse } from '../page-types.ts';
import { cachedPart, csv, csvLink, employeeName, errorPage, notReady, page, pageNumber, pager, specOf, type PageContext } from './context.ts';

const PAGE_SIZE = 50;

/** The table's columns: what they show, and what they sort by (the report's keys where they exist). */
const COLUMNS: { key: string; sort: ClientSort; header: Parameters<PageContext['tr']['t']>[0]; num?: boolean }[] = [
  { key: 'name', sort: 'name', header: 'col.client' }, { key: 'tier', sort: 'tier', header: 'col.tier' },
  { key: 'industry', sort: 'industry', header: 'col.industry' }, { key: 'country', sort: 'country', header: 'col.country' },
  { key: 'owner', sort: 'owner', header: 'col.owner' }, { key: 'last_done', sort: 'last_done', header: 'col.lastDone' },
  { key: 'next_touch', sort: 'next_touch', header: 'col.nextTouch' }, { key: 'ours_12', sort: 'ours_12', header: 'col.ours12', num: true },
  { key: 'theirs_12', sort: 'theirs_12', header: 'col.theirs12', num: true }, { key: 'silent_days', sort: 'silent_days', header: 'col.silentDays', num: true },
];

function queryOf(ctx: PageContext): Omit<ClientQuery, 'offset' | 'limit'> {
  const q = ctx.req.query;
  const sort = (CLIENT_SORTS as readonly string[]).includes(q.sort ?? '') ? (q.sort as ClientSort) : 'silent_days';
  // Longest silence first by default: the clients that need attention on top.
  const descending = q.dir ? q.dir === 'desc' : sort === 'silent_days';
  return {
    search: (q.q ?? '').slice(0, 200), tier: q.tier || undefined, country: q.country || undefined,
    silentOnly: q.silent === '1', singleOnly: q.single === '1', sort, descending,
  };
}

function filterParams(q: Omit<ClientQuery, 'offset' | 'limit'>): Record<string, string | undefined> {
  return { q: q.search || undefined, tier: q.tier, country: q.country, silent: q.silentOnly ? '1' : undefined, single: q.singleOnly ? '1' : undefined, sort: q.sort, dir: q.descending ? 'desc' : 'asc' };
}

/** The clients: searchable, filterable, sortable and paged in SQL; a director sees all, an employee theirs. */
export async function clientsPage(ctx: PageContext): Promise<PageResponse> {
  const { tr } = ctx;
  const title = ctx.scope.all ? tr.t('ui.clients.title') : tr.t('ui.clients.myTitle');
  if (!ctx.meta.version) return notReady(ctx, title);
  const q = queryOf(ctx);
  const current = pageNumber(ctx);
  const content = await cachedPart(ctx, `clients|${JSON.stringify(q)}|${current}`, async () => {
    const { rows, total } = await clientPage(ctx.db, ctx.scope, { ...q, offset: (current - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    const facets = await ctx.cache.get(ctx.meta.version, `facets|${ctx.scope.all ? '*' : ctx.scope.employee}`, () => clientFacets(ctx.db, ctx.scope));
    const params = filterParams(q);
    const sortLink = (c: (typeof COLUMNS)[number]) => {
      const active = q.sort === c.sort;
      const dir = active ? (q.descending ? 'asc' : 'desc') : (c.num || c.sort === 'last_done' ? 'desc' : 'asc');
      return html`<a href="${href(`${PREFIX}/clients`, { ...params, sort: c.sort, dir })}" title="${tr.t('ui.clients.sortBy', { column: tr.t(c.header) })}">${tr.t(c.header)}${active ? html`<span aria-hidden="true">${q.descending ? ' ▼' : ' ▲'}</span>` : ''}</a>`;
    };
    const option = (value: string, selected: string | undefined, label = value) => html`<option value="${value}"${value === selected ? raw(' selected') : ''}>${label}</option>`;
    // A value no client has (a bookmark of a tier since renamed) is still the one filtering: shown selected, not "any".
    const choices = (known: readonly string[], asked: string | undefined) => (asked && !known.includes(asked) ? [...known, asked] : known);
    return html`<form method="get" action="${PREFIX}/clients" class="filters" role="search" autocomplete="off">
  <label>${tr.t('ui.clients.search')}<input type="search" name="q" value="${q.search ?? ''}" placeholder="${tr.t('ui.clients.searchHint')}"></label>
  <label>${tr.t('ui.clients.tier')}<select name="tier" data-autosubmit>${option('', q.tier, tr.t('ui.clients.any'))}${choices(facets.tiers, q.tier).map((t) => option(t, q.tier))}</select></label>
  <label>${tr.t('ui.clients.country')}<select name="country" data-autosubmit>${option('', q.country, tr.t('ui.clients.any'))}${choices(facets.countries, q.country).map((c) => option(c, q.country))}</select></label>
  <label class="check"><input type="checkbox" name="silent" value="1"${q.silentOnly ? raw(' checked') : ''}> ${tr.t('ui.clients.onlySilent')}</label>
  <label class="check"><input type="checkbox" name="single" value="1"${q.singleOnly ? raw(' checked') : ''}> ${tr.t('ui.clients.onlySingle')}</label>
  <input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.descending ? 'desc' : 'asc'}">
  <button type="submit">${tr.t('ui.clients.apply')}</button></form>
  <p class="actions"><strong>${tr.t('ui.clients.found', { count: total })}</strong> ${csvLink(ctx, '/clients.csv', params)}</p>
  ${rows.length === 0 ? html`<p class="muted">${tr.t('ui.nothing')}</p>` : html`<div class="table-wrap"><table class="clients"><thead><tr>
  ${COLUMNS.map((c) => html`<th scope="col"${c.num ? raw(' class="num"') : ''}${q.sort === c.sort ? raw(` aria-sort="${q.descending ? 'descending' : 'ascending'}"`) : ''}>${sortLink(c)}</th>`)}</tr></thead>
  <tbody>${rows.map((r) => clientLine(ctx, r))}</tbody></table></div>`}
  ${pager(ctx, total, current, PAGE_SIZE, (p) => href(`${PREFIX}/clients`, { ...params, page: p }))}`;
  });
  return page(ctx, title, 'clients', content);
}

function clientLine(ctx: PageContext, r: ClientLine): Html {
  const { tr } = ctx;
  const who = (id: string | null) => (id ? html` <span class="muted">(${employeeName(ctx, id)})</span>` : '');
  return html`<tr${r.silent ? raw(' class="over"') : ''}><td><a href="${PREFIX}/clients/${encodeURIComponent(r.id)}">${r.name}</a></td>
<td>${r.tier ?? ''}</td><td>${r.industry ?? ''}</td><td>${r.country}</td><td>${employeeName(ctx, r.owner)}</td>
<td>${tr.date(r.last_done)}${who(r.last_by)}</td><td>${tr.date(r.next_touch)}${who(r.next_by)}</td>
<td class="num">${tr.number(r.ours_12)}</td><td class="num">${tr.number(r.theirs_12)}</td><td class="num">${r.silent_days === null ? '' : tr.number(r.silent_days)}</td></tr>`;
}

/** The same clients as the table (same filters and order), every one of them, as the clients report's CSV. */
export async function clientsCsv(ctx: PageContext): Promise<PageResponse> {
  const spec = specOf(ctx, 'clients');
  if (!spec) return errorPage(ctx, 404);
  const rows = (await allClients(ctx.db, ctx.scope, queryOf(ctx))).map((r) => ({
    client: r.id, name: r.name, tier: r.tier, industry: r.industry, country: r.country, stage: r.stage, owner: r.owner,
    last_done: r.last_done, last_by: r.last_by, next_touch: r.next_touch, ours_12: r.ours_12, theirs_12: r.theirs_12, silent_days: r.silent_days,
  }));
  return csv(ctx, spec as Omit<Report, 'rows'>, rows, 'clients.csv');
}
