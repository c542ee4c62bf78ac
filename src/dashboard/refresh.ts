import type { DateTime } from 'luxon';
import { withDashboardLock } from '../storage/work-locks.ts';
import type { Config } from '../domain/types.ts';
import { configFingerprint } from '../domain/config-hashes.ts';
import { addDays, addDuration } from '../planner/dates.ts';
import { horizonWindow } from '../plan-service.ts';
import { planTouches } from '../planner/plan.ts';
import { makeHistory } from '../planner/history.ts';
import { loadReportContext, type ReportContext } from '../reports/report-data.ts';
import { reportOf, type ReportName } from '../reports/registry.ts';
import { coverageCells, coverageRuleHeads } from '../reports/coverage-months.ts';
import { clientsReport } from '../reports/clients-report.ts';
import type { Cell, Report } from '../reports/report.ts';
import type { DB } from '../storage/database.ts';
import { clientNames } from '../storage/dashboard-queries.ts';
import { dashboardMeta, latestOutcomes, recordedAmong, touchesStamp, writeDashboardSnapshot, type DashboardSnapshot } from '../storage/dashboard-snapshot.ts';
import type { ClientDetail, DashboardClientRow, DashboardEmployeeRow, ForecastTouch } from '../storage/dashboard-tables.ts';
import { AGENDA_DAYS } from '../reports/load.ts';
import { holderOn } from '../domain/team.ts';
import { searchFold } from '../domain/search-fold.ts';

/** Changed when what a snapshot holds changes, so that one made before is not kept as it is (greetings rows now carry their kind). */
const SNAPSHOT_FORMAT = 'campaign-kinds';

/** The reports the dashboard stores as rows (the load is computed per page from the live agenda). */
export const STORED_REPORTS: readonly ReportName[] = ['coverage', 'coverage-months', 'breadth', 'punctuality', 'overdue', 'silence', 'greetings', 'handovers'];
/** The finest cells of coverage by month, per employee: an employee's own heat map sums theirs. */
export const COVERAGE_CELLS = 'coverage-cells';
/**
 * The snapshot's fact naming the clients that left the configuration (JSON, id → name), whose
 * history stays in the database and whose pages show it; and the configuration it was made for.
 */
export const FORMER_CLIENTS = 'former_clients';
const FORMER_CLIENTS_OF = 'former_clients_of';
/** How far the client pages look ahead. */
const FORECAST_MONTHS = 12;

export interface RefreshOutcome {
  readonly refreshed: boolean;
  readonly forecast: boolean;
  readonly ms: number;
}

/**
 * Recomputes the dashboard after a job changed the plan or the history (the job process calls
 * it, so the daemon's own loop never does this work): every report through the same functions
 * as `touchbase report`, the clients' figures, who may see which client, and once a day (or
 * after a configuration change) the 12-month forecast. Nothing is done when neither the
 * configuration, the day nor the touches changed since the last time.
 */
export async function refreshDashboard(db: DB, config: Config, now: DateTime): Promise<RefreshOutcome> {
  const started = performance.now();
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const configPrint = configFingerprint(config);
  // SNAPSHOT_FORMAT: a snapshot made by an earlier version (search text not folded, names not ranked) is made again.
  const version = `${SNAPSHOT_FORMAT}|${configPrint}|${today}|${await touchesStamp(db)}`;
  const known = await dashboardMeta(db, ['version', 'forecast_stamp', FORMER_CLIENTS, FORMER_CLIENTS_OF]);
  if (known.version === version) return { refreshed: false, forecast: false, ms: performance.now() - started };
  // The forecast first: its plan is large and gone before the reports read every touch.
  const forecastStamp = `${configPrint}|${today}`;
  const forecast = known.forecast_stamp === forecastStamp ? undefined : await forecastOf(db, config, now);
  const ctx = await loadReportContext(db, config, today);
  const rows: DashboardSnapshot['rows'][number][] = [];
  const meta: Record<string, string> = {};
  const overdueOwners = new Map<string, number>();
  for (const name of STORED_REPORTS) {
    const report = reportOf(name, ctx);
    if (name === 'overdue') for (const r of report.rows) overdueOwners.set(String(r.owner), (overdueOwners.get(String(r.owner)) ?? 0) + 1);
    report.rows.forEach((row, pos) => rows.push({
      report: name, pos, client_id: text(row.client), employee_id: text(row.employee ?? row.owner), row: JSON.stringify(row), ...marks(name, row),
    }));
    meta[`report:${name}`] = JSON.stringify(specOf(report));
  }
  const cells = coverageCells(ctx);
  cells.forEach((cell, pos) => rows.push({ report: COVERAGE_CELLS, pos, client_id: null, employee_id: cell.employee, row: JSON.stringify(cell), tag: null, day: null }));
  const clients = clientsReport(ctx);
  meta['report:clients'] = JSON.stringify(specOf(clients));
  Object.assign(meta, {
    version, computed_at: now.toUTC().toISO()!, today, company: config.settings.company, timezone: config.settings.timezone,
    language: config.settings.language, horizon_to: horizonWindow(config, now).to,
    rules: JSON.stringify(coverageRuleHeads(config.rules, cells)),
    ...(forecast ? { forecast_stamp: forecastStamp, forecast_as_of: today } : {}),
    // Before the clients are replaced: the last snapshot has the names of those that just left.
    [FORMER_CLIENTS]: known[FORMER_CLIENTS_OF] === configPrint ? known[FORMER_CLIENTS] ?? '{}' : JSON.stringify(await formerClients(db, config, known[FORMER_CLIENTS])),
    [FORMER_CLIENTS_OF]: configPrint,
  });
  await writeDashboardSnapshot(db, {
    meta, rows, forecast,
    clients: clientRows(ctx, clients),
    clientPeople: clientPeople(ctx),
    employees: employeeRows(ctx, overdueOwners),
  });
  return { refreshed: true, forecast: forecast !== undefined, ms: performance.now() - started };
}

