import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import {
  settingsSchema, employeeSchema, clientSchema, ruleSchema, campaignSchema, holidaySchema, handoverSchema, triggerSchema,
  silenceSchema, overdueSchema, digestSchema, dashboardSchema, importSchema, fileSchema, type RawClient,
} from './schema.ts';
import { describeFound, quote, type ConfigIssue } from './config-issue.ts';
import { aliasTarget, child, placeOf, withSubject, type Origin, type YamlOrigin } from './origin.ts';
import { knownKeysAt, pushZodIssues, salvage, validate } from './zod-issues.ts';
import { didYouMean, meantField } from './suggest.ts';
import { nameKey } from './name-key.ts';
import type { Located, RawSources } from './sources.ts';

const LIST_SECTIONS = {
  employees: employeeSchema,
  clients: clientSchema,
  rules: ruleSchema,
  campaigns: campaignSchema,
  holidays: holidaySchema,
  handovers: handoverSchema,
  triggers: triggerSchema,
  imports: importSchema,
} as const;
type ListSection = keyof typeof LIST_SECTIONS;
/** Sections that appear once in the whole configuration (besides settings). */
const SINGLE_SECTIONS = { silence: silenceSchema, overdue: overdueSchema, digest: digestSchema, dashboard: dashboardSchema } as const;
type SingleSection = keyof typeof SINGLE_SECTIONS;
export const SECTIONS: readonly string[] = Object.keys(fileSchema.shape);
/** What an entry of a list section is called in messages: "client stroymash". */
const SINGULAR: Record<ListSection, string> = {
  employees: 'employee', clients: 'client', rules: 'rule', campaigns: 'campaign', holidays: 'holiday', handovers: 'handover', triggers: 'trigger', imports: 'import',
};
/**
 * Valid values for required fields that are broken, so that the rest of their entry is still
 * checked (zod-issues.ts salvage); never in a configuration that is built. Only fields nothing
 * else refers to: a stand-in id or role would raise errors of its own.
 */
const STAND_INS: Partial<Record<ListSection | SingleSection, Record<string, unknown>>> = {
  triggers: { within: '4 hours' },
  rules: { kind: 'letter', theirs: 'all' },
  silence: { after: '60 days' },
  // A handover's day mistyped (2027-02-30): its leaver and successor are still checked this round.
  handovers: { on: '2000-01-01', notice_from: 'management' },
};
/**
 * Values the YAML files may hold together, counted as their line breaks and commas: the parser
 * takes some 330 bytes a value, so a file under MAX_YAML_BYTES written densely (`x: [1,1,1,…]`,
 * 3.9 million values in 7.8 MB) took 3.8 GB and 70 s. Written as people write configurations
 * (about one value in 22 bytes), 8 MB is some 360,000 values: far below.
 */
export const MAX_YAML_VALUES = 1_000_000;

/**
 * What a file's aliases may expand it to, in values: anchors and aliases are handy for a shared
 * team or a rule's fields (`<<: *monthly-call`), used hundreds of times; aliases of aliases of
 * aliases are an "alias bomb" (a few lines that expand to gigabytes), refused with their place.
 * The size after expansion is what is limited, not how often an anchor is used.
 */
export const MAX_EXPANDED_VALUES = 500_000;

