import { readFileSync } from 'node:fs';
import { relative, basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';
import type { z } from 'zod';
import {
  settingsSchema, employeeSchema, clientSchema, contactSchema, ruleSchema, campaignSchema,
  holidaySchema, handoverSchema, triggerSchema, silenceSchema, overdueSchema, digestSchema, dashboardSchema, id as idSchema,
  type RawSettings, type RawEmployee, type RawClient, type RawContact, type RawRule, type RawCampaign,
  type RawHoliday, type RawHandover, type RawTrigger, type RawSilence, type RawOverdue, type RawDigest, type RawDashboard,
} from './schema.ts';
import { describeFound, type ConfigIssue } from './config-issue.ts';
import { isConfigFile, listFiles, type ConfigSnapshot } from './snapshot.ts';
import { child, placeOf, type Origin, type CsvOrigin } from './origin.ts';

export interface Located<T> {
  readonly value: T;
  readonly origin: Origin;
}

export interface LocatedClient extends Located<RawClient> {
  readonly contactOrigins: Origin[];
}

/** Everything read from a configuration folder, each entity with the place it was written. */
export interface RawSources {
  readonly dir: string;
  settings: Located<RawSettings> | undefined;
  /** A settings section that failed validation: its zone and country are still checked. */
  brokenSettings: Located<Record<string, unknown>> | undefined;
  silence: Located<RawSilence> | undefined;
  overdue: Located<RawOverdue> | undefined;
  digest: Located<RawDigest> | undefined;
  dashboard: Located<RawDashboard> | undefined;
  readonly employees: Located<RawEmployee>[];
  readonly clients: LocatedClient[];
  readonly rules: Located<RawRule>[];
  readonly campaigns: Located<RawCampaign>[];
  readonly holidays: Located<RawHoliday>[];
  readonly handovers: Located<RawHandover>[];
  readonly triggers: Located<RawTrigger>[];
  /** Ids of entities that failed validation: references to them are not reported again. */
  readonly brokenIds: Set<string>;
  /** Files that could not be parsed at all (they might have held the settings). */
  readonly unreadable: string[];
  readonly issues: ConfigIssue[];
}

const LIST_SECTIONS = {
  employees: employeeSchema,
  clients: clientSchema,
  rules: ruleSchema,
  campaigns: campaignSchema,
  holidays: holidaySchema,
  handovers: handoverSchema,
  triggers: triggerSchema,
} as const;
type ListSection = keyof typeof LIST_SECTIONS;
/** Sections that appear once in the whole configuration (besides settings). */
const SINGLE_SECTIONS = { silence: silenceSchema, overdue: overdueSchema, digest: digestSchema, dashboard: dashboardSchema } as const;
type SingleSection = keyof typeof SINGLE_SECTIONS;
const SECTIONS = new Set(['settings', ...Object.keys(SINGLE_SECTIONS), ...Object.keys(LIST_SECTIONS)]);

/** Reads every *.yaml, *.yml, clients.csv and contacts.csv below `dir` (or of a snapshot of it), in path order. */
export function readSources(dir: string, displayRoot = process.cwd(), snapshot?: ConfigSnapshot): RawSources {
  const sources: RawSources = {
    dir, settings: undefined, brokenSettings: undefined, silence: undefined, overdue: undefined, digest: undefined, dashboard: undefined, employees: [], clients: [], rules: [], campaigns: [],
    holidays: [], handovers: [], triggers: [], brokenIds: new Set(), unreadable: [], issues: [],
  };
  const shown = (path: string) => relative(displayRoot, path) || path;
  let files: string[];
  try {
    files = snapshot ? [...snapshot.files.keys()].sort() : listFiles(dir);
  } catch (error) {
    sources.issues.push({ file: shown(dir), line: 1, column: 1, field: '', expected: 'a configuration folder', found: (error as Error).message });
    return sources;
  }
  const contactRows: { row: RawContact & { client: string }; origin: Origin }[] = [];
  for (const path of files) {
    const name = basename(path).toLowerCase();
    if (!isConfigFile(path)) continue;
    const text = snapshot ? snapshot.files.get(path)! : readFileSync(path, 'utf8');
    if (name === 'clients.csv') readClientsCsv(text, shown(path), sources);
    else if (name === 'contacts.csv') contactRows.push(...readContactsCsv(text, shown(path), sources));
    else readYaml(text, shown(path), sources);
  }
  attachContacts(contactRows, sources);
  if (files.length === 0 || (!sources.settings && !sources.brokenSettings && sources.unreadable.length === 0 && !sources.issues.some((i) => i.field.startsWith('settings')))) {
    const found = files.length === 0 ? 'no *.yaml, *.yml or CSV files' : 'no settings section in any file';
    sources.issues.push({ file: shown(dir), line: 1, column: 1, field: 'settings', expected: 'one settings section (company, timezone, country, …)', found });
  }
  return sources;
}

function readYaml(text: string, file: string, sources: RawSources): void {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    sources.unreadable.push(file);
    for (const error of doc.errors) {
      const pos = lines.linePos(error.pos[0]);
      sources.issues.push({ file, line: pos.line, column: pos.col, field: '', expected: 'valid YAML', found: error.message.split('\n')[0]! });
    }
    return;
  }
  const root: Origin = { kind: 'yaml', file, doc, lines, path: [] };
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return;
  if (typeof data !== 'object' || Array.isArray(data)) {
    sources.issues.push({ ...placeOf(root), expected: 'a mapping of sections (settings, employees, clients, rules, …)', found: describeFound(data) });
    return;
  }
  for (const key of Object.keys(data)) {
    if (!SECTIONS.has(key)) {
      sources.issues.push({ ...placeOf(root, [key], true), expected: `a section: ${[...SECTIONS].join(', ')}`, found: `an unknown section ${JSON.stringify(key)}` });
    }
  }
  const obj = data as Record<string, unknown>;
  if (obj.settings !== undefined) {
    const origin = child(root, 'settings');
    if (sources.settings) {
      const first = placeOf(sources.settings.origin);
      const here = placeOf(origin);
      sources.issues.push({ ...here, expected: `settings once in the whole configuration (first at ${first.file}:${first.line})`, found: 'a second settings section' });
    } else {
      const parsed = settingsSchema.safeParse(obj.settings, { reportInput: true });
      if (parsed.success) sources.settings = { value: parsed.data, origin };
      else {
        pushZodIssues(sources, origin, parsed.error.issues);
        if (typeof obj.settings === 'object') sources.brokenSettings = { value: obj.settings as Record<string, unknown>, origin };
      }
    }
  }
  for (const name of Object.keys(SINGLE_SECTIONS) as SingleSection[]) {
    if (obj[name] === undefined) continue;
    const origin = child(root, name);
    const earlier = sources[name];
    if (earlier) {
      const first = placeOf(earlier.origin);
      sources.issues.push({ ...placeOf(origin), expected: `${name} once in the whole configuration (first at ${first.file}:${first.line})`, found: `a second ${name} section` });
      continue;
    }
    const parsed = SINGLE_SECTIONS[name].safeParse(obj[name], { reportInput: true });
    if (parsed.success) (sources as unknown as Record<SingleSection, Located<unknown>>)[name] = { value: parsed.data, origin };
    else pushZodIssues(sources, origin, parsed.error.issues);
  }
  for (const section of Object.keys(LIST_SECTIONS) as ListSection[]) {
    const list = obj[section];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      sources.issues.push({ ...placeOf(root, [section]), expected: `a list of ${section}`, found: describeFound(list) });
      continue;
    }
    list.forEach((item, index) => {
      const origin = child(root, section, index);
      const parsed = validate(LIST_SECTIONS[section] as z.ZodType, item);
      if (!parsed.success) {
        pushZodIssues(sources, origin, parsed.error.issues);
        noteBroken(sources, item);
        if (section === 'clients') noteBrokenContacts(sources, item);
        return;
      }
      addItem(sources, section, parsed.data, origin);
    });
  }
}

