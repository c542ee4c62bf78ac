/**
 * `npm run bench`: the planner at the scale of a large company. Writes the 10,000-client
 * demo company, then measures validation, a 12-month plan, and the re-plan of one changed
 * client, and prints a table with the targets of the issue. Speed lives here, not in tests.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { demoCompany } from '../../src/demo/demo-company.ts';
import { checkConfig } from '../../src/config/load-config.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY, makeHistory, pinsOf } from '../../src/planner/history.ts';
import type { Config } from '../../src/domain/types.ts';
import { renderTable } from '../../src/cli/format-touches.ts';
import { syncBench } from './sync-bench.ts';
import { daemonBench } from './daemon-bench.ts';
import { dashboardBench } from './dashboard-bench.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const NOW = DateTime.fromISO('2026-12-15T09:00:00+03:00');
const YEAR = { from: '2027-01-01', to: '2027-12-31' };

const ms = (start: number) => performance.now() - start;
const rows: string[][] = [];
const row = (what: string, value: string, target: string, ok?: boolean) =>
  rows.push([what, value, target, ok === undefined ? '' : ok ? 'ok' : 'MISSED']);

const dir = mkdtempSync(join(tmpdir(), 'touchbase-bench-'));
try {
  const template: Record<string, string> = {};
  for (const f of ['rules.yaml', 'campaigns.yaml', 'workflows.yaml']) {
    const path = resolve('config', f);
    if (existsSync(path)) template[f] = readFileSync(path, 'utf8');
  }
  for (const [path, text] of Object.entries(demoCompany({ clients: CLIENTS, seed: 1 }, template))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }

  let t = performance.now();
  const { config, issues } = checkConfig(dir);
  const validateMs = ms(t);
  if (!config) throw new Error(`the demo company is invalid: ${issues.length} issues`);
  const contacts = config.clients.reduce((n, c) => n + c.contacts.length, 0);
  row('company', `${config.clients.length} clients, ${contacts} contacts, ${config.employees.length} employees`, '10,000 / ~50,000 / ~400');
  row('validate (read YAML + CSV, check)', `${(validateMs / 1000).toFixed(2)} s`, '≤ 2 s', validateMs <= 2000);

  // The planner is pure: three runs give the same plan; the median time is reported.
  const runs: number[] = [];
  t = performance.now();
  const plan = planTouches(config, NO_HISTORY, YEAR, NOW);
  runs.push(ms(t));
  // Peak memory of a process that validated and planned once, before the repeated runs.
  const peakMb = process.resourceUsage().maxRSS / 1024;
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    planTouches(config, NO_HISTORY, YEAR, NOW);
    runs.push(ms(t));
  }
  runs.sort((a, b) => a - b);
  const planMs = runs[1]!;
  row('plan 12 months (median of 3)', `${(planMs / 1000).toFixed(2)} s (fastest ${(runs[0]! / 1000).toFixed(2)} s)`, '≤ 5 s', planMs <= 5000);
  row('touches planned', String(plan.touches.length), '');
  row('touches per second', String(Math.round(plan.touches.length / (planMs / 1000))), '');
  row('placement warnings', String(plan.warnings.length), '');

  // One client changes (a new contact); re-plan only it, with everyone else's placements recorded.
  const history = makeHistory([], pinsOf(plan.touches));
  const target = config.clients[Math.floor(config.clients.length / 2)]!;
  const changed: Config = {
    ...config,
    clients: config.clients.map((c) => (c === target ? { ...c, contacts: [...c.contacts, { id: `${c.id}-new-buyer`, name: 'New Buyer', role: 'buyer', email: undefined, phone: undefined }] } : c)),
  };
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    t = performance.now();
    planTouches(changed, history, YEAR, NOW, { onlyClients: new Set([target.id]) });
    samples.push(ms(t));
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  row('re-plan after one client changed (median of 7)', `${median.toFixed(1)} ms`, '≤ 50 ms', median <= 50);

  row('peak RSS (validate + one 12-month plan)', `${Math.round(peakMb)} MB`, '≤ 400 MB', peakMb <= 400);

  if (process.env.BENCH_SKIP_SYNC !== '1') await syncBench(config, row);
  if (process.env.BENCH_SKIP_DAEMON !== '1') await daemonBench(dir, row);
  if (process.env.BENCH_SKIP_DASHBOARD !== '1') await dashboardBench(dir, row);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

process.stdout.write(`\ntouchbase benchmark (Node ${process.version}, ${CLIENTS} clients)\n\n`);
process.stdout.write(renderTable(['measure', 'value', 'target', ''], rows));