/** Reads the sections of one YAML file into `sources`; problems become located issues. */
export function readYamlFile(text: string, file: string, sources: RawSources): void {
  // A byte-order mark inside the text (two files joined, one saved with a BOM) is invisible, and
  // the parser said only "implicit keys need to be on a single line": said as what it is.
  const bom = text.indexOf('\ufeff', 1);
  if (bom > 0) {
    const before = text.slice(0, bom);
    const line = before.split('\n').length;
    sources.opaque = true;
    sources.issues.push({ file, line, column: bom - before.lastIndexOf('\n'), field: '', rank: 0,
      expected: 'text without a byte-order mark inside it (it belongs at the very start of a file, if anywhere)',
      found: 'an invisible byte-order mark (U+FEFF), as when two files are joined: delete the character, or retype the start of the line' });
    return;
  }
  const over = beyondValues(text, sources);
  if (over !== undefined) {
    sources.opaque = true;
    sources.issues.push({ file, line: over, column: 1, field: '', rank: 0,
      expected: `YAML files of at most ${MAX_YAML_VALUES.toLocaleString('en')} values (lines and commas) together`,
      found: 'more by this line: split the lists that long out of the configuration — clients and contacts as CSV (see "CSV from a CRM"), which is read in a fraction of the time and memory' });
    return;
  }
  try {
    // Every line break as YAML counts them (CR LF, LF, and CR alone): the yaml parser takes a CR
    // alone for no break, and a file saved with classic Mac endings was one comment line, read
    // as empty without a word (its rules gone from the plan). The line numbers stay the same.
    readYamlText(text.replace(/\r\n?/g, '\n'), file, sources);
  } catch (error) {
    // Lists or mappings nested thousands deep overflow the stack in the parser or in a walk of
    // what it made: one error for the file, whose content is then unknown (not a crash).
    if (!(error instanceof RangeError) || !/Maximum call stack/.test(error.message)) throw error;
    sources.opaque = true;
    const deep = text.split(/\r\n?|\n/).findIndex((l) => /(?:-[ \t]+){100}|[[{]{100}/.test(l));
    sources.issues.push({ file, line: deep + 1 || 1, column: 1, field: '', rank: 0, expected: 'valid YAML', found: NESTED_TOO_DEEP });
  }
}

/** What a stack overflow in the parser or a walk of its result means in the file. */
const NESTED_TOO_DEEP = 'brackets or lists nested hundreds deep';

function readYamlText(text: string, file: string, sources: RawSources): void {
  const lines = new LineCounter();
  // logLevel 'error': yaml's warnings (a mapping used as a key) would reach stderr as process warnings; they become errors here anyway.
  // The core schema whatever the file says: a `%YAML 1.1` line would make `on:` and `yes:` true.
  // Merge keys (`<<: *monthly-call`) as YAML 1.1 has them: a director's way of repeating a rule's fields.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: 'error', schema: 'core', merge: true });
  const root: YamlOrigin = { kind: 'yaml', file, doc, lines, path: [] };
  // A syntax error makes the parser stumble over what follows: its first error is the mistake,
  // the rest are echoes. Duplicate keys are each a mistake of their own.
  const firstSyntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  // `title: {client.name}: …` not in quotes: valid YAML that means a mapping (or a syntax error
  // further on the line). Said as the mistake it is, with the line as it should be written.
  const unquoted = firstSyntax ? placeholderOn(text, lines.linePos(firstSyntax.pos[0]).line, file) : placeholderMappings(doc, lines, text, file);
  if (unquoted.length > 0) {
    sources.issues.push(...unquoted);
    sources.opaque = true;
    return;
  }
  const together = entriesRunTogether(doc);
  for (const error of doc.errors) {
    if (error.code !== 'DUPLICATE_KEY' && error !== firstSyntax) continue;
    const more = together.get(error.pos[0]);
    if (more === 0) continue;
    const issue = yamlIssue(error, file, lines, text);
    sources.issues.push(more === undefined ? issue : { ...issue, found: `${issue.found} and ${more} more ${more === 1 ? 'key' : 'keys'} again after it: two entries run together (a line starting "- " deleted?)` });
  }
  for (const warning of doc.warnings) {
    if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
    sources.issues.push({ ...yamlIssue(warning, file, lines, text), expected: 'a plain YAML value (custom tags like !foo are not read)' });
  }
  // A duplicate key leaves the rest of the document as it was meant: read on, so that the
  // file's other mistakes are found in this round. Any other syntax error may have moved
  // everything after it; the file's content is unknown.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) {
    sources.opaque = true;
    return;
  }
  let data: unknown;
  try {
    const bomb = aliasBomb(doc);
    if (bomb) throw new ReferenceError(`aliases expand ${bomb}`);
    // The size after expansion is checked above: yaml's own count (uses times nesting) refused a team shared by 201 clients.
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    sources.opaque = true;
    sources.issues.push(aliasIssue(doc, root, lines, error as Error));
    return;
  }
  if (data === null || data === undefined) return;
  if (typeof data !== 'object' || Array.isArray(data)) {
    sources.issues.push({ ...placeOf(root), rank: 1, expected: 'a mapping of sections (settings, employees, clients, rules, …)', found: describeFound(data) });
    return;
  }
  dropReservedKeys(data, [], root, sources.issues);
  numberedAttributes(doc.contents, [], root, text, sources.issues);
  if (BEYOND_LATIN1.test(text)) oneByteStrings(data);
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!SECTIONS.includes(key)) {
      sources.issues.push({ ...placeOf(root, [key], true), rank: 1, expected: `a section: ${SECTIONS.join(', ')}`, found: `an unknown section ${quote(key)}${didYouMean(key, SECTIONS)}` });
      // A misspelt section ("x_settings", "cliens") is read as nothing: what it meant to define
      // is unknown, so a missing settings or an unknown client is not an error of its own this round.
      sources.opaque = true;
    }
  }
  if (Object.hasOwn(obj, 'settings')) readSettings(obj.settings, child(root, 'settings'), sources);
  for (const name of Object.keys(SINGLE_SECTIONS) as SingleSection[]) {
    if (!Object.hasOwn(obj, name)) continue;
    const origin = child(root, name);
    const earlier = sources[name];
    if (earlier) {
      const first = placeOf(earlier.origin);
      sources.issues.push({ ...placeOf(origin), rank: 2, expected: `${name} once in the whole configuration (first at ${first.file}:${first.line})`, found: `a second ${name} section` });
      continue;
    }
    const schema = SINGLE_SECTIONS[name] as z.ZodType;
    const parsed = schema.safeParse(obj[name], { reportInput: true });
    const into = sources as unknown as Record<SingleSection, Located<unknown>>;
    if (parsed.success) into[name] = { value: parsed.data, origin };
    else {
      pushZodIssues(sources, origin, parsed.error.issues, schema);
      // Kept without its broken fields (a broken `after` no longer hides a misspelt `escalate_to`).
      const kept = salvage(schema, obj[name], parsed.error.issues, STAND_INS[name]);
      if (kept) into[name] = { value: kept.value, origin, broken: kept.broken };
    }
  }
  for (const section of Object.keys(LIST_SECTIONS) as ListSection[]) {
    const list = Object.hasOwn(obj, section) ? obj[section] : undefined;
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      sources.issues.push({ ...placeOf(root, [section]), rank: 1, expected: `a list of ${section}`, found: describeFound(list) });
      // Imports that cannot be read may have brought any client or contact: none is missing this round.
      if (section === 'imports') sources.opaque = true;
      continue;
    }
    list.forEach((item, index) => readItem(sources, section, item, child(root, section, index)));
  }
  if (doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) noteDuplicateKeys(doc, obj, sources);
}

