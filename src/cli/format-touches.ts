import { csvField } from '../domain/csv-field.ts';
import type { DateTime } from 'luxon';
import type { Config, Touch } from '../domain/types.ts';
import { listJson } from '../domain/list-json.ts';
import { Utf8Bytes } from '../domain/utf8-bytes.ts';
import { icsOfTouches } from '../calendar/ics/touches-to-ics.ts';
import type { EventLinks } from '../sync/desired-events.ts';
import type { CliIO } from './io.ts';
import type { TouchJson } from '../storage/touch-rows.ts';
import type { StoredState } from '../calendar/ics/touches-to-ics.ts';
import { tableLines } from './text-table.ts';
import { cliTranslator, counts } from './cli-language.ts';
import type { MessageKey, Translator } from '../i18n/translator.ts';

export type TouchFormat = 'table' | 'json' | 'csv' | 'ics';
export const TOUCH_FORMATS: readonly TouchFormat[] = ['table', 'json', 'csv', 'ics'];

/** The JSON shape of a touch, as the configuration format document specifies (and a little more). */
export function touchJson(t: Touch) {
  return {
    id: t.id, source: t.source, kind: t.kind, client: t.client, contacts: t.contacts, employee: t.employee,
    date: t.date, start: t.start, end: t.end, allDay: t.allDay, title: t.title, window: t.window,
    remind: t.remind, status: t.status, overdue: t.overdue,
  };
}

/**
 * touchJson(t) as JSON text, written field by field: the same text JSON.stringify makes (tested),
 * without an object per touch — a year of a large company is hundreds of thousands of them.
 * Ids, dates, instants and statuses never need escaping; names and titles go through JSON.stringify.
 */
export function jsonLine(t: Touch): string {
  return `{"id":"${t.id}","source":${JSON.stringify(t.source)},"kind":"${t.kind}","client":"${t.client}","contacts":${listJson(t.contacts)},`
    + `"employee":"${t.employee}","date":"${t.date}","start":"${t.start}","end":"${t.end}","allDay":${t.allDay},"title":${JSON.stringify(t.title)},`
    + `"window":{"from":"${t.window.from}","to":"${t.window.to}"},"remind":${listJson(t.remind)},"status":"${t.status}","overdue":${t.overdue}}`;
}

/** What the formats need besides the touches: names and addresses, and the links of calendar events. */
export interface OutputContext {
  readonly config: Config;
  readonly links?: EventLinks | undefined;
  /** The feeds' events and the touches' details as stored: an iCalendar export writes each event as its feed has it. */
  readonly stored?: StoredState | undefined;
  /** CSV for a spreadsheet in a comma-decimal locale (Russian, Romanian Excel): `;`, a BOM, CRLF. */
  readonly excel?: boolean;
}

/** Touches per chunk written: big enough to be cheap, small enough that memory stays flat. */
const CHUNK = 2000;

/**
 * Writes touches in a format as it goes, in chunks, waiting for the output to drain: a year
 * of a 10,000-client company is hundreds of megabytes of JSON that never exists as one string.
 * JSON and CSV take each touch as it comes (`touches` may be read from storage meanwhile); a
 * table and an iCalendar file, which group and size their rows, take them all first.
 */
export async function writeTouches(touches: Iterable<Touch>, format: TouchFormat, now: DateTime, io: CliIO, context: OutputContext): Promise<void> {
  switch (format) {
    case 'json':
      return writeJson(touches, io);
    case 'csv': {
      const csv = csvWriter(context);
      return writeInChunks(io, (function* () {
        yield csv.header();
        for (const t of touches) yield csv.row(t);
      })());
    }
    case 'ics':
      // Already in chunks of its own (a fixed number of events each): written as they come.
      for (const chunk of icsOfTouches([...touches], context.config, context.links, now.toUTC().toISO()!, context.stored)) {
        io.out(chunk);
        await drained(io);
      }
      return;
    case 'table':
      return writeInChunks(io, tableOfTouches([...touches], cliTranslator(context.config), elsewhere(context.config)));
  }
}

/** The JSON array of touches, each as jsonLine writes it or as storage read it back (TouchJson). */
export async function writeJson(touches: Iterable<Touch | TouchJson>, io: CliIO): Promise<void> {
  return writeInChunks(io, (function* () {
    let count = 0;
    for (const t of touches) yield `${count++ === 0 ? '[\n' : ',\n'}  ${'json' in t ? t.json : jsonLine(t)}`;
    yield count === 0 ? '[]\n' : '\n]\n';
  })());
}

/** Bytes written at a time at most (past CHUNK's touches); the buffer has room for the last piece beyond (a longer one grows it). */
const CHUNK_BYTES = 1 << 20;

/**
 * Writes the pieces CHUNK at a time (or a megabyte), waiting for the output to drain after each,
 * and letting the event loop turn: a file takes every chunk at once, and a first plan's loader
 * thread is handed its rows meanwhile (storage/first-plan-loader.ts). The pieces are encoded as
 * they come (Utf8Bytes: joined first, a 10,000-client year's JSON took twice as long).
 */
