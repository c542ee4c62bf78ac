import iconv from 'iconv-lite';
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type Scalar } from 'yaml';
import type { Prng } from './prng.ts';

/**
 * Ways a configuration goes wrong in real hands, applied at random: values swapped between
 * fields, keys deleted or doubled, impossible dates and durations, huge and negative numbers,
 * Unicode controls, prototype keys, truncated files, other encodings, broken CSV rows.
 * Each mutation changes the files (relative path → bytes) and says what it did.
 */
export type Files = Map<string, Buffer>;

/** Values that have broken something somewhere (or should not). */
const NASTY: readonly (string | number)[] = [
  '', ' ', 'null', '~', 'yes', 'no', 0, -1, 1.5, 9007199254740991, 1e308, -1e308, 99999999999999999999,
  '0 days', '-3 months', '9007199254740991 days', '99999999999999999999 years', '10000 years', '1e400 days', '1 minute', '5 years', '12 hours', '90 minutes', '1 day', '3 years', '0 minutes',
  '2027-02-29', '2027-04-31', '2027-13-01', '0000-00-00', '9999-12-31', '1899-12-31', '2024-02-29', '2027-1-1', '02-30', '04-31', '02-29', '00-00', '13-01', '12-28',
  'A\u202eB', 'x\u0000y', '\u2066id\u2069', '\u200f', 'tab\there', 'line\nbreak', 'Ω≈ç√', '𝕏', '👍', '\ufeffbom', '\ufffd',
  '__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', '__defineGetter__',
  'Europe/Moskow', 'Mars/Olympus', 'UTC', 'Etc/GMT+14', 'America/New_York', 'Pacific/Kiritimati',
  '00:00-24:00', '23:59-24:00', '18:00-09:00', '09:00-09:30', '24:00-25:00',
  'XX', 'RU', 'ZZ', 'US', 'JP', 'ro', '* * * * *', '61 * * * *', '*/0 * * * *',
  'all', 'meeting', 'call', 'lapsed', 'onboarding', 'last', 'calendar', 'contact', 'client', 'leaving',
  '{client.name}', '{client.nope}', '{contact.cui}', '{', '}', '{{}}',
  'ivanova', 'petrov', 'marin', 'stanciu', 'account_manager', 'sales_director', 'ceo', 'buyer', 'stroymash', 'agro-prut',
  'a'.repeat(400), '1st monday of february', '5th friday of february', 'last sunday of december',
];

/** Text that breaks YAML or CSV syntax when put in as it is. */
const RAW: readonly string[] = [
  '[1, 2', '{a: b', '*nowhere', '&a x', '!!binary aGVsbG8=', '!custom x', '|', '>', '"unclosed', "'unclosed", ': :', '- - -', '? complex', '%YAML 1.1', '---', '...', '#', '@', '`',
];

/** Values that could well be meant: a changed configuration that is often still valid. */
const PLAUSIBLE: readonly (string | number)[] = [
  '1 day', '2 weeks', '1 month', '3 months', '6 months', '1 year', '14 days', '45 days', '30 minutes', '2 hours', '4 hours',
  '2027-03-15', '2026-12-31', '2024-02-29', '2027-06-01', '03-08', '12-25', '02-29', '11-21',
  'Europe/Moscow', 'Europe/Bucharest', 'Europe/Chisinau', 'Asia/Yekaterinburg', 'America/New_York', 'RU', 'RO', 'MD', 'DE',
  'A', 'B', 'C', 'active', 'lapsed', 'onboarding', 'meeting', 'call', 'letter', 'all', 'contact', 'client', 'last', 'calendar',
  '08:00-17:00', '10:00-19:00', 1, 2, 5, 'ceo', 'buyer', 'director', 'account_manager', 'sales_director',
];

function nasty(rnd: Prng): string | number {
  if (rnd.chance(0.15)) return randomText(rnd);
  return rnd.pick(NASTY);
}

