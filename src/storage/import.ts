import { counted } from '../domain/english-count.ts';
import { createHash, type Hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { DatabaseProblemError } from './database-errors.ts';
import { migrate, migrateTo, MIGRATION_NAMES, openDatabase, type DB } from './database.ts';
import { pagesOf } from './export.ts';
import {
  dialectTraits, EXPORT_FORMAT, EXPORT_VERSION, EXPORTED_TABLES, fileValueProblem, SKIPPED_TABLES, toFileValue,
  type ExportColumn, type ExportTable,
} from './export-format.ts';
import type { Database } from './schema.ts';
import { dialectOf } from './dialect.ts';
import { isPostgresLocation, redactLocation } from './location.ts';

/** A line of the file that is not what an export holds: names the file and the line. Nothing was imported. */
export class ExportFileError extends Error {
  constructor(readonly source: string, readonly line: number, detail: string) {
    super(`${source}:${line}: ${detail}; nothing was imported`);
  }
}

/** The target database already holds data: import writes into an empty one only. */
export class ImportTargetError extends Error {}

export interface ImportOptions {
  /** The file's name in messages ("standard input" for -). */
  readonly source: string;
  /** The database's name in messages. */
  readonly target: string;
}

export interface ImportSummary {
  /** The schema the file was written at (older ones are upgraded on the way in). */
  readonly schema: string;
  readonly upgraded: boolean;
  readonly counts: Readonly<Record<string, number>>;
  readonly secrets: 'included' | 'omitted';
}

/** A line longer than this is not an export's (a row is kilobytes): refused rather than held in memory. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Query parameters per insert: well under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 8000;

interface Line {
  readonly number: number;
  readonly bytes: Buffer;
  /** False for a last line without its newline. */
  readonly terminated: boolean;
}

/**
 * Reads an export into an empty, migrated database, in one transaction: a bad line, a
 * truncated or altered file (the counts and checksum of the last line) or a crash leaves the
 * database as it was. Reads line by line and inserts in batches, so memory stays flat. A file
 * written at an older schema is read into a scratch SQLite database at that schema, upgraded by
 * the migrations, and copied from there; a newer one is refused.
 *
 * @example await importDatabase(db, createReadStream('backup.ndjson'), { source: 'backup.ndjson', target: 'db/new.sqlite' })
 */
export async function importDatabase(db: DB, input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, options: ImportOptions): Promise<ImportSummary> {
  const fail = (line: number, detail: string) => new ExportFileError(options.source, line, detail);
  await assertEmpty(db, options.target);
  const lines = linesOf(input, fail)[Symbol.asyncIterator]();
  try {
    return await importLines(db, lines, options, fail);
  } finally {
    // Stops reading (and closes the input) whatever happened.
    await lines.return(undefined);
  }
}

async function importLines(db: DB, lines: AsyncGenerator<Line>, options: ImportOptions, fail: (line: number, detail: string) => ExportFileError): Promise<ImportSummary> {
  const first = await lines.next();
  if (first.done) throw fail(1, `the file is empty; expected a touchbase export, whose first line is {"format":"${EXPORT_FORMAT}",…}`);
  const hash = createHash('sha256');
  const header = parseHeader(first.value, fail);
  hash.update(first.value.bytes).update('\n');
  const rest = { [Symbol.asyncIterator]: () => lines };
  if (header.schema === MIGRATION_NAMES.at(-1)) {
    const counts = await db.transaction().execute(async (trx) => {
      await assertEmpty(trx, options.target);
      const loaded = await loadRows(trx, rest, EXPORTED_TABLES, hash, fail);
      await continueIdentities(trx);
      return loaded;
    });
    return { schema: header.schema, upgraded: false, counts, secrets: header.secrets };
  }
  const counts = await importUpgraded(db, header.schema, async (scratch) => {
    const layout = await layoutOf(scratch);
    await scratch.transaction().execute((trx) => loadRows(trx, rest, layout, hash, fail));
  }, options.target);
  return { schema: header.schema, upgraded: true, counts, secrets: header.secrets };
}

/**
 * The upgrade path: `load` fills a scratch database at `schema`, the migrations bring it to
 * this version's, and its rows are copied into `db` in one transaction. The scratch file is
 * private (a folder of its own, 0700) and removed whatever happens.
 */
