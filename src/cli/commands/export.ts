import { counted } from '../../domain/english-count.ts';
import { closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import type { DB } from '../../storage/database.ts';
import { exportDatabase, type ExportOptions, type ExportSummary } from '../../storage/export.ts';
import { SKIPPED_TABLES } from '../../storage/export-format.ts';
import { importDatabase } from '../../storage/import.ts';
import { BadInputError, CommandFailedError } from '../cli-error.ts';
import { refusalOf, refusalWords, remedyFor } from '../../file-system-refusal.ts';
import { describe } from '../command-table.ts';
import { clockFrom, dbFile, withDatabase, type GlobalOptions } from '../context.ts';
import { isPostgresLocation, redactLocation } from '../../storage/location.ts';
import type { CliIO } from '../io.ts';
import { counts, givenConfigTranslator } from '../cli-language.ts';

interface ExportCommandOptions extends GlobalOptions {
  out: string;
  includeSecrets: boolean;
  now?: string;
}

const EXPORT_HELP = `
The file is newline-delimited JSON: a header line (format, version, schema, exported_at), one
line per row of every table that holds the company's data (touches and their history,
calendar sync state, feed events, business events, used one-click links, the jobs' watermarks,
dashboard sign-ins and language choices), tables in the order import inserts them and rows in
key order (the same data gives the same file), and a last line with the row count per table and
the SHA-256 of everything before it. Left out, because they are recomputed: ${Object.keys(SKIPPED_TABLES).join(', ')}.
It is read in one transaction: the daemon may keep running.

Secrets: the link and feed secrets (kept in the database when TOUCHBASE_LINK_SECRET and
TOUCHBASE_FEED_SECRET are not set) are left out unless --include-secrets. The file is always
created 0600 (its owner alone may read it: it holds every client's history). Without them, the database an import makes has new
ones: every feed address changes and every event's one-click links are rewritten — unless the
two variables carry the old values. The dashboard's session key is never exported.

Examples:
  touchbase export --out backup-2027-01-15.ndjson
  touchbase export --include-secrets --out /var/backups/touchbase.ndjson
  touchbase export | gzip > backup.ndjson.gz
`;

const IMPORT_HELP = `
Imports an export (touchbase export) into an empty database: --db names it (a new file is
created). A database that holds data is refused, naming the table. Every line is checked (its
table, its columns, their values) and then the row counts and checksum of the last line; all in
one transaction, so a truncated or altered file leaves the database as it was. A file written by
an older touchbase is upgraded on the way in; one written by a newer touchbase is refused.

Examples:
  touchbase import backup-2027-01-15.ndjson --db /var/lib/touchbase/touchbase.sqlite
  gunzip -c backup.ndjson.gz | touchbase import - --db db/restored.sqlite
`;

export function exportCommand(program: Command, io: CliIO): void {
  program
    .command('export')
    .description(describe('export'))
    .option('--out <file>', 'a file (written beside it and renamed when complete), or - for standard output', '-')
    .option('--include-secrets', 'also write the link and feed secrets (the file is created 0600 either way, readable by its owner alone)', false)
    .option('--now <instant>', 'the instant written as exported_at (default: now)')
    .addHelpText('after', EXPORT_HELP)
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<ExportCommandOptions>();
      const options: ExportOptions = { now: clockFrom(o.now).now(), includeSecrets: o.includeSecrets };
      const target = o.out === '-' ? undefined : exportTarget(resolve(o.out));
      if (target) {
        const folder = dirname(target);
        if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BadInputError(`--out: the folder ${folder} does not exist`);
      }
      const summary = await withDatabase(o, (db) => (target ? exportToFile(db, target, options) : exportToOutput(db, io, options)), { readOnly: true });
      // To a file, its line is on standard output, in the company's language when given its
      // configuration; beside the export on standard output, it is a note on standard error (English).
      if (target) {
        const tr = givenConfigTranslator(o);
        io.out(`${tr.t('cli.export.done', {
          rows: tr.t('cli.export.rows', counts(total(summary.counts))), tables: tablesText(summary.counts),
          to: tr.t('cli.export.to', { target, secrets: summary.secretsWritten.length ? tr.t('cli.export.secrets') : '' }),
        })}\n`);
      } else io.err(`exported ${rowsText(summary.counts)}\n`);
      if (summary.secretsLeftOut.length) {
        io.err(`secrets left out: ${summary.secretsLeftOut.join(', ')} (--include-secrets writes them; see touchbase export --help)\n`);
      }
      // Secrets given in the environment are never stored, so there is nothing to write: the
      // backup is restored with the same variables, or its links and feed addresses change.
      if (o.includeSecrets && summary.secretsWritten.length === 0) {
        io.err('--include-secrets: the database holds no link or feed secret (they come from TOUCHBASE_LINK_SECRET / TOUCHBASE_FEED_SECRET): keep those values with this backup\n');
      }
    });
}

