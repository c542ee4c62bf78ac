import { reportRows } from '../../storage/dashboard-queries.ts';
import { html } from '../html.ts';
import type { PageResponse } from '../page-types.ts';
import { csvLink, errorPage, notReady, page, reportTable, specOf, type PageContext } from './context.ts';

/** Greetings to come (counts per country and holiday), past ones with their done share, and each handover's letters. */
export async function campaignsPage(ctx: PageContext): Promise<PageResponse> {
  const { tr } = ctx;
  if (!ctx.scope.all) return errorPage(ctx, 403, 'directors');
  if (!ctx.meta.version) return notReady(ctx, tr.t('ui.campaigns.title'));
  const greetings = specOf(ctx, 'greetings');
  const handovers = specOf(ctx, 'handovers');
  const rows = (await reportRows(ctx.db, 'greetings', ctx.scope, undefined)).rows;
  const today = ctx.meta.today ?? ctx.today;
  const upcoming = rows.filter((r) => String(r.date) >= today);
  const past = rows.filter((r) => String(r.date) < today).reverse();
  const handoverRows = (await reportRows(ctx.db, 'handovers', ctx.scope, undefined)).rows;
  const upcomingColumns = greetings ? greetings.columns.filter((c) => c.key !== 'done_share') : [];
  const links = { employeeColumns: ['from', 'to'] };
  const content = html`
<section class="panel" id="upcoming"><h2>${tr.t('ui.campaigns.upcoming')}</h2>
${upcoming.length ? reportTable(ctx, { columns: upcomingColumns }, upcoming) : html`<p class="muted">${tr.t('ui.campaigns.noUpcoming')}</p>`}</section>
<section class="panel" id="past"><h2>${tr.t('ui.campaigns.past')}</h2>
${past.length && greetings ? reportTable(ctx, greetings, past) : html`<p class="muted">${tr.t('ui.campaigns.noPast')}</p>`}
<p class="actions">${csvLink(ctx, '/reports/greetings.csv')}</p></section>
<section class="panel" id="handovers"><h2>${tr.t('ui.campaigns.handovers')}</h2>
${handoverRows.length && handovers ? reportTable(ctx, handovers, handoverRows, links) : html`<p class="muted">${tr.t('ui.campaigns.noHandovers')}</p>`}
<p class="actions">${csvLink(ctx, '/reports/handovers.csv')}</p></section>`;
  return page(ctx, tr.t('ui.campaigns.title'), 'campaigns', content);
}