/**
 * The names of the clients that are no longer in the configuration, as the last snapshots had
 * them: the configuration forgets a client's name when it drops it, the database keeps its
 * history under its id. Kept from one snapshot to the next; one that comes back is no longer former.
 */
async function formerClients(db: DB, config: Config, kept: string | undefined): Promise<Record<string, string>> {
  const configured = new Set(config.clients.map((c) => c.id));
  const former: Record<string, string> = kept ? JSON.parse(kept) as Record<string, string> : {};
  for (const [id, name] of await clientNames(db)) if (!configured.has(id)) former[id] = name;
  return Object.fromEntries(Object.entries(former).filter(([id]) => !configured.has(id)));
}

/** A report without its rows: what a page needs to render stored rows (title, columns, summary). */
export type ReportSpec = Omit<Report, 'rows'>;

function specOf(report: Report): ReportSpec {
  return { name: report.name, title: report.title, columns: report.columns, summary: report.summary };
}

/**
 * What pages filter a report's rows by without reading them: a client served by one person
 * (breadth), a role pair's status (coverage), a greeting's day (greetings).
 */
function marks(report: ReportName, row: Readonly<Record<string, Cell>>): { tag: string | null; day: string | null } {
  // The overview's "served by one person or nobody": a client nobody touched in 12 months is the
  // greatest risk of all, though the reports' "depending on one person" counts it apart.
  if (report === 'breadth') return { tag: row.risk ? 'single' : null, day: null };
  if (report === 'coverage') return { tag: text(row.status), day: null };
  if (report === 'greetings') return { tag: null, day: text(row.date) };
  return { tag: null, day: null };
}

function text(v: Cell | undefined): string | null {
  return v === undefined || v === null || v === '' ? null : String(v);
}

function clientRows(ctx: ReportContext, report: Report): DashboardClientRow[] {
  const byId = new Map(ctx.config.clients.map((c) => [c.id, c]));
  const collate = new Intl.Collator(ctx.config.settings.language, { numeric: true }).compare;
  const nameOrder = ranks(ctx.config.clients.map((c) => c.name), collate);
  const industryOrder = ranks(ctx.config.clients.flatMap((c) => c.industry ?? []), collate);
  const employeeName = new Map(ctx.config.employees.map((e) => [e.id, e.name]));
  return report.rows.map((r, pos) => {
    const c = byId.get(String(r.client))!;
    const detail: ClientDetail = {
      since: c.since ?? null,
      // Who holds each role today: a leaver's clients show their successor from the handover's day.
      team: Object.entries(c.team).map(([role, employee]) => ({ role, employee: holderOn(ctx.config.handovers, employee, ctx.today) })),
      contacts: c.contacts.map((k) => ({ id: k.id, name: k.name, role: k.role, email: k.email ?? null, phone: k.phone ?? null })),
    };
    return {
      id: c.id, pos, name: c.name, name_order: nameOrder.get(c.name)!, tier: text(r.tier), industry: text(r.industry),
      industry_order: c.industry ? industryOrder.get(c.industry)! : null, country: c.country, stage: String(r.stage), owner: String(r.owner),
      last_done: text(r.last_done), last_by: text(r.last_by), last_title: text(r.last_title), next_touch: text(r.next_touch),
      next_by: text(r.next_by), next_title: text(r.next_title), ours_12: Number(r.ours_12), theirs_12: Number(r.theirs_12),
      silent_days: r.silent_days === null ? null : Number(r.silent_days), silent: Number(r.silent), single: Number(r.single),
      // Its contacts' names too: a director looks a client up by the person they know there; and
      // its owner's name as the employee pages show it ("Elena Kuznetsova"), not only their id.
      search: searchFold([c.id, c.name, c.industry ?? '', c.country, String(r.owner), employeeName.get(String(r.owner)) ?? '', c.tier ?? '', ...c.contacts.map((k) => k.name)].join(' ')),
      detail: JSON.stringify(detail),
    };
  });
}