export function importCommand(program: Command, io: CliIO): void {
  program
    .command('import')
    .description(describe('import'))
    .argument('<file>', 'an export (touchbase export), or - for standard input')
    .addHelpText('after', IMPORT_HELP)
    .action(async (file: string, _o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      if (file !== '-' && (!existsSync(file) || !statSync(file).isFile())) throw new BadInputError(`${file}: no such file (expected an export written by touchbase export)`);
      const target = dbFile(o);
      // A PostgreSQL database exists before touchbase (it never creates one).
      const existed = target === ':memory:' || isPostgresLocation(target) || existsSync(target);
      const input = file === '-' ? process.stdin : chunksOf(file);
      const source = file === '-' ? 'standard input' : file;
      let summary;
      try {
        summary = await withDatabase(o, (db) => importDatabase(db, input, { source, target }));
      } catch (error) {
        // A database this import created holds nothing: it goes, so a failed import leaves no file behind.
        if (!existed) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(target + suffix, { force: true });
        throw error;
      }
      io.out(`imported ${rowsText(summary.counts)} into ${redactLocation(target)}${summary.upgraded ? ` (written at schema ${summary.schema}, upgraded)` : ''}\n`);
      // (Both given in the environment, the links and addresses are theirs: nothing to say.)
      if (summary.secrets === 'omitted' && !(process.env.TOUCHBASE_LINK_SECRET && process.env.TOUCHBASE_FEED_SECRET)) {
        io.err('the file has no link or feed secrets: new ones are made on first use (feed addresses change, one-click links are rewritten) '
          + 'unless TOUCHBASE_LINK_SECRET and TOUCHBASE_FEED_SECRET carry the old values\n');
      }
    });
}

/**
 * The file an export replaces. A symbolic link (latest.ndjson → /mnt/backup/…) is followed: the
 * file it names is written, not the link replaced by a local file. Anything else that is not a
 * regular file (a FIFO, a device such as /dev/full) is refused: renamed over, it was replaced by
 * a file and the export "succeeded" without reaching it.
 */
function exportTarget(path: string): string {
  let target = path;
  for (let hops = 0; hops < 40; hops++) {
    let stat;
    try {
      stat = lstatSync(target);
    } catch {
      return target; // not there yet: made
    }
    if (stat.isFile()) return target;
    if (!stat.isSymbolicLink()) {
      throw new BadInputError(`--out: ${path}${target === path ? '' : ` (${target})`} is not a regular file (a FIFO, a device or a folder): give a file, or "--out -" to write to standard output and redirect that`);
    }
    target = resolve(dirname(target), readlinkSync(target));
  }
  throw new BadInputError(`--out: ${path} is a chain of symbolic links with no end (a loop?)`);
}

/** Written to a file beside the target, flushed to disk and renamed: the target is the whole export or what it was before. */
async function exportToFile(db: DB, target: string, options: ExportOptions): Promise<ExportSummary> {
  const partial = `${target}.partial-${process.pid}`;
  removeAbandonedPartials(target);
  // Owner-only whatever the umask: the file holds every client's history (and, asked, the secrets).
  let fd: number;
  try {
    fd = openSync(partial, 'wx', 0o600);
  } catch (error) {
    throw outputRefused(error, target);
  }
  let open = true;
  try {
    const stream = createWriteStream('', { fd, autoClose: false });
    const summary = await exportDatabase(db, stream, options);
    stream.end();
    await finished(stream);
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(partial, target);
    return summary;
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(partial, { force: true });
    throw outputRefused(error, target);
  }
}

/**
 * The file system's refusal of the export's file, said of the file asked for and its folder, with
 * what to do (it was Node's bare "ENOSPC: no space left on device, write", or an EACCES naming the
 * hidden .partial file — QA); any other error as it is.
 */
function outputRefused(error: unknown, target: string): unknown {
  const { code, syscall } = error as NodeJS.ErrnoException;
  const folder = dirname(target);
  if (syscall === undefined) return error;
  const words = code === 'ENOENT' ? 'does not exist' : refusalWords(code);
  if (!words) return error;
  const fix = code === 'ENOENT' ? 'create it, or give --out a file in another folder' : `${remedyFor(code)}, or give --out a file in another folder`;
  const subject = refusalOf(code) === 'too-large' ? 'it' : `its folder ${folder}`;
  return new CommandFailedError(`cannot write ${target}: ${subject} ${words}; ${fix}. Nothing was written there (a file there before is as it was)`);
}

/**
 * Partial files of exports to the same target whose process is gone (killed before it could
 * remove its own): each holds part of every client's history, and nothing else removes them.
 */
function removeAbandonedPartials(target: string): void {
  const prefix = `${basename(target)}.partial-`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(dirname(target), name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: there, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Standard output (or the test's buffer), taken at the pace the reader takes it. */
async function exportToOutput(db: DB, io: CliIO, options: ExportOptions): Promise<ExportSummary> {
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      io.out(chunk.toString('utf8'));
      if (io.drain) io.drain().then(() => callback(), callback);
      else callback();
    },
  });
  const summary = await exportDatabase(db, out, options);
  out.end();
  await finished(out);
  return summary;
}

function rowsText(counts: Readonly<Record<string, number>>): string {
  return `${counted(total(counts), 'row')}${tablesText(counts)}`;
}

function total(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The rows per table, as " (touches 12, touch_events 30)": the tables named as in the file. */
function tablesText(counts: Readonly<Record<string, number>>): string {
  const tables = Object.entries(counts).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`);
  return tables.length ? ` (${tables.join(', ')})` : '';
}

/** The file's bytes, opened when import starts reading (after the database was found empty) and closed when it stops. */
async function* chunksOf(file: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(file);
  try {
    yield* stream;
  } finally {
    stream.destroy();
  }
}