/**
 * An attribute or a tier (a client's, or one a rule or campaign selects by) written as a number
 * whose text is not the number's: YAML reads an INN `0105012345` as 105012345, a region `01` as
 * 1, a 20-digit bank account rounded, a tier `1.10` as 1.1 — the title then shows that, and a
 * selector matches nothing.
 * Said as the mistake it is, as for an id (zod-issues.ts), at the value.
 */
function numberedAttributes(node: unknown, path: (string | number)[], root: YamlOrigin, text: string, issues: ConfigIssue[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      // A CRM's word mapped under `values:` written as a number (`01: B`): its key is "1", which
      // no cell "01" is, and every client kept the CRM's "01", silently (QA).
      const key = pair.key;
      if (path.at(-2) === 'values' && typeof key.value === 'number' && key.type === 'PLAIN' && key.range) {
        const written = text.slice(key.range[0], key.range[1]);
        if (written !== String(key.value)) {
          issues.push({
            ...placeOf(root, [...path, String(key.value)], true), rank: 1, expected: 'a CRM\'s word as text, as its cells write it',
            found: `${written}, a number to YAML that reads as ${String(key.value)}: write it in quotes, as "${written}"`,
          });
        }
      }
      numberedAttributes(pair.value, [...path, String(key.value)], root, text, issues);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => numberedAttributes(item, [...path, i], root, text, issues));
  } else if (isScalar(node) && typeof node.value === 'number' && node.type === 'PLAIN' && node.range && (path.includes('attributes') || path.includes('tier'))) {
    const written = text.slice(node.range[0], node.range[1]);
    if (written === String(node.value)) return;
    issues.push({
      ...placeOf(root, path), rank: 1, expected: `${path.includes('attributes') ? 'an attribute' : 'a tier'} as text, as the CRM writes it`,
      found: `${written}, a number to YAML that reads as ${String(node.value)}: write it in quotes, as "${written}"`,
    });
  }
}

/** The fields other entries name an entry by (an employee's id, e-mail, full name or role). */
const REFERENCED_FIELDS = new Set(['id', 'email', 'name', 'role']);

/**
 * An entry with a key written twice (a second `id:` in an employee's entry) is read with one of
 * the two values, the error is at the second: references to the entry by either value are not
 * errors of their own ("popescu, which no employee has; did you mean ionescu?" per CRM row).
 */
