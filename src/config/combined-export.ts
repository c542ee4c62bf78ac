import { quote } from './config-issue.ts';
import { placeOf } from './origin.ts';
import type { LocatedClient, RawSources } from './sources.ts';

/**
 * A combined export ("список клиентов с контактными лицами": one row per contact, its company's
 * columns repeated on each) is declared twice under `imports:`, once as clients and once as
 * contacts. Read as clients, a company comes once per contact: its repeated rows are one client
 * and must say the same; a row that says otherwise is one error per company and field, at the
 * first row that differs (the export was made while someone edited the company, or two
 * companies share an id).
 *
 * `start`: the index in `sources.clients` where this file's clients begin.
 */
export function mergeRepeatedClients(sources: RawSources, start: number): void {
  const first = new Map<string, LocatedClient>();
  const said = new Set<string>();
  const kept: LocatedClient[] = [];
  for (const located of sources.clients.slice(start)) {
    const id = located.value.id;
    const earlier = first.get(id);
    if (!earlier) {
      first.set(id, located);
      kept.push(located);
      continue;
    }
    // A row with a field of its own broken has its error already: not compared as well.
    if (earlier.broken?.size || located.broken?.size) continue;
    const diff = firstDifference(earlier.value, located.value, []);
    if (diff === undefined || said.has(`${id}\u0000${diff.path.join('.')}`)) continue;
    said.add(`${id}\u0000${diff.path.join('.')}`);
    const line = placeOf(earlier.origin).line;
    sources.issues.push({
      ...placeOf(located.origin, diff.path), rank: 2,
      expected: `the same as line ${line} for client ${quote(id)} (a combined export repeats a company on each of its contacts' rows)`,
      found: `${shown(diff.later)}, where line ${line} has ${shown(diff.earlier)}`,
    });
  }
  sources.clients.length = start;
  sources.clients.push(...kept);
}

interface Difference {
  readonly path: readonly string[];
  readonly earlier: unknown;
  readonly later: unknown;
}

/** The first field (a path into team or attributes) where two rows' values differ. */
function firstDifference(a: unknown, b: unknown, path: readonly string[]): Difference | undefined {
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const diff = firstDifference(a[key], b[key], [...path, key]);
      if (diff) return diff;
    }
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => firstDifference(x, b[i], path) === undefined) ? undefined : { path, earlier: a, later: b };
  }
  return Object.is(a, b) ? undefined : { path, earlier: a, later: b };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  if (value === undefined || value === '') return 'nothing';
  return typeof value === 'string' ? quote(value) : quote(JSON.stringify(value));
}
