import { formatIssue, placeText, SHOWN_ISSUES, type ConfigIssue } from '../../config/config-issue.ts';
import type { Cell } from '../../reports/report.ts';
import { isGreeting, weekOf } from '../../reports/greetings.ts';
import { countRows, outboxByProvider, reportRows, syncFacts } from '../../storage/dashboard-queries.ts';
import { readFailures } from '../../storage/calendar-sync-repository.ts';
import { html, type Html } from '../html.ts';
import { PREFIX, type PageResponse } from '../page-types.ts';
import { cachedPart, csvLink, employeeName, notReady, page, reportTable, specOf, summaryValue, type PageContext } from './context.ts';
import { coverageMonthRowsFor, heatMap } from './heat-map.ts';

/** How many lines the overview's lists show before "see all". */
const TOP = 10;

/** The overview: cards, coverage month by month, overdue, silent, single-person clients, greetings, calendars, configuration. */
export async function overviewPage(ctx: PageContext): Promise<PageResponse> {
  const { tr, scope } = ctx;
  const title = scope.all ? tr.t('ui.overview.title') : tr.t('ui.overview.myTitle');
  if (!ctx.meta.version) return notReady(ctx, title);
  // The figures are the snapshot's: made once per snapshot; the calendars and the configuration are live.
  const figures = await cachedPart(ctx, 'overview', () => overviewFigures(ctx, title));
  const content = html`${figures}
${scope.all ? await syncSection(ctx) : ''}
${scope.all ? configSection(ctx, ctx.req.configIssues) : ''}`;
  return page(ctx, title, 'overview', content);
}

async function overviewFigures(ctx: PageContext, title: string): Promise<Html> {
  const { tr, scope } = ctx;
  const overdue = await reportRows(ctx.db, 'overdue', scope, { offset: 0, limit: TOP });
  const silent = await reportRows(ctx.db, 'silence', scope, { offset: 0, limit: TOP });
  const single = await reportRows(ctx.db, 'breadth', scope, { offset: 0, limit: TOP }, { tag: 'single' });
  // A director's share is the report's; an employee's, the share of their clients' pairs on time.
  let coverageShare = summaryValue(specOf(ctx, 'coverage'), 'share on time') as number | null;
  if (!scope.all) {
    const pairs = await countRows(ctx.db, 'coverage', scope);
    coverageShare = pairs === 0 ? null : (await countRows(ctx.db, 'coverage', scope, { tag: 'on time' })) / pairs;
  }
  const greetings = scope.all ? await weekGreetings(ctx) : undefined;
  const card = (name: string, figure: string, label: string, link: string, warn = false) =>
    html`<a class="card${warn ? ' warn' : ''}" href="${link}" data-card="${name}"><span class="figure">${figure}</span><span class="label">${label}</span></a>`;
  return html`
<section class="cards" aria-label="${title}">
${card('coverage', tr.percent(coverageShare), tr.t('ui.card.coverage'), `${PREFIX}/reports/coverage`)}
${card('overdue', tr.number(overdue.total), tr.t(scope.all ? 'ui.card.overdue' : 'ui.card.overdueAtMine', { count: overdue.total }), `${PREFIX}/reports/overdue`, overdue.total > 0)}
${card('silent', tr.number(silent.total), tr.t('ui.card.silent', { count: silent.total }), `${PREFIX}/reports/silence`, silent.total > 0)}
${card('single', tr.number(single.total), tr.t('ui.card.single', { count: single.total }), `${PREFIX}/reports/breadth`)}
${greetings ? card('greetings', tr.number(greetings.total), tr.t('ui.card.greetings', { count: greetings.total }), `${PREFIX}/campaigns`) : ''}
</section>
<section class="panel" id="coverage"><h2>${tr.t('ui.heat.title')}</h2><p class="muted">${tr.t(scope.all ? 'ui.heat.intro' : 'ui.heat.introOwn')}</p>
${heatMap(ctx, await coverageMonthRowsFor(ctx))}
<p class="actions">${csvLink(ctx, '/reports/coverage-months.csv')}</p></section>
${list(ctx, 'overdue', tr.t('ui.overdue.title'), overdue.rows, overdue.total, { clientColumns: ['client'], employeeColumns: ['owner'] })}
${list(ctx, 'silence', tr.t('ui.silent.title'), silent.rows, silent.total, { clientColumns: ['client'], employeeColumns: ['by', 'account_manager'] })}
${list(ctx, 'breadth', tr.t('ui.single.title'), single.rows, single.total, { clientColumns: ['client'], employeeListColumns: ['ours'] })}
${greetings ? greetings.html : ''}`;
}