function noteDuplicateKeys(doc: Document, obj: Record<string, unknown>, sources: RawSources): void {
  for (const section of Object.keys(LIST_SECTIONS) as ListSection[]) {
    const seq = doc.get(section, true);
    const list = obj[section];
    if (!isSeq(seq) || !Array.isArray(list)) continue;
    seq.items.forEach((node, index) => {
      if (!isMap(node)) return;
      const values = new Map<string, unknown[]>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const written = values.get(key);
        const value = isScalar(pair.value) ? pair.value.value : undefined;
        // Pushed, not copied: an entry with thousands of repeated keys is read in linear time.
        if (written) written.push(value);
        else values.set(key, [value]);
      }
      for (const [key, written] of values) {
        if (written.length > 1 && REFERENCED_FIELDS.has(key)) for (const value of written) noteBroken(sources, section, { ...(list[index] as object), [key]: value });
      }
    });
  }
}

function readItem(sources: RawSources, section: ListSection, item: unknown, at: Origin): void {
  const schema = LIST_SECTIONS[section] as z.ZodType;
  const origin = withSubject(at, subjectOf(section, item));
  const parsed = validate(schema, item);
  if (parsed.success) {
    addItem(sources, section, { value: parsed.data, origin });
    return;
  }
  pushZodIssues(sources, origin, parsed.error.issues, schema);
  const broken = brokenFields(schema, parsed.error.issues);
  noteBroken(sources, section, item, broken);
  // An import that cannot be read may have brought any client or contact: none is missing this round.
  if (section === 'imports') sources.opaque = true;
  const kept = salvage(schema, item, parsed.error.issues, STAND_INS[section]);
  if (kept) addItem(sources, section, { value: kept.value, origin, broken: kept.broken });
  else if (section === 'clients') sources.clientsLost = sources.clientIdsLost = true;
  else if (section === 'employees' && item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const o = item as Record<string, unknown>;
    sources.unkeptEmployees.push({ origin, ...(broken.has('timezone') ? {} : { timezone: o.timezone }), ...(broken.has('country') ? {} : { country: o.country }) });
  }
}

function addItem(sources: RawSources, section: ListSection, located: Located<unknown>): void {
  if (section === 'clients') {
    const client = located.value as RawClient;
    const contactOrigins = client.contacts.map((c, j) => withSubject(child(located.origin, 'contacts', j), `contact ${c.id}`));
    sources.clients.push({ ...located, value: client, contactOrigins });
  } else (sources[section] as Located<unknown>[]).push(located);
}

/** "client stroymash", "handover ivanova → sidorov": what an entry is, by its id. */
export function subjectOf(section: ListSection, item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  if (section === 'handovers') return typeof o.from === 'string' && typeof o.to === 'string' ? `handover ${o.from} → ${o.to}` : undefined;
  if (section === 'imports') return typeof o.file === 'string' ? `import of ${o.file}` : undefined;
  return typeof o.id === 'string' || typeof o.id === 'number' ? `${SINGULAR[section]} ${String(o.id)}` : undefined;
}

/** The fields of an entry that failed validation: a misspelt one ("rol") counts as the field it was meant to be. */
function brokenFields(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): Set<string> {
  const fields = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      for (const key of issue.keys) fields.add(meantField(key, knownKeysAt(schema, [])) ?? key);
    } else fields.add(typeof issue.path[0] === 'string' ? issue.path[0] : '*');
  }
  return fields;
}

/**
 * Remembers what references to an entry that failed validation (or was written with a key twice)
 * may name, so that they are not errors of their own: its ids and roles as written, or, when the
 * id or role is itself the mistake, that any may have been meant.
 */
function noteBroken(sources: RawSources, section: ListSection, item: unknown, broken: ReadonlySet<string> = new Set()): void {
  if (item === null || typeof item !== 'object') {
    // An employee entry that is no mapping (`- ivanova`): whose it is, and what role, is unknown.
    if (section === 'employees') {
      sources.employeeIdsLost = true;
      sources.brokenRoles.add('*');
    }
    return;
  }
  const o = item as Record<string, unknown>;
  if (typeof o.id === 'string') sources.brokenIds.add(o.id);
  if (section === 'employees') {
    // `ivanova!`, '1.5 months', a 300-character id: the clients, handovers and CRM rows that name
    // "ivanova" do not say so again, with a "did you mean" that guesses another employee.
    if (broken.has('id') || broken.has('*')) sources.employeeIdsLost = true;
    sources.brokenRoles.add(typeof o.role === 'string' && !broken.has('role') && !broken.has('*') ? o.role.trim() : '*');
    // A team names them by id, e-mail or full name, as written or as it should have been ("Popescu"
    // refused, "popescu" in the CRM): references to them are not errors of their own.
    for (const ref of [o.id, o.email]) if (typeof ref === 'string') sources.brokenIds.add(ref.trim().toLowerCase());
    if (typeof o.name === 'string') sources.brokenIds.add(nameKey(o.name));
  }
  if (section === 'clients' && Array.isArray(o.contacts)) {
    for (const c of o.contacts) if (c && typeof (c as { id?: unknown }).id === 'string') sources.brokenIds.add((c as { id: string }).id);
  }
}

