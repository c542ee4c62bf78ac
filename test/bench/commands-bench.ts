/**
 * The commands users run, spawned as they would run them (`node src/touchbase.js …`) on the
 * demo company, each beside the floor measured in the same run on the data it produced: node's
 * own start, reading the configuration, the same rows written plainly, the same JSON streamed,
 * the same VEVENTs rendered by a template.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { measureNode, medianOf, tempDir, TOUCHBASE, type Measured } from './processes.ts';
import { within, type Figure } from './table.ts';

/** "Now" of every command, so that every run plans the same touches. */
export const NOW = '2026-12-15T09:00:00Z';
/** The 12 months of `plan`. */
export const YEAR = { from: '2027-01-01', to: '2027-12-31' };

const FLOORS = join(import.meta.dirname, 'floors.ts');

/** Runs one task of floors.ts in a process of its own; its answer (the timed work in ms, and counts). */
export async function floor<T extends { ms: number }>(task: string, ...args: string[]): Promise<T> {
  const dir = tempDir('floor');
  const answer = join(dir, 'answer.json');
  await measureNode(['--import', 'tsx', FLOORS, task, ...args], { stdoutFile: answer, what: `the ${task} floor` });
  const result = JSON.parse(readFileSync(answer, 'utf8')) as T;
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** `touchbase demo-data`: a company of `clients` clients in a new folder. */
export async function writeCompany(clients: number): Promise<{ dir: string; measured: Measured }> {
  const dir = join(tempDir(`company-${clients}`), 'config');
  const measured = await measureNode([TOUCHBASE, 'demo-data', '--clients', String(clients), '--out', dir], { what: `demo-data --clients ${clients}` });
  return { dir, measured };
}

/** `node [nodeArgs] src/touchbase.js args…`, measured. */
export const touchbase = (args: readonly string[], o: { what: string; stdoutFile?: string; env?: Record<string, string>; nodeArgs?: readonly string[]; timeoutMs?: number }) =>
  measureNode([...(o.nodeArgs ?? []), TOUCHBASE, ...args], o);

function feedEvents(feedDir: string): { feeds: number; events: number } {
  const files = readdirSync(feedDir).filter((f) => f.endsWith('.ics'));
  let events = 0;
  for (const f of files) events += readFileSync(join(feedDir, f), 'utf8').split('BEGIN:VEVENT').length - 1;
  return { feeds: files.length, events };
}

const mb = (file: string) => Math.round(statSync(file).size / 1048576);

/** `once` on a new database and feed folder: its figure and what it wrote. */
export async function firstOnce(company: string, work: string, o: { nodeArgs?: readonly string[]; timeoutMs?: number } = {}): Promise<{ measured: Measured; db: string; feeds: string; events: number; feedCount: number }> {
  const db = join(work, 'once.sqlite');
  const feeds = join(work, 'feeds');
  const measured = await touchbase(['once', '--config', company, '--db', db, '--now', NOW], { what: 'once (first sync)', env: { TOUCHBASE_FEEDS_DIR: feeds }, ...o });
  const { feeds: feedCount, events } = feedEvents(feeds);
  return { measured, db, feeds, events, feedCount };
}

export interface CommandsResult {
  readonly nodeStartS: number;
  readonly parseS: number;
  /** Rendering one VEVENT by the template, seconds (the ics floor over its events). */
  readonly icsPerEventS: number;
  readonly onceFirst: Measured;
  readonly onceEvents: number;
}

export async function commandsBench(company: string, clients: number, figures: Figure[]): Promise<CommandsResult> {
  const work = tempDir('commands');
  const scratch = () => tempDir('scratch');
  const config = ['--config', company];

  // Node's own start (with the same preload as every measured process): the floor of any command.
  const nodeStart = await medianOf(5, () => measureNode(['-e', '0'], { what: 'node -e 0' }));
  figures.push({ measure: '`node -e 0` (floor of every command)', ...nodeStart, note: `median of 5` });

  const help = await medianOf(5, () => touchbase(['--help'], { what: 'touchbase --help' }));
  figures.push({ measure: '`touchbase --help`', ...help, target: '≤ 0.3 s', ok: within(help, { wallS: 0.3 }), floorS: nodeStart.wallS, note: 'median of 5' });

  const parse = await floor<{ ms: number; records: number }>('parse', company);
  const parseS = nodeStart.wallS + parse.ms / 1000;
  const validate = await medianOf(3, () => touchbase(['validate', ...config], { what: 'touchbase validate' }));
  figures.push({
    measure: `\`validate\`, ${clients.toLocaleString('en')} clients`, ...validate, target: '≤ 2 s, ≤ 250 MB', ok: within(validate, { wallS: 2, peakMb: 250 }),
    floorS: parseS, note: `median of 3; floor: node + YAML/CSV parsed (${parse.records.toLocaleString('en')} records)`,
  });

  // plan: 12 months, saved, JSON to a file; then the same again on the same database.
  const planDb = join(work, 'plan.sqlite');
  const planArgs = ['plan', ...config, '--db', planDb, '--from', YEAR.from, '--to', YEAR.to, '--format', 'json', '--now', NOW];
  const planJson = join(work, 'plan.json');
  const plan = await touchbase(planArgs, { what: 'touchbase plan (new database)', stdoutFile: planJson });
  const inserted = await floor<{ ms: number; rows: number; bytes: number }>('insert', planDb, scratch());
  const floorJson = join(scratch(), 'plan.json');
  const json = await floor<{ ms: number; items: number; bytes: number; sameBytes: boolean }>('json', planJson, floorJson);
  rmSync(floorJson, { force: true });
  figures.push({
    measure: '`plan` 12 months, save + JSON to a file, new database', ...plan, target: '≤ 10 s, ≤ 500 MB', ok: within(plan, { wallS: 10, peakMb: 500 }),
    floorS: parseS + inserted.ms / 1000 + json.ms / 1000,
    note: `${json.items.toLocaleString('en')} touches, JSON ${mb(planJson)} MB, database ${mb(planDb)} MB; floor: node + parse + ${inserted.rows.toLocaleString('en')} rows inserted `
      + `(${(inserted.ms / 1000).toFixed(1)} s) + JSON streamed (${(json.ms / 1000).toFixed(1)} s${json.sameBytes ? ', same bytes' : ', NOT the same bytes'})`,
  });
  const again = join(work, 'plan-again.json');
  const planAgain = await touchbase(planArgs, { what: 'touchbase plan (nothing changed)', stdoutFile: again });
  const read = await floor<{ ms: number; rows: number }>('read', planDb);
  const same = statSync(again).size === statSync(planJson).size;
  rmSync(again, { force: true });
  rmSync(planJson, { force: true });
  figures.push({
    measure: '`plan`, the same again, nothing changed', ...planAgain, target: '≤ 6 s', ok: within(planAgain, { wallS: 6 }),
    floorS: parseS + read.ms / 1000 + json.ms / 1000,
    note: `output ${same ? 'the same size' : 'NOT the same size'}; floor: node + parse + the rows read (${(read.ms / 1000).toFixed(1)} s) + JSON streamed`,
  });

  // once: the first sync into the iCalendar feeds (90-day horizon), then again with nothing changed.
  const first = await firstOnce(company, work);
  const onceRows = await floor<{ ms: number; rows: number }>('insert', first.db, scratch());
  const icsOut = scratch();
  const ics = await floor<{ ms: number; events: number; feeds: number }>('ics', first.feeds, icsOut);
  rmSync(icsOut, { recursive: true, force: true });
  figures.push({
    measure: '`once` first sync into feeds, 90-day horizon', ...first.measured, target: '≤ 30 s, ≤ 700 MB', ok: within(first.measured, { wallS: 30, peakMb: 700 }),
    floorS: parseS + onceRows.ms / 1000 + ics.ms / 1000,
    note: `${first.events.toLocaleString('en')} events in ${first.feedCount} feeds, database ${mb(first.db)} MB; floor: node + parse + ${onceRows.rows.toLocaleString('en')} rows inserted `
      + `(${(onceRows.ms / 1000).toFixed(1)} s) + VEVENTs by template (${(ics.ms / 1000).toFixed(1)} s)`,
  });
  const onceAgain = await touchbase(['once', ...config, '--db', first.db, '--now', NOW], { what: 'once (nothing changed)', env: { TOUCHBASE_FEEDS_DIR: first.feeds } });
  const onceRead = await floor<{ ms: number; rows: number }>('read', first.db);
  figures.push({
    measure: '`once`, nothing changed', ...onceAgain, target: '≤ 5 s', ok: within(onceAgain, { wallS: 5 }),
    floorS: parseS + onceRead.ms / 1000, note: `floor: node + parse + the rows read (${(onceRead.ms / 1000).toFixed(1)} s)`,
  });

  const status = await medianOf(5, () => touchbase(['status', ...config, '--db', first.db], { what: 'touchbase status' }));
  figures.push({ measure: '`status`', ...status, target: '≤ 0.5 s', ok: within(status, { wallS: 0.5 }), floorS: nodeStart.wallS, note: 'median of 5, on the database of `once`' });

  rmSync(work, { recursive: true, force: true });
  return { nodeStartS: nodeStart.wallS, parseS, icsPerEventS: ics.events ? ics.ms / 1000 / ics.events : 0, onceFirst: first.measured, onceEvents: first.events };
}
