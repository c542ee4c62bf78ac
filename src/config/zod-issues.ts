import type { z } from 'zod';
import { describeFound, quote, type ConfigIssue } from './config-issue.ts';
import { placeOf, type Origin } from './origin.ts';
import { closest, didYouMeanOption, meantField, mixedScript } from './suggest.ts';
import { COUNTRY_CODE } from './schema.ts';
import { countryHint } from './place-hints.ts';
import { hasHolidayCalendar } from '../planner/public-holidays.ts';
import { englishWeekday } from './weekday-names.ts';

/**
 * zod's issues as located configuration issues: "expected … found …" in the users' words,
 * with "did you mean" for a misspelled field name or value.
 */
export function pushZodIssues(sink: { issues: ConfigIssue[] }, origin: Origin, issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): void {
  // A value of the wrong type is one mistake: zod also runs the field's other checks on it (a
  // list's "at most 5" on the text written instead of the list), which say nothing more.
  const wrongType = new Set(issues.filter((i) => i.code === 'invalid_type').map((i) => i.path.join('\u0000')));
  // A required field written under another name ("kidn", "type" for kind) is one mistake: the
  // unknown field's error names the field; "found nothing" there says nothing more.
  const meantMissing = new Set(issues.flatMap((i) => (i.code === 'unrecognized_keys' && schema
    ? i.keys.map((key) => meantField(key, knownKeysAt(schema, i.path))).filter((k) => k !== undefined).map((k) => [...i.path, k].join('\u0000'))
    : [])));
  const translated = weekdaysInAnotherLanguage(issues);
  for (const [, { path, found }] of translated.lists) {
    sink.issues.push({ ...placeOf(origin, path), rank: 1, expected: 'weekdays as mon, tue, wed, thu, fri, sat, sun',
      found: `${found.map((f) => quote(f.word)).join(', ')}: weekdays written otherwise; write ${found.map((f) => `${f.day} for ${quote(f.word)}`).join(', ')}` });
  }
  for (const issue of issues) {
    if (translated.issues.has(issue)) continue;
    if (issue.code !== 'invalid_type' && wrongType.has(issue.path.join('\u0000'))) continue;
    if (meantMissing.has(issue.path.join('\u0000')) && (issue as { input?: unknown }).input === undefined) continue;
    if (issue.code === 'unrecognized_keys') {
      const known = schema ? knownKeysAt(schema, issue.path) : [];
      for (const key of issue.keys) {
        const place = placeOf(origin, [...issue.path, key], true);
        const list = known.length ? ` (${known.join(', ')})` : ' (check the spelling; see README.md, Configuration)';
        sink.issues.push({ ...place, rank: 1, expected: `one of the known fields${list}`, found: `an unknown field ${quote(key)}${meantOf(key, known)}` });
      }
      continue;
    }
    // "one or a list" (a selector's stage: lapsd, or [active, onbording]): the branch the value's
    // shape was meant for says what is wrong with it, not "a single value or a list of values".
    const branch = issue.code === 'invalid_union' ? shapedBranch(issue) : undefined;
    if (branch) {
      pushZodIssues(sink, origin, branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] })), schema);
      continue;
    }
    const place = placeOf(origin, issue.path);
    sink.issues.push({ ...place, rank: 1, expected: expectedOf(issue), found: foundOf(issue) });
  }
}

/**
 * The weekdays of a list written in Russian or Romanian (`[пн, вт, ср]`): one issue for the list,
 * at the list, in place of one for each day.
 */
function weekdaysInAnotherLanguage(issues: readonly z.core.$ZodIssue[]): {
  issues: ReadonlySet<z.core.$ZodIssue>; lists: ReadonlyMap<string, { path: PropertyKey[]; found: { word: string; day: string }[] }>;
} {
  const taken = new Set<z.core.$ZodIssue>();
  const lists = new Map<string, { path: PropertyKey[]; found: { word: string; day: string }[] }>();
  for (const issue of issues) {
    const input = (issue as { input?: unknown }).input;
    if (issue.code !== 'invalid_value' || typeof input !== 'string' || typeof issue.path.at(-1) !== 'number' || !issue.values.includes('mon')) continue;
    const day = englishWeekday(input);
    if (day === undefined) continue;
    const path = issue.path.slice(0, -1);
    const key = path.join('\u0000');
    const list = lists.get(key) ?? { path, found: [] };
    list.found.push({ word: input, day });
    lists.set(key, list);
    taken.add(issue);
  }
  return { issues: taken, lists };
}

/** "; did you mean "every"?" for "evry" or "cadence", or nothing. */
function meantOf(key: string, known: readonly string[]): string {
  const meant = meantField(key, known);
  return meant === undefined ? '' : `; did you mean ${quote(meant)}?`;
}

/** The one branch of a failed union whose shape the value has (its issues are about what is inside), if there is exactly one. */
function shapedBranch(issue: z.core.$ZodIssue & { code: 'invalid_union' }): readonly z.core.$ZodIssue[] | undefined {
  // A list's branch speaks of its items; a single value's, of the value itself (and is no list's).
  const list = Array.isArray((issue as { input?: unknown }).input);
  const shaped = (issue.errors ?? []).filter((branch) => branch.length > 0
    && !branch.some((i) => i.path.length === 0 && (list || i.code === 'invalid_type')));
  return shaped.length === 1 ? shaped[0] : undefined;
}

