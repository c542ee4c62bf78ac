/**
 * The machine's floors, each in a process of its own (`node --import tsx test/bench/floors.ts
 * <task> …`), on the very data a real command just produced: what the same work costs done
 * plainly. Each prints {"ms": …, …} on standard output; only the work is timed, not loading
 * the input it is given.
 *
 *   parse  <config dir>            read every YAML and CSV file of the folder and parse them (yaml, csv-parse)
 *   insert <db> <scratch dir>      the same rows into tables of the same shape (same columns and
 *                                  indexes), one plain prepared statement per table, one transaction
 *   read   <db>                    read every row of those tables back
 *   json   <plan.json> <out file>  the same JSON array, stringified element by element and written in slices
 *   ics    <feed dir> <out dir>    the same VEVENTs (taken from the feeds), rendered by a string
 *                                  template with escaping and folding, written in slices, a file per feed
 */
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse as parseYaml } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';

/** Writes text in slices of about 1 MB, as a streaming writer would. */
class SliceWriter {
  readonly #fd: number;
  // Each piece encoded into the slice as it comes: joining a slice's pieces first made one long
  // string, two-byte where a title is Cyrillic, to flatten and encode (twice as slow; the
  // commands encode piece by piece too, src/domain/utf8-bytes.ts).
  readonly #slice = Buffer.allocUnsafe(2 << 20);
  #size = 0;
  bytes = 0;

  constructor(file: string) {
    this.#fd = openSync(file, 'w');
  }