function randomText(rnd: Prng): string {
  const palette = 'abcxyzABC019 -_.:;,"\'#{}[]&*!|>%@`\\/\t\u00e9\u0436\u0219\u202e\u0000\u200b\ud83d\ude00';
  let out = '';
  for (let i = rnd.int(40); i > 0; i--) out += palette[rnd.int(palette.length)]!;
  return out;
}

export interface Mutation {
  readonly name: string;
  /** Applies the mutation; returns what it did, or undefined when it did not apply to these files. */
  apply(files: Files, rnd: Prng): string | undefined;
}

const yamlFiles = (files: Files) => [...files.keys()].filter((p) => /\.ya?ml$/i.test(p));
const csvFiles = (files: Files) => [...files.keys()].filter((p) => /\.csv$/i.test(p));

/** A YAML file as a document, changed, and written back (as UTF-8). */
function withDocument(files: Files, rnd: Prng, change: (doc: Document, rnd: Prng) => string | undefined): string | undefined {
  const candidates = yamlFiles(files);
  if (candidates.length === 0) return undefined;
  const path = rnd.pick(candidates);
  const doc = parseDocument(files.get(path)!.toString('utf8'));
  if (doc.errors.length > 0) return undefined;
  const did = change(doc, rnd);
  if (did === undefined) return undefined;
  let text: string;
  try {
    text = String(doc);
  } catch {
    return undefined; // a document an earlier mutation left unwritable (an alias to nothing)
  }
  files.set(path, Buffer.from(text));
  return `${path}: ${did}`;
}

/** Every pair (with its path), scalar value and list of a document. */
function nodesOf(doc: Document): { pairs: { path: (string | number)[]; pair: Pair }[]; scalars: { node: Scalar }[]; seqs: { node: Node }[] } {
  const pairs: { path: (string | number)[]; pair: Pair }[] = [];
  const scalars: { node: Scalar }[] = [];
  const seqs: { node: Node }[] = [];
  visit(doc, {
    Pair(_k, pair, path) {
      pairs.push({ path: pathOf(path, pair), pair: pair as Pair });
    },
    Scalar(key, node) {
      if (key !== 'key') scalars.push({ node });
    },
    Seq(_k, node) {
      seqs.push({ node });
    },
  });
  return { pairs, scalars, seqs };
}

function pathOf(ancestors: readonly unknown[], pair: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = 0; i < ancestors.length; i++) {
    const a = ancestors[i];
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a)) {
      const next = ancestors[i + 1] ?? pair;
      out.push(a.items.indexOf(next as never));
    }
  }
  if (isPair(pair) && isScalar(pair.key)) out.push(String(pair.key.value));
  return out;
}

const lines = (b: Buffer) => b.toString('utf8').split('\n');

/** Values aimed at particular fields: right syntax, doubtful meaning. */
const BY_FIELD: Record<string, readonly (string | number)[]> = {
  date: ['2027-02-29', '2027-04-31', '2028-02-29', '02-29', '02-30', '04-31', '12-31', '01-01', '2100-02-29', '1900-01-01', '2199-12-31'],
  duration: ['0 days', '1 day', '1 minute', '9007199254740991 days', '5 years', '61 months', '3 years', '1 year', '7 days', '8 days', '1 week', '12 hours', '24 hours', '4 weeks', '29 days', '31 days', '2 minutes'],
  zone: ['Europe/Moskow', 'Etc/GMT+14', 'Etc/GMT-12', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Los_Angeles', 'Asia/Kathmandu', 'UTC', 'utc'],
  country: ['XX', 'KP', 'AQ', 'US', 'JP', 'SA', 'IL', 'NP'],
  hours: ['00:00-24:00', '23:30-24:00', '09:00-09:05', '12:00-12:30', '00:00-00:30', '22:00-23:59'],
  role: ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'ceo', 'nobody', 'account_manager'],
  workdays: ['sun', 'sat', 'mon'],
};
const FIELD_KIND: Record<string, string> = {
  on: 'date', since: 'date', stage_since: 'date', last_contact: 'date', date: 'date',
  every: 'duration', after: 'duration', horizon: 'duration', within: 'duration', prepare: 'duration', duration: 'duration', remind: 'duration',
  timezone: 'zone', country: 'country', countries: 'country', hours: 'hours', ours: 'role', role: 'role', notify: 'role', escalate_to: 'role', theirs: 'role', workdays: 'workdays',
};