function readSettings(value: unknown, origin: Origin, sources: RawSources): void {
  if (sources.settings) {
    const first = placeOf(sources.settings.origin);
    const parsed = sources.settingsIssues && settingsSchema.safeParse(value);
    if (parsed?.success && sources.settingsIssues) {
      // The first ones did not validate and these do (a `language.yaml` with `settings: { language: ro }`
      // read before settings.yaml): the short one is the mistake, said once there, not as the
      // company and country it lacks and a second section blamed on the complete one.
      const stray = sources.settings.origin;
      sources.issues.splice(sources.settingsIssues.start, sources.settingsIssues.count);
      sources.settingsIssues = undefined;
      sources.settings = { value: parsed.data, origin };
      const here = placeOf(origin);
      sources.issues.push({ ...placeOf(stray), rank: 2, expected: `settings once in the whole configuration (the company's are at ${here.file}:${here.line})`,
        found: 'a second settings section: move what it sets into those' });
      return;
    }
    sources.issues.push({ ...placeOf(origin), rank: 2, expected: `settings once in the whole configuration (first at ${first.file}:${first.line})`, found: 'a second settings section' });
    return;
  }
  if (value === null || value === undefined) {
    sources.issues.push({ ...placeOf(origin), rank: 1, expected: 'the company\'s settings under settings: (at least company and country)', found: 'an empty settings section' });
    sources.settings = fallbackSettings(origin, {});
    return;
  }
  const parsed = settingsSchema.safeParse(value, { reportInput: true });
  if (parsed.success) {
    sources.settings = { value: parsed.data, origin };
    return;
  }
  const start = sources.issues.length;
  pushZodIssues(sources, origin, parsed.error.issues, settingsSchema);
  sources.settingsIssues = { start, count: sources.issues.length - start };
  const broken = new Set<string>();
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) continue;
    broken.add(typeof issue.path[0] === 'string' ? issue.path[0] : '*');
  }
  if (broken.has('*') || typeof value !== 'object' || Array.isArray(value)) {
    sources.settings = fallbackSettings(origin, {});
    return;
  }
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (!broken.has(key) && Object.hasOwn(settingsSchema.shape, key)) kept[key] = v;
  sources.settings = fallbackSettings(origin, kept, broken);
}

/**
 * Settings to check the rest of the configuration against when the real ones are broken or
 * missing: every broken field is marked, so nothing that depends on it is reported.
 */
export function fallbackSettings(origin: Origin, kept: Record<string, unknown>, broken: Set<string> = new Set(Object.keys(settingsSchema.shape))): Located<z.output<typeof settingsSchema>> {
  const value = { ...kept };
  if (value.company === undefined) {
    value.company = 'the company';
    broken.add('company');
  }
  if (value.country === undefined) {
    value.country = 'ZZ';
    broken.add('country');
  }
  const parsed = settingsSchema.safeParse(value);
  return { value: parsed.success ? parsed.data : settingsSchema.parse({ company: 'the company', country: 'ZZ' }), origin, broken };
}

const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;
const LATIN1 = /^[\u0000-\u00ff]*$/;

/**
 * A file with one letter beyond Latin-1 (a Cyrillic name, an em dash in a comment) is a
 * two-byte string, and so is every value the parser cuts from it: ids, roles and zones that
 * every planned touch and every feed line repeats would take twice the memory, and every text
 * made from them (a plan's JSON) would be two-byte too. Values that fit in Latin-1 are copied
 * into one-byte strings, in place.
 */
function oneByteStrings(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 64) return;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (typeof v === 'string') {
      if (v.length > 0 && LATIN1.test(v)) obj[key] = Buffer.from(v, 'latin1').toString('latin1');
    } else oneByteStrings(v, depth + 1);
  }
}

