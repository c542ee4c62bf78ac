import { placeText, type ConfigIssue, type ConfigWarning } from './config-issue.ts';

/** Places listed after a repeated mistake's first; the rest are counted. */
const LISTED = 8;

/**
 * One error per mistake, where one mistake reaches many entries:
 * - the same value in the same column of many rows of a CRM export ("Россия" for every Russian
 *   client's country, a manager's name misspelt by the CRM): said at its first row, with the
 *   other rows' lines — 5,000 rows gave 5,000 identical errors;
 * - a value written once under an anchor and repeated by its aliases (`team: *shared` in 200
 *   clients): placeOf puts each at the anchor's line, and it is said once, naming who uses it.
 * `issues` sorted (sortIssues): each group is said where its first was.
 */
export function sayRepeatsOnce(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return grouped(issues, groupKey).map((group) => (group.length === 1 ? group[0]! : merged(group)));
}

/** Items in groups of the same key, each group where its first item was; an item without a key is a group of its own. */
function grouped<T>(items: readonly T[], keyOf: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  const out: T[][] = [];
  for (const item of items) {
    const key = keyOf(item);
    const group = key === undefined ? undefined : groups.get(key);
    if (group) group.push(item);
    else {
      const fresh = [item];
      if (key !== undefined) groups.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

const YAML = /\.ya?ml$/i;

/** What makes two issues one mistake; undefined for one that is always its own (no line: the folder). */
function groupKey(issue: ConfigIssue): string | undefined {
  if (issue.mistake !== undefined) return `\0mistake\0${issue.mistake}`;
  if (issue.line <= 0) return undefined;
  const what = `${issue.file}\0${issue.rank ?? 1}\0${issue.expected}\0${issue.found}`;
  // YAML: the same place (an anchor's value, through its aliases) and the same field of each entry
  // (two fields an entry lacks are both placed at the entry: two mistakes); a table: the same column.
  return YAML.test(issue.file) ? `${what}\0${yamlPlace(issue)}` : `${what}\0${issue.field}`;
}

/** Where a YAML mistake is said (an anchor's value, for every alias of it) and of which field of each entry it reaches. */
function yamlPlace(item: { line: number; column: number; field: string }): string {
  return `${item.line}:${item.column}\0${item.field.replace(/\[\d+\]/g, '[]')}`;
}

function merged(group: readonly ConfigIssue[]): ConfigIssue {
  const [first] = group as [ConfigIssue, ...ConfigIssue[]];
  const rest = group.slice(1);
  if (first.mistake !== undefined) return { ...first, found: `${first.found}; also needed at ${listed(rest.map((i) => `${placeText(i)} ${i.field}`))}` };
  if (YAML.test(first.file)) {
    const users = aliasUsers(group);
    return users ? { ...first, found: `${first.found} ${users}` } : first;
  }
  // The other rows (a row's cell read twice, by a combined export, is one).
  const lines = [...new Set(rest.map((i) => i.line))].filter((l) => l !== first.line);
  if (lines.length === 0) return first;
  // A value the field cannot take, as a CRM writes it (a country, a stage, a zone), is one mapping away.
  const hint = (first.rank ?? 1) === 1 && first.found.startsWith('"') ? '; "values:" under the file\'s "imports:" entry can map a CRM\'s word for every row' : '';
  return { ...first, found: `${first.found} (the same in ${lines.length} more ${lines.length === 1 ? 'row' : 'rows'}: ${lines.length === 1 ? 'line' : 'lines'} ${listed(lines.map(String))}${hint})` };
}

function listed(items: readonly string[]): string {
  if (items.length <= LISTED) return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
  return `${items.slice(0, LISTED).join(', ')} and ${items.length - LISTED} more`;
}

/**
 * A warning a YAML anchor's value gives every entry its aliases reach, said once at the anchor
 * (placeOf puts each there), as sayRepeatsOnce does for errors. `warnings` sorted by place.
 */
export function sayWarningsOnce(warnings: readonly ConfigWarning[]): ConfigWarning[] {
  const keyOf = (w: ConfigWarning) => (YAML.test(w.file) && w.line > 0 ? `${w.file}\0${yamlPlace(w)}\0${w.message}` : undefined);
  return grouped(warnings, keyOf).map((group) => {
    const users = aliasUsers(group);
    return users ? { ...group[0]!, message: `${group[0]!.message} ${users}` } : group[0]!;
  });
}

/** Who a YAML mistake said once reaches, as said after it; undefined when it is one entry's alone. */
function aliasUsers(group: readonly { subject?: string; field: string }[]): string | undefined {
  const named = [...new Set(group.map((i) => i.subject ?? i.field).filter((s) => s !== ''))];
  return named.length < 2 ? undefined : `(written once, used by ${named.length} entries through aliases of its anchor: ${listed(named)})`;
}