/**
 * Each distinct text's place in the language's order (equal texts share one), which the clients
 * table sorts by: the databases' own orders are by code point (db/migrations/0015_dashboard_sort_keys.ts).
 */
function ranks(texts: readonly string[], collate: (a: string, b: string) => number): Map<string, number> {
  const sorted = [...new Set(texts)].sort((a, b) => collate(a, b) || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map((t, i) => [t, i]));
}

/** The employees, with their touches of the next two weeks and the overdue touches they own. */
function employeeRows(ctx: ReportContext, overdue: ReadonlyMap<string, number>): DashboardEmployeeRow[] {
  const to = addDays(ctx.today, AGENDA_DAYS - 1);
  const agenda = new Map<string, number>();
  for (const t of ctx.data.touches) if (t.date >= ctx.today && t.date <= to) agenda.set(t.employee_id, (agenda.get(t.employee_id) ?? 0) + 1);
  return ctx.config.employees.map((e, pos) => ({
    id: e.id, pos, name: e.name, role: e.role, timezone: e.timezone, calendar: e.calendar, meetings_per_day: e.meetingsPerDay ?? null,
    agenda: agenda.get(e.id) ?? 0, overdue: overdue.get(e.id) ?? 0,
  }));
}

/**
 * Whose clients are whose: whoever holds a role of the client's team today (its successor from a
 * handover's day on, not the leaver the team still names: QA, a leaver signed in the day they left
 * kept the contacts and the successor's plan), and everyone with an open touch there (not a leaver,
 * from that day: their overdue touches there change hands at the next morning's check). A touch
 * done, skipped or cancelled gives no access: a salesperson the client was taken from kept seeing
 * its contacts, its history and the successor's plan for ever through one call they had made.
 */
function clientPeople(ctx: ReportContext): [string, string][] {
  const pairs = new Set<string>();
  for (const c of ctx.config.clients) {
    for (const e of Object.values(c.team)) pairs.add(`${holderOn(ctx.config.handovers, e, ctx.today)}\u0000${c.id}`);
  }
  // Not a leaver's, from the handover's day: their late touches there are the successor's by the next morning's check (review).
  const left = new Set(ctx.config.handovers.filter((h) => h.on <= ctx.today).map((h) => h.from));
  for (const t of ctx.data.touches) {
    if (t.client_id === '*' || t.status !== 'planned' || left.has(t.employee_id)) continue;
    pairs.add(`${t.employee_id}\u0000${t.client_id}`);
  }
  return [...pairs].map((p) => p.split('\u0000') as [string, string]);
}

/**
 * What the plan holds for each client after the calendars' horizon, up to 12 months ahead, as
 * the planner makes it (the same rules, holidays and placement as the calendars' plan).
 */
async function forecastOf(db: DB, config: Config, now: DateTime): Promise<Map<string, ForecastTouch[]>> {
  const horizon = horizonWindow(config, now);
  const window = { from: addDays(horizon.to, 1), to: addDuration(horizon.from, { n: FORECAST_MONTHS, unit: 'months' }) };
  const out = new Map<string, ForecastTouch[]>(config.clients.map((c) => [c.id, []]));
  if (window.from > window.to) return out;
  // Not the whole history (every touch ever, as pins): the latest outcome of each series is what
  // the cadences after the horizon depend on; what is recorded is left out by id.
  const { touches } = planTouches(config, makeHistory(await latestOutcomes(db)), window, now);
  const later = touches.filter((t) => t.date > horizon.to);
  const recorded = await recordedAmong(db, later.map((t) => t.id));
  for (const t of later) {
    if (recorded.has(t.id)) continue;
    out.get(t.client)?.push({ date: t.date, kind: t.kind, employee: t.employee, title: t.title });
  }
  return out;
}

/**
 * Refreshes the dashboard inside a job without ever failing the job: the calendars matter more
 * than the figures. Returns what to add to the job's one-line summary ("" when all went well).
 */
export async function refreshDashboardSafely(db: DB, config: Config, now: DateTime): Promise<string> {
  try {
    // Daemons sharing a database refresh one at a time: the second finds it done.
    await withDashboardLock(db, () => refreshDashboard(db, config, now));
    return '';
  } catch (error) {
    return `; dashboard not refreshed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