/** Keys named __proto__ are refused where they are written and dropped, so no object built from the file has one. */
function dropReservedKeys(value: unknown, path: (string | number)[], root: Origin, issues: ConfigIssue[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 64) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => dropReservedKeys(v, [...path, i], root, issues, depth + 1));
    return;
  }
  const obj = value as Record<string, unknown>;
  if (Object.hasOwn(obj, '__proto__')) {
    issues.push({ ...placeOf(root, [...path, '__proto__'], true), rank: 1, expected: 'a field name other than __proto__', found: 'the reserved name "__proto__"' });
    delete obj.__proto__;
  }
  for (const key of Object.keys(obj)) dropReservedKeys(obj[key], [...path, key], root, issues, depth + 1);
}

/** `key: {client.name}: …` or `key: [{event.ref}] …`: a line whose value starts with a placeholder, not in quotes. */
const UNQUOTED_PLACEHOLDER = /^([ \t]*(?:-[ \t]+)?)([^\s#'"{}[\],-][^#:{}"'[\],]*?):[ \t]+(\[?\{[\p{L}\p{N}_.-]+\}.*?)[ \t]*\r?$/u;
/** A flow mapping `{client.name}` is a placeholder read as YAML: one key like a placeholder's, no value. */
const PLACEHOLDER_KEY = /^[\p{L}\p{N}_.-]+$/u;

/** The error for line `line` (1-based) if it is such a line, as a list of none or one. */
function placeholderOn(text: string, line: number, file: string): ConfigIssue[] {
  const m = UNQUOTED_PLACEHOLDER.exec(lineOf(text, line) ?? '');
  if (!m) return [];
  const [, indent, key, value] = m as unknown as [string, string, string, string];
  const written = value.includes('"') ? `'${value.replace(/'/g, "''")}'` : `"${value}"`;
  return [{
    file, line, column: [...indent, ...key].length + 3, field: '', rank: 0,
    expected: `a value that starts with a placeholder in quotes (${key.trim()}: ${written})`,
    found: `${quote(value)} not in quotes, which YAML reads as a ${value.startsWith('[') ? 'list' : 'mapping'}, not text`,
  }];
}

/** In a document that parsed, the values that are such mappings (a block scalar's text that looks alike is not one). */
function placeholderMappings(doc: Document, lines: LineCounter, text: string, file: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  if (!text.includes('{')) return out;
  visit(doc, {
    Pair(_key, pair) {
      const value = pair.value;
      if (!isMap(value) || !value.flow || value.items.length !== 1) return;
      const only = value.items[0]!;
      if (!isScalar(only.key) || !PLACEHOLDER_KEY.test(String(only.key.value)) || (only.value !== null && !(isScalar(only.value) && only.value.value === null))) return;
      out.push(...placeholderOn(text, lines.linePos(value.range?.[0] ?? 0).line, file));
    },
  });
  return out;
}

/** Line `line` (1-based) of the text, without splitting the whole file; undefined past its end. */
function lineOf(text: string, line: number): string | undefined {
  if (line < 1) return undefined;
  let start = 0;
  for (let i = 1; i < line; i++) {
    start = text.indexOf('\n', start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end);
}

/**
 * Mappings in which several keys come a second time: two list entries run together (the line
 * that started the second, `- id: …`, deleted), one mistake. By the offset of each repeated key:
 * the first's count of the others, which are 0 (said with it, not each on its own).
 */
function entriesRunTogether(doc: Document): Map<number, number> {
  const found = new Map<number, number>();
  if (!doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) return found;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      const again: number[] = [];
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key) && isScalar(pair.key) && pair.key.range) again.push(pair.key.range[0]);
        seen.add(key);
      }
      if (again.length < 2) return;
      found.set(again[0]!, again.length - 1);
      for (const at of again.slice(1)) found.set(at, 0);
    },
  });
  return found;
}

const YAML_EXPECTED: Record<string, string> = {
  DUPLICATE_KEY: 'each key once in a mapping',
  TAB_AS_INDENT: 'spaces for indentation (YAML does not allow tabs)',
  BAD_INDENT: 'consistent indentation',
  MISSING_CHAR: 'a closing bracket or quote',
  BAD_ALIAS: 'an alias to an anchor defined before it',
  MULTILINE_IMPLICIT_KEY: 'a key on one line (a missing ":" or quote?)',
};