function addItem(sources: RawSources, section: ListSection, value: unknown, origin: Origin): void {
  if (section === 'clients') {
    const client = value as RawClient;
    sources.clients.push({ value: client, origin, contactOrigins: client.contacts.map((_, j) => child(origin, 'contacts', j)) });
  } else (sources[section] as Located<unknown>[]).push({ value, origin });
}

function noteBroken(sources: RawSources, item: unknown): void {
  const id = (item as { id?: unknown } | null)?.id;
  if (typeof id === 'string') sources.brokenIds.add(id);
}

function noteBrokenContacts(sources: RawSources, item: unknown): void {
  const contacts = (item as { contacts?: unknown } | null)?.contacts;
  if (Array.isArray(contacts)) for (const c of contacts) noteBroken(sources, c);
}

/** Turns zod issues into located configuration issues. */
export function pushZodIssues(sources: { issues: ConfigIssue[] }, origin: Origin, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const place = placeOf(origin, [...issue.path, key], true);
        sources.issues.push({ ...place, expected: 'one of the known fields (check the spelling; see README.md, Configuration)', found: `an unknown field ${JSON.stringify(key)}` });
      }
      continue;
    }
    const place = placeOf(origin, issue.path);
    sources.issues.push({ ...place, expected: expectedOf(issue), found: foundOf(issue) });
  }
}