async function writeInChunks(io: CliIO, pieces: Iterable<string>): Promise<void> {
  const bytes = new Utf8Bytes(CHUNK_BYTES + (64 << 10));
  let count = 0;
  const flush = async () => {
    const chunk = bytes.take();
    if (io.outBytes) io.outBytes(chunk);
    else io.out(chunk.toString('utf8'));
    count = 0;
    await drained(io);
  };
  for (const piece of pieces) {
    bytes.append(piece);
    if (++count === CHUNK || bytes.length >= CHUNK_BYTES) await flush();
  }
  if (bytes.length > 0) await flush();
}

async function drained(io: CliIO): Promise<void> {
  await io.drain?.();
  await new Promise((resolve) => setImmediate(resolve));
}

const CSV_COLUMNS = [
  'id', 'source', 'kind', 'client', 'client_name', 'contacts', 'contact_names', 'contact_emails', 'employee', 'employee_name', 'employee_email',
  'date', 'start', 'end', 'allDay', 'title', 'window_from', 'window_to', 'status', 'overdue',
] as const;

/** One CSV row per touch, with the names and e-mails a mail merge needs beside the ids. */
function csvWriter(context: OutputContext) {
  const sep = context.excel ? ';' : ',';
  const eol = context.excel ? '\r\n' : '\n';
  const employees = new Map(context.config.employees.map((e) => [e.id, e]));
  const clients = new Map(context.config.clients.map((c) => [c.id, { client: c, contacts: new Map(c.contacts.map((k) => [k.id, k])) }]));
  const cell = (value: string) => csvField(value, sep);
  return {
    header: () => `${context.excel ? '\ufeff' : ''}${CSV_COLUMNS.join(sep)}${eol}`,
    row: (t: Touch) => {
      const c = clients.get(t.client);
      const contacts = t.contacts.map((id) => c?.contacts.get(id));
      const e = employees.get(t.employee);
      return `${[
        t.id, t.source, t.kind, t.client, c?.client.name ?? '', t.contacts.join(' '), contacts.map((k) => k?.name ?? '').join('; '),
        contacts.map((k) => k?.email ?? '').filter(Boolean).join('; '), t.employee, e?.name ?? '', e?.email ?? '',
        t.date, t.start, t.end, String(t.allDay), t.title, t.window.from, t.window.to, t.status, String(t.overdue),
      ].map(cell).join(sep)}${eol}`;
    },
  };
}

/** The employees whose zone is not the company's: a time of theirs is not the company's wall time. */
function elsewhere(config: Config): ReadonlySet<string> {
  return new Set(config.employees.filter((e) => e.timezone !== config.settings.timezone).map((e) => e.id));
}

/** The table of touches in the company's language: its words; ids, dates and times as they are. */
function* tableOfTouches(touches: readonly Touch[], tr: Translator, elsewhereIds: ReadonlySet<string>): Generator<string> {
  if (touches.length === 0) {
    yield `${tr.t('cli.noTouches')}\n`;
    return;
  }
  // Each time is its employee's wall time; rows go by instant. With employees in several zones
  // (Moscow and Chișinău) that read 09:00, 09:30, 09:00…: each time then carries its offset — as
  // it does when all are one employee's away from the company's zone (a Chișinău call at 12:30
  // read as Moscow's in a Moscow company).
  const offsets = new Set<string>();
  let away = false;
  for (const t of touches) {
    if (t.allDay) continue;
    offsets.add(t.start.slice(23));
    away ||= elsewhereIds.has(t.employee);
  }
  const mark = offsets.size > 1 || away ? (iso: string) => ` ${iso.slice(23).replace(/:00$/, '')}` : () => '';
  // A few words, each looked up once, not once a row (a year's table is hundreds of thousands of rows).
  const allDay = tr.t('cli.allDay');
  const overdue = `[${tr.t('cli.overdue')}] `;
  const words = new Map<string, string>();
  const word = (key: string) => {
    let text = words.get(key);
    if (text === undefined) words.set(key, text = tr.t(key as MessageKey));
    return text;
  };
  // Kinds as the reports write them; in English the code the table has always shown ("feedback",
  // the reports' "feedback request"), which is also what --format json and csv print.
  const kind = tr.language === 'en' ? (k: string) => k : (k: string) => word(`kind.${k}`);
  const rows = function* () {
    for (const t of touches) {
      yield [
        t.date, t.allDay ? allDay : `${t.start.slice(11, 16)}-${t.end.slice(11, 16)}${mark(t.start)}`, t.employee, kind(t.kind), t.client,
        `${t.overdue ? overdue : ''}${t.status === 'planned' ? '' : `[${word(`status.${t.status}`)}] `}${t.title}`, t.id.slice(0, 8),
      ];
    }
  };
  yield* tableLines((['col.date', 'cli.col.time', 'col.employee', 'col.kind', 'col.client', 'col.title', 'cli.col.id'] as const).map((k) => tr.t(k)), rows);
  yield `${tr.t('cli.touches', counts(touches.length))}\n`;
}