function yamlIssue(error: YAMLError, file: string, lines: LineCounter, text: string): ConfigIssue {
  const pos = lines.linePos(error.pos[0]);
  let found = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'DUPLICATE_KEY') found = `a second ${quote(/^[^:\n]*/.exec(text.slice(error.pos[0], error.pos[0] + 200))![0].trim() || 'key')}`;
  if (error.code === 'TAB_AS_INDENT') found = 'a tab';
  // yaml's words for programmers, said as what is seen in the file.
  if (/^All mapping items must start at the same column/.test(found)) found = 'a field indented differently from the fields before it';
  if (/Maximum call stack/.test(found)) found = NESTED_TOO_DEEP;
  // A "---" line (two files pasted together, or a document marker copied from an example).
  if (/^Source contains multiple documents/.test(found)) {
    return { file, line: pos.line, column: pos.col, field: '', rank: 0, expected: 'one YAML document per file', found: 'a second document after a "---" line: delete the line, or put what follows it in a file of its own' };
  }
  // A no-break space where YAML wants a space (the indentation, after ":" or "- "), on the line
  // or the one above; one inside a value (a company's name from Word) is no mistake.
  const around = [pos.line, pos.line - 1].map((n) => {
    const l = lineOf(text, n) ?? '';
    const at = /^[ \u00a0]*\u00a0|:\u00a0|(?:^|\s)-\u00a0/.exec(l)?.index ?? -1;
    return { n, at: at < 0 ? -1 : l.indexOf('\u00a0', at) };
  }).find((x) => x.at >= 0);
  if (around && (error.code === 'MULTILINE_IMPLICIT_KEY' || error.code === 'BAD_INDENT' || error.code === 'MISSING_CHAR' || error.code === 'BLOCK_AS_IMPLICIT_KEY' || error.code === 'UNEXPECTED_TOKEN')) {
    return { file, line: around.n, column: around.at + 1, field: '', rank: 0, expected: 'ordinary spaces (a no-break space, U+00A0, as Word and web pages copy it, is not one to YAML)', found: 'a no-break space' };
  }
  // A list or mapping in brackets not closed: yaml says so where it gave up (the next field); the
  // mistake is the bracket that opens and is not closed, on that line or one above.
  const unclosed = /end with a ([\]}])$/.exec(found);
  if (unclosed) {
    const open = unclosedBracket(text, pos.line, unclosed[1] === ']' ? '[' : '{');
    if (open) {
      return unclosed[1] === ']'
        ? { file, line: open.line, column: open.column, field: '', rank: 0, expected: 'a list in brackets closed on its line, like theirs: [buyer, director]', found: 'a "[" that is not closed' }
        : { file, line: open.line, column: open.column, field: '', rank: 0, expected: 'a mapping in braces closed on its line, like for: { tier: A }', found: 'a "{" that is not closed' };
    }
  }
  // `kind:meeting`: no space after the colon makes one word of it, and yaml then complains of a key on two lines.
  if (error.code === 'MULTILINE_IMPLICIT_KEY') {
    const line = lineOf(text, pos.line) ?? '';
    const glued = /^(\s*(?:- )?)([\p{L}_][\p{L}\p{N}_.-]*):(?=[^\s:/])/u.exec(line);
    if (glued) {
      return { file, line: pos.line, column: glued[1]!.length + glued[2]!.length + 1, field: '', rank: 0, expected: `a space after the ":" of a field (${glued[2]}: …)`, found: `${quote(line.trim())}, with no space after ":"` };
    }
  }
  // A line indented out of step in a list item reads to yaml as an item without "- ": not a bracket or quote.
  const outOfStep = error.code === 'MISSING_CHAR' && /without - indicator/.test(found);
  if (outOfStep) found = 'a line indented differently from the fields around it';
  // "role: x" followed by a line indented further: yaml blames the value above; the mistake is
  // the line below, indented as if under it.
  // Or a value with ": " in it (title: Поздравление: 8 марта), which yaml reads the same way.
  if (error.code === 'BLOCK_AS_IMPLICIT_KEY') {
    const all = text.split('\n');
    const here = all[pos.line - 1] ?? '';
    const indent = (l: string) => /^ */.exec(l)![0].length;
    const below = all.slice(pos.line).findIndex((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const next = below >= 0 ? all[pos.line + below]! : undefined;
    if (/: /.test(here.slice(pos.col - 1))) {
      return { file, line: pos.line, column: pos.col, field: '', rank: 0, expected: 'a value with ": " in it written in quotes (title: "Поздравление: 8 марта")', found: 'a ": " inside a value not in quotes' };
    }
    if (next !== undefined && indent(next) > indent(here)) {
      const line = pos.line + below + 1;
      return { file, line, column: indent(next) + 1, field: '', rank: 0, expected: `${YAML_EXPECTED.BAD_INDENT!}: each field of an entry starting at the same column as the others`, found: 'a line indented further than the field above it' };
    }
  }
  return { file, line: pos.line, column: pos.col, field: '', rank: 0, expected: outOfStep ? YAML_EXPECTED.BAD_INDENT! : YAML_EXPECTED[error.code] ?? 'valid YAML', found };
}

/**
 * The last "[" (or "{") on line `upTo` or above that is not closed on its own line, outside
 * quotes and comments: where a flow collection yaml could not finish was opened.
 */
function unclosedBracket(text: string, upTo: number, bracket: '[' | '{'): { line: number; column: number } | undefined {
  const close = bracket === '[' ? ']' : '}';
  for (let n = upTo; n >= 1 && n > upTo - 50; n--) {
    const line = lineOf(text, n) ?? '';
    const opened: number[] = [];
    let quoteChar: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoteChar) {
        if (ch === quoteChar) quoteChar = undefined;
        continue;
      }
      if (ch === '"' || ch === "'") quoteChar = ch;
      else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
      else if (ch === bracket) opened.push(i);
      else if (ch === close) opened.pop();
    }
    if (opened.length > 0) return { line: n, column: opened.at(-1)! + 1 };
  }
  return undefined;
}

