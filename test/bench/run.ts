/**
 * `npm run bench`: what users wait for, measured through the real commands and the daemon,
 * spawned as processes on the demo company (`touchbase demo-data`), each beside its target and
 * the floor measured in the same run on the same data. Then how memory grows with clients, and
 * the dashboard and Google/Outlook sync sections. Not a test: it exits non-zero only if a
 * command fails. See docs/performance.md.
 *
 *   BENCH_CLIENTS=10000   the company's size
 *   BENCH_QUICK=1         1,000 clients, no large company: for development
 *   BENCH_LARGE=0         skip the 5× company (50,000 clients by default) of the memory section
 *   BENCH_LARGE_HEAP_MB   the heap cap of the 5× run (default 6144), so a run-away cannot take the shared machine
 *   BENCH_LARGE_TIMEOUT_S the time the 5× run is given (default 1800); past it, it is stopped and reported so
 *   BENCH_SKIP_DAEMON=1, BENCH_SKIP_SYNC=1, BENCH_SKIP_DASHBOARD=1, BENCH_SKIP_POSTGRES=1   skip those sections
 *   TOUCHBASE_BENCH_DATABASE_URL   the PostgreSQL server of the PostgreSQL section (a role that may
 *                         create databases); without it, an embedded one is started for the run
 *   BENCH_TIMEOUT_S       the longest wait on the daemon (default 1800)
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { systemClock } from '../../src/clock.ts';
import { checkConfig } from '../../src/config/load-config.ts';
import { commandsBench, firstOnce, writeCompany } from './commands-bench.ts';
import { daemonBench } from './daemon-bench.ts';
import { dashboardBench } from './dashboard-bench.ts';
import { benchPostgres, postgresBench } from './postgres-bench.ts';
import { sharedDaemonsBench } from './shared-daemons-bench.ts';
import { endAll, measureNode, OverTimeError, ROOT, tempDir, type Measured } from './processes.ts';
import { syncBench } from './sync-bench.ts';
import { figuresTable, notesTable, within, type Figure, type Note } from './table.ts';

/**
 * How long the dashboard section may take (it takes a few minutes): past it, the bench ends
 * with the figures so far and an error instead of waiting for ever on a page or a log line
 * that does not come (a full run once waited 90 minutes in it, on a log line whose fields had
 * changed order: the log is now read by field, daemon-log.ts).
 */
const DASHBOARD_MINUTES = 20;

class LateSection extends Error {}

async function finishedWithin<T>(minutes: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LateSection(`${what} did not finish within ${minutes} min; its processes were ended, the figures so far are below`)), minutes * 60_000);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const QUICK = process.env.BENCH_QUICK === '1';
const CLIENTS = QUICK ? 1000 : Number(process.env.BENCH_CLIENTS ?? 10_000);
const LARGE = !QUICK && process.env.BENCH_LARGE !== '0';
const LARGE_HEAP_MB = Number(process.env.BENCH_LARGE_HEAP_MB ?? 6144);
const LARGE_TIMEOUT_MS = Number(process.env.BENCH_LARGE_TIMEOUT_S ?? 1800) * 1000;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 1800) * 1000;
const skip = (name: string) => process.env[`BENCH_SKIP_${name}`] === '1';

const figures: Figure[] = [];
const growth: Figure[] = [];
const notes: Note[] = [];
const note = (measure: string, value: string, target: string, ok?: boolean) => notes.push({ measure, value, target, ok });
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

// Ctrl-C: end everything this run started, remove its folders.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    endAll();
    process.exit(130);
  });
}