/** zod validation, fast when the input is valid: found values (`reportInput`) cost five times as much, so they are asked for only on a second pass. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): ReturnType<T['safeParse']> {
  const first = schema.safeParse(input);
  return (first.success ? first : schema.safeParse(input, { reportInput: true })) as ReturnType<T['safeParse']>;
}

/** zod's names of types, as a person says them ("a int" read oddly: `meetings_per_day: 2.5`). */
const TYPE_WORDS: Readonly<Record<string, string>> = { array: 'a list', object: 'a mapping', int: 'a whole number', boolean: 'true or false' };

function expectedOf(issue: z.core.$ZodIssue): string {
  // A message the schema wrote itself says it best; zod's own start with these words.
  if (issue.code !== 'invalid_type' && issue.code !== 'invalid_value' && !/^(Invalid|Too (big|small)|Expected|Unrecognized)/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.message.startsWith('Invalid input')) return TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
      return issue.message;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'a single value or a list of values';
    case 'too_small':
      return issue.origin === 'array' ? `a list of at least ${String(issue.minimum)}` : issue.origin === 'string' ? 'a non-empty value' : `at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' ? `a list of at most ${String(issue.maximum)}` : issue.origin === 'string' ? `at most ${String(issue.maximum)} characters` : `at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'an e-mail address' : issue.message;
    default:
      return issue.message;
  }
}

/** An id, a name or a phone number (a client's, a team member's): text that may be all digits, unlike a duration's or a count's. */
function namesSomething(path: readonly PropertyKey[]): boolean {
  const last = path.at(-1);
  return last === 'id' || last === 'name' || last === 'client' || last === 'company' || last === 'phone' || path.at(-2) === 'team';
}

function foundOf(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const custom = issue.code === 'custom' ? (issue.params as { found?: string } | undefined)?.found : undefined;
  if (custom) return custom;
  if (issue.code === 'invalid_type' && input === undefined) return 'nothing (the field is missing)';
  // `id: 007` is the number 7 to YAML: the text as written needs quotes.
  // Not "as 12345": YAML has already dropped what the number lost (a phone's 0, its +).
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof input === 'number' && namesSomething(issue.path)) return `${describeFound(input)}, a number to YAML (007 reads as 7, +373 as 373, 1e3 as 1000): write it in quotes, exactly as it should read`;
  // "ro", "Россия": the two letters meant.
  if (issue.code === 'invalid_format' && issue.message === COUNTRY_CODE && typeof input === 'string') return `${describeFound(input)}${countryHint(input, hasHolidayCalendar)}`;
  if (issue.code === 'invalid_format' && typeof input === 'string') return `${describeFound(input)}${mixedScript(input)}`;
  if (issue.code === 'invalid_value' && typeof input === 'string') {
    return `${describeFound(input)}${didYouMeanOption(input, issue.values.filter((v): v is string => typeof v === 'string'))}`;
  }
  return describeFound(input);
}

/**
 * What can be kept of an entry that failed validation: the entry without its broken fields
 * (and, for a client, without its broken contacts), when that still is an entry.
 */
export function salvage(
  schema: z.ZodType, item: unknown, issues: readonly z.core.$ZodIssue[],
  /**
   * Stand-ins for required fields that are broken (a trigger's `within`): the entry is then kept
   * with them, so that its other fields are checked in the same round (its `ours`). They are never
   * used for anything else: a configuration with an error is not built.
   */
  standIns: Readonly<Record<string, unknown>> = {},
): { value: unknown; broken: ReadonlySet<string> } | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const copy: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  const broken = new Set<string>();
  const unknown = new Set<string>();
  const badContacts = new Set<number>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
      // A misspelt field ("evry") counts as the field it was meant to be, broken: nothing that needs it is reported.
      for (const key of issue.keys) {
        unknown.add(key);
        broken.add(meantField(key, knownKeysAt(schema, [])) ?? key);
      }
      continue;
    }
    const [key, index] = issue.path;
    if (typeof key !== 'string') return undefined;
    if (key === 'contacts' && typeof index === 'number' && Array.isArray(copy.contacts)) badContacts.add(index);
    else {
      broken.add(key);
      unknown.add(key);
    }
  }
  for (const key of unknown) delete copy[key];
  for (const key of broken) if (!Object.hasOwn(copy, key) && Object.hasOwn(standIns, key)) copy[key] = standIns[key];
  if (badContacts.size > 0) copy.contacts = (copy.contacts as unknown[]).filter((_, i) => !badContacts.has(i));
  const parsed = schema.safeParse(copy);
  if (!parsed.success) return undefined;
  if (badContacts.size > 0) broken.add('contacts');
  return { value: parsed.data, broken };
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The field names a schema knows at a path of the input (for "did you mean"). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const walk = (s: z.ZodType, i: number, depth: number) => {
    if (depth > 20) return;
    const def = defOf(s);
    switch (def.type) {
      case 'object':
        if (i === path.length) for (const key of Object.keys(def.shape!)) found.add(key);
        else if (typeof path[i] === 'string' && Object.hasOwn(def.shape!, path[i] as string)) walk(def.shape![path[i] as string]!, i + 1, depth + 1);
        return;
      case 'array':
        if (i < path.length && typeof path[i] === 'number') walk(def.element!, i + 1, depth + 1);
        return;
      case 'record':
        if (i < path.length) walk(def.valueType!, i + 1, depth + 1);
        return;
      case 'union':
        for (const option of def.options!) walk(option, i, depth + 1);
        return;
      case 'pipe':
        walk(def.in!, i, depth + 1);
        return;
      default:
        if (def.innerType) walk(def.innerType, i, depth + 1);
    }
  };
  walk(schema, 0, 0);
  return [...found];
}
