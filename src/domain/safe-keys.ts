/**
 * Objects indexed by keys users write (role names, attribute names, CSV headers). A plain
 * object answers `team['toString']` and `team['constructor']` with built-in members, and
 * assigning to `obj['__proto__']` replaces its prototype; these helpers never do either.
 */

/** Keys refused wherever a user's text becomes an object key (headers, YAML mapping keys). */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A record with no prototype: only the keys put into it are found. */
export function dict<V>(entries?: Iterable<readonly [string, V]>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  if (entries) for (const [key, value] of entries) out[key] = value;
  return out;
}

/** The value of an own key, never an inherited member: own(team, 'toString') → undefined. */
export function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