export const YAML_MUTATIONS: readonly Mutation[] = [
  { name: 'set-field', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { pairs } = nodesOf(doc);
    const aimed = pairs.filter((p) => isScalar(p.pair.key) && Object.hasOwn(FIELD_KIND, String(p.pair.key.value)));
    if (!aimed.length) return undefined;
    const { pair, path } = rnd.pick(aimed);
    const kind = FIELD_KIND[String((pair.key as Scalar).value)]!;
    const value = rnd.pick(BY_FIELD[kind]!);
    pair.value = isSeq(pair.value) && rnd.chance(0.7) ? doc.createNode([value]) : doc.createNode(value);
    return `${path.join('.')} set to ${JSON.stringify(value)}`;
  }) },
  { name: 'set-field', apply: (f, r) => YAML_MUTATIONS[0]!.apply(f, r) },
  { name: 'delete-key', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { pairs } = nodesOf(doc);
    if (!pairs.length) return undefined;
    const { path } = rnd.pick(pairs);
    doc.deleteIn(path);
    return `deleted ${path.join('.')}`;
  }) },
  { name: 'set-value', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { scalars } = nodesOf(doc);
    if (!scalars.length) return undefined;
    const { node } = rnd.pick(scalars);
    const value = nasty(rnd);
    node.value = value;
    return `a value set to ${JSON.stringify(value)}`;
  }) },
  { name: 'set-plausible', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { scalars } = nodesOf(doc);
    if (!scalars.length) return undefined;
    const { node } = rnd.pick(scalars);
    const value = rnd.pick(PLAUSIBLE);
    node.value = value;
    return `a value set to ${JSON.stringify(value)}`;
  }) },
  { name: 'swap-values', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { scalars } = nodesOf(doc);
    if (scalars.length < 2) return undefined;
    const a = rnd.pick(scalars).node;
    const b = rnd.pick(scalars).node;
    [a.value, b.value] = [b.value, a.value];
    return `swapped ${JSON.stringify(a.value)} and ${JSON.stringify(b.value)}`;
  }) },
  { name: 'rename-key', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { pairs } = nodesOf(doc);
    if (!pairs.length) return undefined;
    const { pair } = rnd.pick(pairs);
    if (!isScalar(pair.key)) return undefined;
    const key = rnd.chance(0.5) ? rnd.pick(['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty']) : `${String(pair.key.value).slice(0, -1)}${rnd.pick(['', 'x', 's'])}`;
    const old = String(pair.key.value);
    pair.key.value = key;
    return `renamed key ${old} to ${key}`;
  }) },
  { name: 'duplicate-item', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { seqs } = nodesOf(doc);
    const lists = seqs.filter((s) => isSeq(s.node) && s.node.items.length > 0);
    if (!lists.length) return undefined;
    const seq = rnd.pick(lists).node as unknown as { items: unknown[] };
    const item = rnd.pick(seq.items);
    seq.items.push(doc.createNode((item as { toJSON?: () => unknown }).toJSON?.() ?? item));
    return 'duplicated a list item (same id twice)';
  }) },
  { name: 'value-to-list', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const { pairs } = nodesOf(doc);
    const scalarPairs = pairs.filter((p) => isScalar(p.pair.value));
    if (!scalarPairs.length) return undefined;
    const { pair, path } = rnd.pick(scalarPairs);
    const v = (pair.value as Scalar).value;
    pair.value = rnd.chance(0.5) ? doc.createNode([v, v]) : doc.createNode({ [String(v)]: v });
    return `${path.join('.')} made a list or mapping`;
  }) },
  { name: 'proto-mapping', apply: (f, r) => withDocument(f, r, (doc, rnd) => {
    const maps: unknown[] = [];
    visit(doc, { Map(_k, node) { maps.push(node); } });
    if (!maps.length) return undefined;
    const map = rnd.pick(maps);
    if (!isMap(map)) return undefined;
    const key = rnd.pick(['__proto__', 'constructor', 'prototype']);
    map.items.push(doc.createPair(key, rnd.chance(0.5) ? { polluted: 'yes', x: 1 } : { prototype: { polluted: 'yes' } }) as never);
    return `added a ${key} mapping`;
  }) },
  { name: 'raw-value', apply: (files, rnd) => {
    const path = pickOf(yamlFiles(files), rnd);
    if (!path) return undefined;
    const ls = lines(files.get(path)!);
    const at = ls.map((l, i) => (/:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (!at.length) return undefined;
    const i = rnd.pick(at);
    const raw = rnd.chance(0.5) ? rnd.pick(RAW) : String(nasty(rnd));
    ls[i] = ls[i]!.replace(/:\s*(.*)$/, `: ${raw}`);
    files.set(path, Buffer.from(ls.join('\n')));
    return `${path}:${i + 1}: raw value ${JSON.stringify(raw)}`;
  } },
  { name: 'duplicate-line', apply: (files, rnd) => {
    const path = pickOf(yamlFiles(files), rnd);
    if (!path) return undefined;
    const ls = lines(files.get(path)!);
    const i = rnd.int(ls.length);
    ls.splice(i, 0, ls[i]!);
    files.set(path, Buffer.from(ls.join('\n')));
    return `${path}:${i + 1}: line doubled (a duplicate key?)`;
  } },
  { name: 'delete-line', apply: (files, rnd) => {
    const path = pickOf(yamlFiles(files), rnd);
    if (!path) return undefined;
    const ls = lines(files.get(path)!);
    const i = rnd.int(ls.length);
    ls.splice(i, 1);
    files.set(path, Buffer.from(ls.join('\n')));
    return `${path}:${i + 1}: line deleted`;
  } },
  { name: 'tab-indent', apply: (files, rnd) => {
    const path = pickOf(yamlFiles(files), rnd);
    if (!path) return undefined;
    const ls = lines(files.get(path)!);
    const at = ls.map((l, i) => (/^ +\S/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (!at.length) return undefined;
    const i = rnd.pick(at);
    ls[i] = ls[i]!.replace(/^ +/, '\t');
    files.set(path, Buffer.from(ls.join('\n')));
    return `${path}:${i + 1}: indented with a tab`;
  } },
  { name: 'aliases', apply: (files, rnd) => {
    const path = pickOf(yamlFiles(files), rnd);
    if (!path) return undefined;
    const bomb = 'x1: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nx2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nx3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nx4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nx5: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';
    const text = rnd.pick([bomb, 'digest: *missing\n', 'silence: &s { after: 60 days }\noverdue: *s\n']);
    files.set(path, Buffer.concat([files.get(path)!, Buffer.from(`\n${text}`)]));
    return `${path}: aliases appended`;
  } },
];

function pickOf<T>(list: readonly T[], rnd: Prng): T | undefined {
  return list.length ? rnd.pick(list) : undefined;
}

/** CSV lines and their separator. */
function csvOf(files: Files, rnd: Prng): { path: string; rows: string[]; sep: string; bom: boolean } | undefined {
  const path = pickOf(csvFiles(files), rnd);
  if (!path) return undefined;
  const bytes = files.get(path)!;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = bytes.toString('utf8').replace(/^\ufeff/, '');
  if (text.includes('\ufffd')) return undefined; // not UTF-8: leave it to the encoding mutations
  const rows = text.split(/\r?\n/);
  const sep = (rows[0]!.match(/;/g)?.length ?? 0) > (rows[0]!.match(/,/g)?.length ?? 0) ? ';' : ',';
  return { path, rows, sep, bom };
}

function writeCsv(files: Files, c: { path: string; rows: string[]; bom: boolean }, eol = '\n'): void {
  files.set(c.path, Buffer.from(`${c.bom ? '\ufeff' : ''}${c.rows.join(eol)}`));
}

export const CSV_MUTATIONS: readonly Mutation[] = [
  { name: 'short-row', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c || c.rows.length < 2) return undefined;
    const i = 1 + rnd.int(c.rows.length - 1);
    const cells = c.rows[i]!.split(c.sep);
    const n = 1 + rnd.int(2);
    c.rows[i] = cells.slice(0, Math.max(1, cells.length - n)).join(c.sep);
    writeCsv(files, c);
    return `${c.path}:${i + 1}: ${n} cells removed`;
  } },
  { name: 'long-row', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c || c.rows.length < 2) return undefined;
    const i = 1 + rnd.int(c.rows.length - 1);
    c.rows[i] = `${c.rows[i]}${c.sep}${String(nasty(rnd)).replace(/[\n\r]/g, '')}`;
    writeCsv(files, c);
    return `${c.path}:${i + 1}: a cell added`;
  } },
  { name: 'set-cell', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c || c.rows.length < 1) return undefined;
    const i = rnd.int(c.rows.length);
    const cells = c.rows[i]!.split(c.sep);
    const j = rnd.int(cells.length);
    const value = String(nasty(rnd));
    cells[j] = rnd.chance(0.3) ? `"${value.replace(/"/g, '""')}"` : value;
    c.rows[i] = cells.join(c.sep);
    writeCsv(files, c);
    return `${c.path}:${i + 1}: cell ${j + 1} set to ${JSON.stringify(value)}`;
  } },
  { name: 'header', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c) return undefined;
    const cells = c.rows[0]!.split(c.sep);
    const j = rnd.int(cells.length);
    const name = rnd.pick(['__proto__.x', 'constructor.prototype.x', 'team.__proto__', 'attributes.toString', 'toString', '__proto__', 'prototype', 'team.constructor', 'tierr', 'nmae', '', 'id', 'team.', 'attributes.', 'contacts', String(nasty(rnd))]);
    cells[j] = name;
    c.rows[0] = cells.join(c.sep);
    writeCsv(files, c);
    return `${c.path}: header ${j + 1} named ${JSON.stringify(name)}`;
  } },
  { name: 'swap-cells', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c) return undefined;
    const i = rnd.int(c.rows.length);
    const cells = c.rows[i]!.split(c.sep);
    const a = rnd.int(cells.length);
    const b = rnd.int(cells.length);
    [cells[a], cells[b]] = [cells[b]!, cells[a]!];
    c.rows[i] = cells.join(c.sep);
    writeCsv(files, c);
    return `${c.path}:${i + 1}: cells ${a + 1} and ${b + 1} swapped`;
  } },
  { name: 'line-endings', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c) return undefined;
    const eol = rnd.pick(['\r\n', '\r', 'mixed']);
    if (eol === 'mixed') {
      files.set(c.path, Buffer.from(`${c.bom ? '\ufeff' : ''}${c.rows[0]}\n${c.rows.slice(1).join('\r\n')}`));
      return `${c.path}: LF header, CRLF rows`;
    }
    writeCsv(files, c, eol);
    return `${c.path}: line endings ${JSON.stringify(eol)}`;
  } },
  { name: 'quote', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c || c.rows.length < 2) return undefined;
    const i = 1 + rnd.int(c.rows.length - 1);
    c.rows[i] = `"${c.rows[i]}`;
    writeCsv(files, c);
    return `${c.path}:${i + 1}: a quote that never closes`;
  } },
  { name: 'duplicate-row', apply: (files, rnd) => {
    const c = csvOf(files, rnd);
    if (!c || c.rows.length < 2) return undefined;
    const i = 1 + rnd.int(c.rows.length - 1);
    c.rows.splice(i, 0, c.rows[i]!);
    writeCsv(files, c);
    return `${c.path}:${i + 1}: row doubled`;
  } },
];