function list(ctx: PageContext, report: string, title: string, rows: Record<string, Cell>[], total: number, o: Parameters<typeof reportTable>[3]): Html {
  const spec = specOf(ctx, report);
  if (!spec) return html``;
  return html`<section class="panel" id="${report}"><h2>${title} <span class="muted">(${ctx.tr.number(total)})</span></h2>
${reportTable(ctx, { columns: spec.columns.filter((c) => c.key !== 'id') }, rows, o)}
<p class="actions">${total > rows.length ? html`<a href="${PREFIX}/reports/${report}">${ctx.tr.t('ui.seeAll', { count: total })}</a>` : ''} ${csvLink(ctx, `/reports/${report}.csv`)}</p></section>`;
}

/** This week's greetings by country: contacts greeted and greetings done. */
async function weekGreetings(ctx: PageContext): Promise<{ total: number; html: Html }> {
  const { tr } = ctx;
  const week = weekOf(ctx.meta.today ?? ctx.today);
  const rows = (await reportRows(ctx.db, 'greetings', ctx.scope, undefined, { days: week })).rows;
  const byCountry = new Map<string, { contacts: number; done: number; open: number; skipped: number }>();
  for (const r of rows) {
    if (!isGreeting(r)) continue;
    const c = byCountry.get(String(r.country)) ?? { contacts: 0, done: 0, open: 0, skipped: 0 };
    c.contacts += Number(r.contacts);
    c.done += Number(r.done);
    c.open += Number(r.open);
    c.skipped += Number(r.skipped);
    byCountry.set(String(r.country), c);
  }
  const total = [...byCountry.values()].reduce((n, c) => n + c.done + c.open + c.skipped, 0);
  const table = byCountry.size === 0 ? html`<p class="muted">${tr.t('ui.greetingsWeek.none')}</p>` : reportTable(ctx, {
    columns: [{ key: 'country', header: 'col.country' }, { key: 'contacts', header: 'col.contacts', type: 'number' },
      { key: 'done', header: 'col.done', type: 'number' }, { key: 'skipped', header: 'col.skipped', type: 'number' }, { key: 'open', header: 'col.open', type: 'number' }],
  }, [...byCountry].sort(([a], [b]) => a.localeCompare(b)).map(([country, c]) => ({ country, ...c })));
  return {
    total,
    html: html`<section class="panel" id="greetings"><h2>${tr.t('ui.greetingsWeek.title')} <span class="muted">(${tr.date(week.from)} – ${tr.date(week.to)})</span></h2>${table}</section>`,
  };
}

/**
 * Each calendar provider: in sync or retrying after errors, the last successful sync, writes
 * waiting; then the calendars whose last reading failed, as `touchbase status` lists them.
 */