/**
 * toJS fails on an alias to no anchor, or on too many aliases: the place is the first such
 * alias (yaml's own exception has none).
 */
function aliasIssue(doc: Document, root: YamlOrigin, lines: LineCounter, error: Error): ConfigIssue {
  let unresolved: { offset: number; name: string } | undefined;
  let count = 0;
  let first: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      count++;
      first ??= node.range?.[0];
      if (!unresolved && node.resolve(doc) === undefined) unresolved = { offset: node.range?.[0] ?? 0, name: node.source };
    },
  });
  if (unresolved) {
    const pos = lines.linePos(unresolved.offset);
    return { file: root.file, line: pos.line, column: pos.col, field: '', rank: 0, expected: 'an alias to an anchor defined before it', found: `*${unresolved.name}, which no &${unresolved.name} before it defines` };
  }
  const pos = lines.linePos(first ?? 0);
  const found = /alias/i.test(error.message) ? `${count} aliases that expand the file to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values (an "alias bomb": aliases of anchors that hold aliases)` : error.message.split('\n')[0]!;
  return { file: root.file, line: pos.line, column: pos.col, field: '', rank: 0, expected: 'YAML aliases (*name) that repeat a value, not multiply it', found };
}

/** The line where the YAML files read so far pass MAX_YAML_VALUES (counted on in `sources`), or undefined. */
function beyondValues(text: string, sources: RawSources): number | undefined {
  let values = sources.yamlValues ?? 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (c === 10 || c === 44) values++;
    if (values > MAX_YAML_VALUES) return line;
  }
  sources.yamlValues = values;
  return undefined;
}

/**
 * How far a document's aliases expand it, when beyond MAX_EXPANDED_VALUES ("to more than …"), or
 * undefined: each collection's size counted once, an alias as the size of what its anchor holds
 * (the last anchor of that name before it, as YAML resolves it). An anchor that holds an alias to
 * itself expands for ever.
 */
function aliasBomb(doc: Document): string | undefined {
  let aliases = 0;
  visit(doc, {
    Alias() {
      aliases++;
    },
  });
  if (aliases === 0) return undefined;
  const sizes = new Map<unknown, number>();
  const counting = new Set<unknown>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = aliasTarget(doc, node);
      return target === undefined ? 1 : size(target);
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (counting.has(node)) return Number.POSITIVE_INFINITY;
    counting.add(node);
    let n = 1;
    for (const item of node.items as unknown[]) {
      n += isPair(item) ? size(item.key) + size(item.value) : size(item);
      if (n > MAX_EXPANDED_VALUES) break;
    }
    counting.delete(node);
    sizes.set(node, n);
    return n;
  };
  const total = size(doc.contents);
  return total > MAX_EXPANDED_VALUES ? (Number.isFinite(total) ? `to more than ${MAX_EXPANDED_VALUES}` : 'for ever') : undefined;
}