  write(s: string): void {
    if (this.#size + s.length * 3 > this.#slice.length) {
      this.flush();
      if (s.length * 3 > this.#slice.length) {
        this.bytes += writeSync(this.#fd, s);
        return;
      }
    }
    this.#size += this.#slice.write(s, this.#size);
    if (this.#size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (!this.#size) return;
    this.bytes += writeSync(this.#fd, this.#slice, 0, this.#size);
    this.#size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

function parseFloor(dir: string) {
  const t = performance.now();
  let records = 0;
  for (const file of files(dir)) {
    if (/\.ya?ml$/.test(file)) {
      parseYaml(readFileSync(file, 'utf8'));
      records++;
    } else if (file.endsWith('.csv')) {
      records += (parseCsv(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as unknown[]).length;
    }
  }
  return { ms: performance.now() - t, records };
}

/** Tables holding rows, other than the migration and sequence bookkeeping. */
function dataTables(db: Database.Database): string[] {
  const names = db.prepare(`select name from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%'`).pluck().all() as string[];
  return names.filter((n) => db.prepare(`select exists(select 1 from "${n}")`).pluck().get() === 1);
}

function insertFloor(source: string, scratch: string) {
  const src = new Database(source, { readonly: true });
  const tables = dataTables(src).map((name) => ({
    name,
    ddl: src.prepare(`select sql from sqlite_master where tbl_name = ? and sql is not null order by type = 'index'`).pluck().all(name) as string[],
    columns: (src.prepare(`select name from pragma_table_info(?)`).pluck().all(name) as string[]),
    rows: src.prepare(`select * from "${name}"`).raw().all() as unknown[][],
  }));
  src.close();
  const db = new Database(join(scratch, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  for (const t of tables) for (const sql of t.ddl) db.exec(sql);
  const t0 = performance.now();
  db.transaction(() => {
    for (const t of tables) {
      const insert = db.prepare(`insert into "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) values (${t.columns.map(() => '?').join(', ')})`);
      for (const row of t.rows) insert.run(row);
    }
  })();
  const ms = performance.now() - t0;
  db.close();
  return { ms, rows: tables.reduce((n, t) => n + t.rows.length, 0), tables: Object.fromEntries(tables.map((t) => [t.name, t.rows.length])), bytes: statSync(join(scratch, 'floor.sqlite')).size };
}

function readFloor(source: string) {
  const db = new Database(source, { readonly: true });
  const tables = dataTables(db);
  const t0 = performance.now();
  let rows = 0;
  for (const name of tables) for (const _row of db.prepare(`select * from "${name}"`).raw().iterate()) rows++;
  const ms = performance.now() - t0;
  db.close();
  return { ms, rows };
}

function jsonFloor(input: string, output: string) {
  const text = readFileSync(input, 'utf8');
  const items = JSON.parse(text) as unknown[];
  const t0 = performance.now();
  const out = new SliceWriter(output);
  out.write('[\n');
  for (let i = 0; i < items.length; i++) out.write(`${i ? ',\n' : ''}  ${JSON.stringify(items[i])}`);
  out.write('\n]\n');
  out.close();
  const ms = performance.now() - t0;
  return { ms, items: items.length, bytes: out.bytes, sameBytes: readFileSync(output).equals(Buffer.from(text)) };
}

interface VEvent {
  uid: string; sequence: string; stamp: string; start: string; end: string; extra: string[];
  summary: string; description: string; status: string; alarms: string[];
}

const unescapeText = (s: string) => s.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
const escapeText = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

/**
 * Folds a content line as the feeds do (74 octets, then the leading space and 74 more: within RFC
 * 5545's 75) without splitting a UTF-8 character.
 */
function fold(line: string): string {
  const octets = Buffer.byteLength(line);
  if (octets <= 74) return `${line}\r\n`;
  let out = '';
  let from = 0;
  if (octets === line.length) {
    for (; from + 74 < line.length; from += 74) out += `${line.slice(from, from + 74)}\r\n `;
    return `${out}${line.slice(from)}\r\n`;
  }
  let width = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : 3;
    if (width + n > 74) {
      out += `${line.slice(from, i)}\r\n `;
      from = i;
      width = 0;
    }
    width += n;
    if (n === 4) i++;
  }
  return `${out}${line.slice(from)}\r\n`;
}

/** Each feed's calendar header (kept as it is) and its events' values, unescaped. */
function readFeeds(dir: string): { name: string; header: string; events: VEvent[] }[] {
  return readdirSync(dir).filter((f) => f.endsWith('.ics')).map((name) => {
    const text = readFileSync(join(dir, name), 'utf8').replace(/\r\n[ \t]/g, '');
    const first = text.indexOf('BEGIN:VEVENT');
    const header = first < 0 ? text.replace(/END:VCALENDAR\r\n$/, '') : text.slice(0, first);
    const events = text.split('BEGIN:VEVENT\r\n').slice(1).map((block) => {
      const e: VEvent = { uid: '', sequence: '0', stamp: '', start: '', end: '', extra: [], summary: '', description: '', status: '', alarms: [] };
      let inAlarm = false;
      for (const line of block.split('\r\n')) {
        if (line === 'BEGIN:VALARM') inAlarm = true;
        else if (line === 'END:VALARM') inAlarm = false;
        else if (inAlarm) {
          if (line.startsWith('TRIGGER:')) e.alarms.push(line.slice(8));
        } else if (line.startsWith('UID:')) e.uid = line.slice(4);
        else if (line.startsWith('SEQUENCE:')) e.sequence = line.slice(9);
        else if (line.startsWith('DTSTAMP:')) e.stamp = line.slice(8);
        else if (line.startsWith('DTSTART')) e.start = line.slice(7);
        else if (line.startsWith('DTEND')) e.end = line.slice(5);
        else if (line.startsWith('SUMMARY:')) e.summary = unescapeText(line.slice(8));
        else if (line.startsWith('DESCRIPTION:')) e.description = unescapeText(line.slice(12));
        else if (line.startsWith('STATUS:')) e.status = line.slice(7);
        else if (line.startsWith('X-')) e.extra.push(line);
      }
      return e;
    });
    return { name, header, events };
  });
}

function icsFloor(feedDir: string, outDir: string) {
  const feeds = readFeeds(feedDir);
  const t0 = performance.now();
  let events = 0;
  let bytes = 0;
  for (const feed of feeds) {
    const out = new SliceWriter(join(outDir, feed.name));
    out.write(feed.header);
    for (const e of feed.events) {
      const summary = escapeText(e.summary);
      let alarms = '';
      for (const trigger of e.alarms) alarms += `BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:${trigger}\r\n${fold(`DESCRIPTION:${summary}`)}END:VALARM\r\n`;
      out.write(`BEGIN:VEVENT\r\n${fold(`UID:${e.uid}`)}SEQUENCE:${e.sequence}\r\nDTSTAMP:${e.stamp}\r\n${fold(`DTSTART${e.start}`)}${fold(`DTEND${e.end}`)}${e.extra.map((x) => `${x}\r\n`).join('')}`
        + `${fold(`SUMMARY:${summary}`)}${fold(`DESCRIPTION:${escapeText(e.description)}`)}${alarms}STATUS:${e.status}\r\nCLASS:PRIVATE\r\nEND:VEVENT\r\n`);
      events++;
    }
    out.write('END:VCALENDAR\r\n');
    out.close();
    bytes += out.bytes;
  }
  return { ms: performance.now() - t0, events, feeds: feeds.length, bytes };
}

const [task, a, b] = process.argv.slice(2);
const result = task === 'parse' ? parseFloor(a!)
  : task === 'insert' ? insertFloor(a!, b!)
    : task === 'read' ? readFloor(a!)
      : task === 'json' ? jsonFloor(a!, b!)
        : task === 'ics' ? icsFloor(a!, b!)
          : undefined;
if (!result) throw new Error(`floors.ts: unknown task ${task ?? '(none)'}: parse, insert, read, json or ics`);
process.stdout.write(JSON.stringify(result));