let failed: unknown;
const started = performance.now();
try {
  say(`building dist/ (node src/build.js)`);
  const build = await measureNode(['src/build.js'], { what: 'node src/build.js' });
  note('build (node src/build.js, once at the start)', `${build.wallS.toFixed(1)} s`, '');

  say(`writing the ${CLIENTS.toLocaleString('en')}-client demo company`);
  const company = await writeCompany(CLIENTS);
  const { config } = checkConfig(company.dir);
  if (!config) throw new Error('the demo company is invalid');
  const contacts = config.clients.reduce((n, c) => n + c.contacts.length, 0);
  note('company (demo-data)', `${config.clients.length} clients, ${contacts} contacts, ${config.employees.length} employees; written in ${company.measured.wallS.toFixed(1)} s`, '');

  say('the commands (help, validate, plan, once, status) and their floors');
  const commands = await commandsBench(company.dir, CLIENTS, figures);

  if (!skip('POSTGRES')) {
    say('the same commands on PostgreSQL');
    const server = await benchPostgres();
    try {
      await postgresBench(company.dir, server, figures);
      if (!skip('SYNC')) {
        say('several daemons on one PostgreSQL database: the initial sync to the Google fake by 1, 2 and 3');
        await sharedDaemonsBench(server, note);
      }
    } finally {
      await server.stop();
    }
  }

  if (!skip('DAEMON')) {
    say('the daemon (first sync, an edited client, a tick)');
    await daemonBench({ company: company.dir, parseS: commands.parseS, icsPerEventS: commands.icsPerEventS, timeoutMs: TIMEOUT_MS }, figures);
  }

  // Memory growth: `once` first sync at 1,000 clients, the company's size, and 5 times it.
  say('memory growth (once, first sync, by company size)');
  const sizes: { clients: number; measured: Measured; events: number }[] = [];
  const onceAt = async (clients: number, o: { nodeArgs?: readonly string[]; timeoutMs?: number } = {}) => {
    const c = await writeCompany(clients);
    const r = await firstOnce(c.dir, tempDir(`once-${clients}`), o);
    return { clients, measured: r.measured, events: r.events };
  };
  if (CLIENTS > 1000) sizes.push(await onceAt(1000));
  sizes.push({ clients: CLIENTS, measured: commands.onceFirst, events: commands.onceEvents });
  let large: string | undefined;
  // The 5× line compares the large run with a run of the company's size made just before it: this
  // machine's speed drifts by 20% and more over the minutes between the sections.
  let nearBase: Measured | undefined;
  if (LARGE) {
    try {
      nearBase = (await firstOnce(company.dir, tempDir(`once-${CLIENTS}-again`))).measured;
      sizes.push(await onceAt(CLIENTS * 5, { nodeArgs: [`--max-old-space-size=${LARGE_HEAP_MB}`], timeoutMs: LARGE_TIMEOUT_MS }));
    } catch (error) {
      large = (error as Error).message.split('\n')[0];
      // Stopped for its time is a figure (it took longer); a crash (its heap cap, an error) is a failure.
      if (!(error instanceof OverTimeError)) failed ??= error;
    }
  }
  const base = sizes.find((x) => x.clients === CLIENTS)!;
  const ratioBaseS = nearBase?.wallS ?? base.measured.wallS;
  sizes.forEach((s, i) => {
    const isLarge = s.clients === CLIENTS * 5;
    const previous = sizes[i - 1];
    const slope = previous ? ((s.measured.peakMb - previous.measured.peakMb) / (s.clients - previous.clients)) * 1000 : undefined;
    growth.push({
      measure: `\`once\` first sync, ${s.clients.toLocaleString('en')} clients`, ...s.measured,
      target: isLarge ? `≤ 5 × the ${CLIENTS.toLocaleString('en')} time (${(ratioBaseS * 5).toFixed(0)} s), ≤ 1.5 GB` : s.clients === CLIENTS ? '≤ 30 s, ≤ 700 MB' : '',
      ok: isLarge ? within(s.measured, { wallS: ratioBaseS * 5, peakMb: 1536 }) : s.clients === CLIENTS ? within(s.measured, { wallS: 30, peakMb: 700 }) : undefined,
      note: `${s.events.toLocaleString('en')} events`
        + (slope === undefined ? '' : `; ${slope >= 0 ? '+' : ''}${slope.toFixed(0)} MB per 1,000 clients more than ${previous!.clients.toLocaleString('en')}`)
        + (isLarge ? `; ${(s.measured.wallS / ratioBaseS).toFixed(1)}× the ${CLIENTS.toLocaleString('en')}-client run made just before it (${ratioBaseS.toFixed(1)} s)`
          + (nearBase ? `, ${(s.measured.wallS / base.measured.wallS).toFixed(1)}× this table's` : '') : ''),
    });
  });
  if (large) growth.push({ measure: `\`once\` first sync, ${(CLIENTS * 5).toLocaleString('en')} clients`, target: '≤ 5 × the time, ≤ 1.5 GB', ok: false, note: `${large} (heap capped at ${LARGE_HEAP_MB} MB)` });
  else if (!LARGE) growth.push({ measure: `\`once\` first sync, ${(CLIENTS * 5).toLocaleString('en')} clients`, note: 'skipped (BENCH_QUICK=1 or BENCH_LARGE=0)' });

  if (!skip('SYNC')) {
    say('Google and Outlook sync on the local fakes');
    await syncBench(config, note);
  }
  if (!skip('DASHBOARD')) {
    say('the dashboard');
    await finishedWithin(DASHBOARD_MINUTES, 'the dashboard section', dashboardBench(company.dir, note));
  }
} catch (error) {
  failed = error;
} finally {
  endAll();
}

const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`\ntouchbase benchmark, ${systemClock.now().toUTC().toISO({ suppressMilliseconds: true })}: ${CLIENTS.toLocaleString('en')} clients, `
  + `node ${process.version}, ${cpus().length} cores (${cpuModel}), ${Math.round(totalmem() / 1073741824)} GB, ${gitHead()}; ${((performance.now() - started) / 60_000).toFixed(0)} min\n\n`);
process.stdout.write(`What users wait for (each command a process of its own; peak RSS: the largest of its processes; the targets are for 10,000 clients)\n\n${figuresTable(figures)}\n`);
if (growth.length) process.stdout.write(`How memory grows with clients (\`once\`, first sync into the feeds, 90 days)\n\n${figuresTable(growth)}\n`);
if (notes.length) process.stdout.write(`The rest (the dashboard; Google and Outlook on local fakes; in-process where noted)\n\n${notesTable(notes)}\n`);
if (failed) {
  process.stderr.write(`\nbench: a command failed: ${failed instanceof Error ? failed.stack ?? failed.message : String(failed)}\n`);
  process.exitCode = 1;
}
// A section that did not finish may still hold sockets and timers: the figures are out, so end here.
if (failed instanceof LateSection) process.stdout.write('', () => process.exit(1));

function gitHead(): string {
  try {
    return `commit ${execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`;
  } catch {
    return 'no git';
  }
}