async function syncSection(ctx: PageContext): Promise<Html> {
  const { tr } = ctx;
  const zone = ctx.meta.timezone ?? 'UTC';
  const { info, lastSync } = await syncFacts(ctx.db);
  const outbox = await outboxByProvider(ctx.db);
  const errors = JSON.parse(info.provider_errors ?? '[]') as [string, number][];
  const providers = [...new Set([...Object.keys(info).filter((k) => /^provider\.[^.]+\.state$/.test(k)).map((k) => k.split('.')[1]!), ...outbox.keys()])].sort();
  const name = (p: string) => (['ics', 'google', 'microsoft'].includes(p) ? tr.t(`ui.provider.${p}` as never) : p);
  const rows = providers.map((p) => {
    const state = info[`provider.${p}.state`];
    const lastOk = info[`provider.${p}.last_ok`];
    const errs = errors.filter(([k]) => k.startsWith(`${p}:`)).map(([k, n]) => `${k.slice(p.length + 1)} × ${tr.number(n)}`).join(', ');
    return html`<tr><td>${name(p)}</td><td class="${state === 'errors' ? 'status-bad' : 'status-ok'}">${state === 'errors' ? tr.t('ui.sync.troubled') : tr.t('ui.sync.ok')}</td>
<td>${lastOk ? tr.dateTime(lastOk, zone) : tr.t('ui.sync.never')}</td><td class="num">${tr.number(outbox.get(p)?.waiting ?? 0)}</td><td>${errs}</td></tr>`;
  });
  const run = lastSync?.finished ? tr.t('ui.sync.lastRun', { time: tr.dateTime(lastSync.finished, zone), result: tr.t(`ui.sync.result.${lastSync.result ?? 'running'}` as never) }) : '';
  return html`<section class="panel" id="calendars"><h2>${tr.t('ui.sync.title')}</h2>
${providers.length === 0 ? html`<p class="muted">${tr.t('ui.sync.noProvider')}</p>` : html`<div class="table-wrap"><table><thead><tr>
<th scope="col">${tr.t('ui.sync.provider')}</th><th scope="col">${tr.t('ui.sync.state')}</th><th scope="col">${tr.t('ui.sync.lastOk')}</th><th scope="col" class="num">${tr.t('ui.sync.waiting')}</th><th scope="col">${tr.t('ui.sync.errors')}</th>
</tr></thead><tbody>${rows}</tbody></table></div>`}
${run ? html`<p class="muted">${run}</p>` : ''}
${await unreadCalendars(ctx, name)}</section>`;
}

/** The calendars whose last reading failed (calendar_read_failures): who, which calendar, since when, why. */
async function unreadCalendars(ctx: PageContext, name: (provider: string) => string): Promise<Html> {
  const { tr } = ctx;
  const failures = await readFailures(ctx.db);
  if (failures.length === 0) return html``;
  const zone = ctx.meta.timezone ?? 'UTC';
  const rows = failures.map((f) => html`<tr><td>${employeeName(ctx, f.employee_id)}</td><td>${name(f.provider)}</td>
<td>${tr.dateTime(f.failed_at, zone)}</td><td>${f.since === f.failed_at ? '' : tr.dateTime(f.since, zone)}</td><td><span lang="en">${f.code}: ${f.reason}</span></td></tr>`);
  return html`<h3 id="calendars-not-read" class="status-bad">${tr.t('ui.unread.title', { count: failures.length })}</h3>
<p class="muted">${tr.t('ui.unread.intro')}</p>
<div class="table-wrap"><table class="unread-calendars"><thead><tr>
<th scope="col">${tr.t('ui.unread.employee')}</th><th scope="col">${tr.t('ui.sync.provider')}</th><th scope="col">${tr.t('ui.unread.failedAt')}</th><th scope="col">${tr.t('ui.unread.since')}</th><th scope="col">${tr.t('ui.unread.reason')}</th>
</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The configuration: valid, or the last edit's errors, each at its file, line and column. */
function configSection(ctx: PageContext, issues: readonly ConfigIssue[]): Html {
  const { tr } = ctx;
  if (issues.length === 0) return html`<section class="panel" id="configuration"><h2>${tr.t('ui.config.title')}</h2><p class="status-ok">${tr.t('ui.config.ok')}</p></section>`;
  return html`<section class="panel" id="configuration"><h2>${tr.t('ui.config.title')}</h2>
<p class="error">${tr.t('ui.config.rejected', { count: issues.length })}</p>
<p class="muted">${tr.t('ui.config.asValidate')}</p>
<ul class="issues">${issues.slice(0, SHOWN_ISSUES).map((i) => html`<li><code>${placeText(i)}</code>: <span lang="en">${formatIssue(i).slice(`${placeText(i)}: `.length)}</span></li>`)}</ul>
${issues.length > SHOWN_ISSUES ? html`<p class="muted">${tr.t('ui.config.more', { count: issues.length - SHOWN_ISSUES })}</p>` : ''}</section>`;
}