export const FILE_MUTATIONS: readonly Mutation[] = [
  { name: 'truncate', apply: (files, rnd) => {
    const path = pickOf([...files.keys()], rnd);
    if (!path) return undefined;
    const bytes = files.get(path)!;
    const at = rnd.int(bytes.length + 1);
    files.set(path, bytes.subarray(0, at));
    return `${path}: cut at byte ${at}`;
  } },
  { name: 'encoding', apply: (files, rnd) => {
    const path = pickOf([...files.keys()], rnd);
    if (!path) return undefined;
    const text = files.get(path)!.toString('utf8').replace(/^\ufeff/, '');
    const encoding = rnd.pick(['utf16le-bom', 'utf16be-bom', 'utf16le', 'win1251', 'win1250', 'win1252', 'koi8-r', 'mixed', 'bom']);
    let bytes: Buffer;
    if (encoding === 'utf16le-bom') bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]);
    else if (encoding === 'utf16be-bom') bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf16be')]);
    else if (encoding === 'bom') bytes = Buffer.from(`\ufeff${text}`);
    else if (encoding === 'mixed') {
      const half = Math.floor(text.length / 2);
      bytes = Buffer.concat([Buffer.from(text.slice(0, half)), iconv.encode(`\u0416\u0438\u0432\u0430\u044f \u0441\u0442\u0440\u043e\u043a\u0430 ${text.slice(half)}`, 'win1251')]);
    } else bytes = iconv.encode(text, encoding);
    files.set(path, bytes);
    return `${path}: re-encoded as ${encoding}`;
  } },
  { name: 'bytes', apply: (files, rnd) => {
    const path = pickOf([...files.keys()], rnd);
    if (!path) return undefined;
    const bytes = Buffer.from(files.get(path)!);
    const n = 1 + rnd.int(4);
    for (let k = 0; k < n && bytes.length; k++) bytes[rnd.int(bytes.length)] = rnd.pick([0, 0x80, 0xff, 0xfe, 0xc3, 0x0b, 0x1b, 0x7f]);
    files.set(path, bytes);
    return `${path}: ${n} bytes replaced`;
  } },
  { name: 'empty-or-gone', apply: (files, rnd) => {
    const path = pickOf([...files.keys()], rnd);
    if (!path) return undefined;
    if (rnd.chance(0.5)) {
      files.delete(path);
      return `${path}: deleted`;
    }
    files.set(path, Buffer.alloc(0));
    return `${path}: emptied`;
  } },
  { name: 'new-file', apply: (files, rnd) => {
    const name = rnd.pick(['extra.yaml', 'more/clients.csv', 'contacts.csv', 'x.yml']);
    const content = rnd.pick([
      'settings:\n  company: Second\n  country: RU\n', 'settings:\n', 'employees:\n  - { id: ghost, name: Ghost, role: ceo }\n', 'foo: bar\n',
      'id,name\nnew-client,New Client\n', 'client,id,name,role\nnowhere,c1,C One,ceo\n', randomText(rnd),
    ]);
    files.set(name, Buffer.from(content));
    return `${name}: added ${JSON.stringify(content.slice(0, 40))}`;
  } },
];

const ALL: readonly Mutation[] = [...YAML_MUTATIONS, ...YAML_MUTATIONS, ...CSV_MUTATIONS, ...FILE_MUTATIONS];
/** Changes that leave a configuration valid often enough for the planner to be fuzzed too. */
const GENTLE = new Set(['set-field', 'set-plausible', 'swap-values', 'delete-key', 'line-endings', 'encoding']);

/**
 * Applies random mutations (2.5 on average, fewer and gentler in a third of the cases, so
 * that the planner gets odd but valid configurations too); returns what was done.
 */
export function mutate(files: Files, rnd: Prng): string[] {
  const done: string[] = [];
  const gentle = rnd.chance(0.35);
  const pool = gentle ? ALL.filter((m) => GENTLE.has(m.name)) : ALL;
  const count = gentle ? 1 + (rnd.chance(0.5) ? 1 : 0) : 2 + (rnd.chance(0.6) ? 1 : 0) + (rnd.chance(0.3) ? 1 : 0);
  for (let attempts = 0; done.length < count && attempts < 20; attempts++) {
    const m = rnd.pick(pool);
    const did = m.apply(files, rnd);
    if (did !== undefined) done.push(`${m.name}: ${did}`);
  }
  return done;
}