async function importUpgraded(db: DB, schema: string, load: (scratch: DB) => Promise<void>, target: string): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'touchbase-import-'));
  try {
    const scratch = openDatabase(join(dir, 'upgrade.sqlite'));
    try {
      await migrateTo(scratch, schema);
      await load(scratch);
      await migrate(scratch, 'the upgraded copy of the import');
      return await db.transaction().execute(async (trx) => {
        await assertEmpty(trx, target);
        const copied = await copyRows(scratch, trx);
        await continueIdentities(trx);
        return copied;
      });
    } finally {
      await scratch.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Header {
  readonly schema: string;
  readonly secrets: 'included' | 'omitted';
}

function parseHeader(line: Line, fail: (line: number, detail: string) => ExportFileError): Header {
  const expected = `expected a touchbase export, whose first line is {"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},"schema":…}`;
  let value: unknown;
  try {
    value = parseJson(line, fail);
  } catch {
    throw fail(1, `not a touchbase export (${expected})`);
  }
  if (!isObject(value) || value.format !== EXPORT_FORMAT) throw fail(1, `not a touchbase export (${expected})`);
  const unknown = Object.keys(value).filter((k) => !['format', 'version', 'schema', 'exported_at', 'secrets'].includes(k));
  if (unknown.length) throw fail(1, `unknown header field ${JSON.stringify(unknown[0])} (expected format, version, schema, exported_at, secrets)`);
  if (value.version !== EXPORT_VERSION) {
    const newer = typeof value.version === 'number' && value.version > EXPORT_VERSION;
    throw fail(1, `export format version ${JSON.stringify(value.version)}: this touchbase reads version ${EXPORT_VERSION}${newer ? ' (the file was written by a newer touchbase: upgrade touchbase to import it)' : ''}`);
  }
  if (typeof value.exported_at !== 'string') throw fail(1, 'exported_at: expected the instant of the export as an ISO string');
  if (value.secrets !== 'included' && value.secrets !== 'omitted') throw fail(1, `secrets: expected "included" or "omitted", found ${JSON.stringify(value.secrets)}`);
  const schema = value.schema;
  if (typeof schema !== 'string') throw fail(1, 'schema: expected the name of a migration, like "0008_dashboard"');
  if (!MIGRATION_NAMES.includes(schema)) {
    throw fail(1, `the file was written at schema ${JSON.stringify(schema)}, which this version of touchbase does not know (its newest is ${MIGRATION_NAMES.at(-1)}): `
      + 'upgrade touchbase to the version that wrote it, then import');
  }
  return { schema, secrets: value.secrets };
}

/**
 * Checks and inserts the rows after the header, up to and including the last line (the
 * counts and checksum, checked before the caller's transaction commits). Returns the counts.
 */
async function loadRows(trx: Kysely<Database>, lines: AsyncIterable<Line>, layout: readonly ExportTable[], hash: Hash,
  fail: (line: number, detail: string) => ExportFileError): Promise<Record<string, number>> {
  const traits = dialectTraits(trx);
  const tables = new Map(layout.map((t, i) => [t.name, { t, index: i, columns: new Map(t.columns.map((c) => [c.name, c])) }]));
  const counts: Record<string, number> = Object.fromEntries(layout.map((t) => [t.name, 0]));
  let current = -1;
  let previous: { key: unknown[]; line: number } | undefined;
  let batch: Batch | undefined;
  let lastLine = 1;
  for await (const line of lines) {
    lastLine = line.number;
    const value = parseJson(line, fail);
    if (isObject(value) && 'sha256' in value) {
      if (batch) await insertBatch(trx, batch, fail);
      checkLastLine(value, line, counts, hash.digest('hex'), fail);
      const extra = await lines[Symbol.asyncIterator]().next();
      if (!extra.done) throw fail(extra.value.number, 'data after the last line (the row counts and checksum)');
      return counts;
    }
    if (!line.terminated) throw fail(line.number, 'the line is cut off: the file is truncated');
    if (!isObject(value) || typeof value.table !== 'string' || !isObject(value.row) || Object.keys(value).length !== 2) {
      throw fail(line.number, 'expected a row, {"table":…,"row":{…}}, or the last line, {"counts":{…},"sha256":…}');
    }
    const entry = tables.get(value.table);
    if (!entry) throw fail(line.number, `unknown table ${JSON.stringify(value.table)} (expected one of ${layout.map((t) => t.name).join(', ')})`);
    if (entry.index < current) {
      throw fail(line.number, `a row of ${entry.t.name} after rows of ${layout[current]!.name}: an export lists its tables in the order ${layout.map((t) => t.name).join(', ')}`);
    }
    if (entry.index !== current) previous = undefined;
    current = entry.index;
    const row = value.row;
    const params: Record<string, unknown> = {};
    for (const name of Object.keys(row)) {
      if (!entry.columns.has(name)) throw fail(line.number, `${entry.t.name} has no column ${JSON.stringify(name)} (its columns: ${entry.t.columns.map((c) => c.name).join(', ')})`);
    }
    for (const c of entry.t.columns) {
      if (!(c.name in row)) throw fail(line.number, `${entry.t.name}.${c.name} is missing (a row names every column, null when empty)`);
      const problem = fileValueProblem(c, row[c.name]);
      if (problem) throw fail(line.number, `${entry.t.name}.${c.name}: ${problem}, found ${JSON.stringify(row[c.name])}`);
      params[c.name] = traits.parameter(c, row[c.name] as string | number | boolean | null);
    }
    const key = entry.t.key.map((k) => row[k]);
    if (previous && compareKeys(key, previous.key) <= 0) {
      throw fail(line.number, `the ${entry.t.name} row with key ${JSON.stringify(key)} ${compareKeys(key, previous.key) === 0 ? 'repeats' : 'comes before'} `
        + `the key of line ${previous.line}: an export lists each table's rows once, in key order`);
    }
    previous = { key, line: line.number };
    hash.update(line.bytes).update('\n');
    counts[entry.t.name]!++;
    if (batch && batch.table !== entry.t.name) {
      await insertBatch(trx, batch, fail);
      batch = undefined;
    }
    batch ??= { table: entry.t.name, rows: [], firstLine: line.number, lastLine: line.number, size: Math.max(1, Math.floor(MAX_PARAMETERS / entry.t.columns.length)) };
    batch.rows.push(params);
    batch.lastLine = line.number;
    if (batch.rows.length >= batch.size) {
      await insertBatch(trx, batch, fail);
      batch = undefined;
    }
  }
  throw fail(lastLine, 'the file ends without its last line (the row counts and checksum): it is truncated');
}

function checkLastLine(value: Record<string, unknown>, line: Line, counts: Record<string, number>, digest: string,
  fail: (line: number, detail: string) => ExportFileError): void {
  const { counts: stated, sha256 } = value;
  if (!isObject(stated) || typeof sha256 !== 'string' || Object.keys(value).length !== 2) {
    throw fail(line.number, 'expected the last line, {"counts":{"touches":…,…},"sha256":"…"}');
  }
  for (const name of Object.keys(stated)) {
    if (!(name in counts)) throw fail(line.number, `counts: unknown table ${JSON.stringify(name)} (expected ${Object.keys(counts).join(', ')})`);
  }
  for (const [name, n] of Object.entries(counts)) {
    if (stated[name] !== n) throw fail(line.number, `counts: ${name} has ${counted(n, 'row')} in the file, the last line says ${JSON.stringify(stated[name] ?? null)}: rows are missing or were added`);
  }
  if (sha256 !== digest) throw fail(line.number, `the checksum does not match (the last line says ${sha256}, the file's is ${digest}): the file was changed after it was written`);
}

interface Batch {
  readonly table: string;
  readonly rows: Record<string, unknown>[];
  readonly firstLine: number;
  lastLine: number;
  readonly size: number;
}

async function insertBatch(trx: Kysely<Database>, batch: Batch, fail: (line: number, detail: string) => ExportFileError): Promise<void> {
  try {
    // Table and column names come from the layout (checked above), never from the file as they are.
    await (trx as unknown as Kysely<Record<string, Record<string, unknown>>>).insertInto(batch.table).values(batch.rows).execute();
  } catch (error) {
    if (error instanceof DatabaseProblemError) throw error;
    const lines = batch.firstLine === batch.lastLine ? `line ${batch.firstLine}` : `lines ${batch.firstLine}-${batch.lastLine}`;
    throw fail(batch.firstLine, `the ${batch.table} rows of ${lines} do not fit the database (${(error as Error).message})`);
  }
}

/** Every exported table of the scratch database, copied into the target (a page at a time). */
async function copyRows(scratch: DB, trx: Kysely<Database>): Promise<Record<string, number>> {
  const from = dialectTraits(scratch);
  const to = dialectTraits(trx);
  const counts: Record<string, number> = {};
  for (const t of EXPORTED_TABLES) {
    counts[t.name] = 0;
    for await (const page of pagesOf(scratch, t, from)) {
      const rows = page.map((row) => Object.fromEntries(t.columns.map((c) => [c.name, to.parameter(c, toFileValue(c, row[c.name], t.name))])));
      const size = Math.max(1, Math.floor(MAX_PARAMETERS / t.columns.length));
      for (let i = 0; i < rows.length; i += size) {
        await (trx as unknown as Kysely<Record<string, Record<string, unknown>>>).insertInto(t.name).values(rows.slice(i, i + size)).execute();
      }
      counts[t.name]! += rows.length;
    }
  }
  return counts;
}

/**
 * The exported tables as a database at some schema has them (its own catalogue): the columns
 * it has, their kind from EXPORTED_TABLES where the column is known there, else from its type.
 */
export async function layoutOf(db: DB): Promise<ExportTable[]> {
  const present = new Map((await db.introspection.getTables()).map((t) => [t.name, t]));
  const layout: ExportTable[] = [];
  for (const t of EXPORTED_TABLES) {
    const found = present.get(t.name);
    if (!found) continue;
    const columns: ExportColumn[] = found.columns.map((c) => {
      const known = t.columns.find((k) => k.name === c.name);
      return { name: c.name, kind: known?.kind ?? (/int/i.test(c.dataType) ? 'integer' : 'text'), nullable: c.isNullable, ...(known?.format ? { format: known.format } : {}) };
    });
    layout.push({ name: t.name, key: t.key, columns });
  }
  return layout;
}

/**
 * PostgreSQL: touch_events.seq is an identity, and the imported lines brought their own
 * numbers; its sequence goes on after the highest (SQLite's autoincrement does so by itself).
 */
async function continueIdentities(trx: Kysely<Database>): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  await sql`select setval(pg_get_serial_sequence('touch_events', 'seq'), coalesce((select max(seq) from touch_events), 0) + 1, false)`.execute(trx);
}

/** Throws an ImportTargetError naming the first table that has a row (exported or not: any row means the database was used). */
async function assertEmpty(db: Kysely<Database>, target: string): Promise<void> {
  const any = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (const name of [...EXPORTED_TABLES.map((t) => t.name), ...Object.keys(SKIPPED_TABLES)]) {
    const row = await any.selectFrom(name).select(sql<number>`1`.as('one')).limit(1).executeTakeFirst();
    if (row) {
      throw new ImportTargetError(`${redactLocation(target)} already holds data (table ${name} has rows): import writes into an empty database only. `
        + (isPostgresLocation(target) ? 'Give it a new, empty PostgreSQL database (createdb); nothing was imported.'
          : 'Give --db a new file (it is created), or move this one aside; nothing was imported.'));
    }
  }
}

/** Compares keys as the export sorts them: numbers by value, text by its UTF-8 bytes. */
function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const c = typeof x === 'number' && typeof y === 'number' ? Math.sign(x - y) : Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
    if (c !== 0) return c;
  }
  return 0;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(line: Line, fail: (line: number, detail: string) => ExportFileError): unknown {
  let text: string;
  try {
    text = UTF8.decode(line.bytes);
  } catch {
    // A file cut inside a letter of two bytes (Cyrillic, ș) ends in half of it: cut off, not another encoding (QA).
    throw fail(line.number, line.terminated ? 'the line is not UTF-8 text' : 'the line is cut off: the file is truncated');
  }
  if (text === '') throw fail(line.number, line.terminated ? 'an empty line (expected a row or the last line)' : 'the file ends without its last line: it is truncated');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(line.number, line.terminated ? `not a JSON line (${(error as Error).message})` : 'the line is cut off: the file is truncated');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The input split at each newline, as bytes (the checksum is over the bytes as written), numbered from 1. */
async function* linesOf(input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, fail: (line: number, detail: string) => ExportFileError): AsyncGenerator<Line> {
  let number = 0;
  let carry: Buffer[] = [];
  let carried = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let end = buf.indexOf(10, start); end !== -1; end = buf.indexOf(10, start)) {
      const part = buf.subarray(start, end);
      yield { number: ++number, bytes: carried ? Buffer.concat([...carry, part]) : part, terminated: true };
      carry = [];
      carried = 0;
      start = end + 1;
    }
    if (start < buf.length) {
      carry.push(buf.subarray(start));
      carried += buf.length - start;
      if (carried > MAX_LINE_BYTES) throw fail(number + 1, `the line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB: not a line of an export`);
    }
  }
  if (carried) yield { number: number + 1, bytes: Buffer.concat(carry), terminated: false };
}
