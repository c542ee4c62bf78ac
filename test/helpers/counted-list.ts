/**
 * The list itself, with a count of how often it is read whole: the caches kept per list
 * (src/domain/per-list.ts) read theirs with `map`.
 */
export function countedList<T>(items: T[]): { list: T[]; reads: () => number } {
  let reads = 0;
  const map = items.map.bind(items);
  Object.defineProperty(items, 'map', { value: (...args: Parameters<typeof map>) => { reads++; return map(...args); } });
  return { list: items, reads: () => reads };
}