function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.message.startsWith('Invalid input')) return issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`;
      return issue.message;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'a single value or a list of values';
    case 'too_small':
      return issue.origin === 'array' ? `a list of at least ${String(issue.minimum)}` : issue.origin === 'string' ? 'a non-empty value' : `at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' ? `a list of at most ${String(issue.maximum)}` : `at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'an e-mail address' : issue.message;
    default:
      return issue.message;
  }
}

function foundOf(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type' && input === undefined) return 'nothing (the field is missing)';
  return describeFound(input);
}

interface CsvHeader {
  readonly names: string[];
  /** Each header name split at its dots: team.account_manager → [team, account_manager]. */
  readonly paths: string[][];
}

/**
 * Visits every record of a CSV file after its header, with the file line it ends on. Records
 * are handed over as they are parsed and not kept, so a 50,000-row export costs little memory.
 */
function forEachCsvRecord(fileText: string, file: string, sources: RawSources, visit: (cells: string[], line: number, header: CsvHeader) => void): void {
  let text = fileText;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let header: CsvHeader | undefined;
  try {
    parseCsv(text, {
      delimiter, skip_empty_lines: true, relax_quotes: false,
      on_record: (record: string[], context: { lines: number }) => {
        if (!header) header = { names: record.map((h) => h.trim()), paths: record.map((h) => h.trim().split('.')) };
        else visit(record, context.lines, header);
        return null;
      },
    });
  } catch (error) {
    const e = error as Error & { lines?: number };
    sources.issues.push({ file, line: e.lines ?? 1, column: 1, field: '', expected: `CSV with "${delimiter}" between fields and the same number of fields on every row`, found: e.message.replace(/^Invalid Record Length: /, '') });
  }
}

/**
 * zod validation, fast when the input is valid: the found values that error messages quote
 * (`reportInput`) cost five times as much, so they are asked for only on a second pass.
 */
function validate<T extends z.ZodType>(schema: T, input: unknown): ReturnType<T['safeParse']> {
  const first = schema.safeParse(input);
  return (first.success ? first : schema.safeParse(input, { reportInput: true })) as ReturnType<T['safeParse']>;
}

/** CSV cells keyed by dotted header names → a nested object; empty cells are left out. */
function nest(paths: readonly (readonly string[])[], cells: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < paths.length; i++) {
    const cell = cells[i]?.trim();
    if (cell === undefined || cell === '') continue;
    const parts = paths[i]!;
    let target = out;
    for (let j = 0; j < parts.length - 1; j++) target = (target[parts[j]!] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1]!] = cell;
  }
  return out;
}

function readClientsCsv(text: string, file: string, sources: RawSources): void {
  forEachCsvRecord(text, file, sources, (cells, line, header) => {
    const origin: CsvOrigin = { kind: 'csv', file, line, header: header.names, prefix: [] };
    const raw = nest(header.paths, cells);
    const parsed = validate(clientSchema, raw);
    if (!parsed.success) {
      pushZodIssues(sources, origin, parsed.error.issues);
      noteBroken(sources, raw);
      return;
    }
    sources.clients.push({ value: parsed.data, origin, contactOrigins: [] });
  });
}

function readContactsCsv(text: string, file: string, sources: RawSources) {
  const out: { row: RawContact & { client: string }; origin: Origin }[] = [];
  forEachCsvRecord(text, file, sources, (cells, line, header) => {
    const origin: CsvOrigin = { kind: 'csv', file, line, header: header.names, prefix: [] };
    const { client, ...raw } = nest(header.paths, cells);
    const parsedClient = validate(idSchema, client);
    const parsed = validate(contactSchema, raw);
    if (!parsedClient.success) pushZodIssues(sources, child(origin, 'client'), parsedClient.error.issues.map((i) => ({ ...i, path: [] })));
    if (!parsed.success) pushZodIssues(sources, origin, parsed.error.issues);
    if (!parsed.success || !parsedClient.success) {
      noteBroken(sources, raw);
      return;
    }
    out.push({ row: { ...parsed.data, client: parsedClient.data }, origin });
  });
  return out;
}

function attachContacts(rows: { row: RawContact & { client: string }; origin: Origin }[], sources: RawSources): void {
  if (rows.length === 0) return;
  const byId = new Map<string, LocatedClient>();
  for (const c of sources.clients) if (!byId.has(c.value.id)) byId.set(c.value.id, c);
  for (const { row, origin } of rows) {
    const { client, ...contact } = row;
    const target = byId.get(client);
    if (!target) {
      if (!sources.brokenIds.has(client)) {
        sources.issues.push({ ...placeOf(origin, ['client']), expected: 'the id of a client defined in YAML or clients.csv', found: JSON.stringify(client) });
      }
      continue;
    }
    (target.value.contacts as RawContact[]).push(contact);
    target.contactOrigins.push(origin);
  }
}

