/**
 * A value made from a list once and kept by the list itself: a configuration's lists are frozen,
 * and a copy of the configuration made with other lists (`{ ...config, clients }`) gets its own.
 * A list that grew since is made again.
 */
export function perList<T, R>(make: (list: readonly T[]) => R): (list: readonly T[]) => R {
  const kept = new WeakMap<readonly T[], { readonly size: number; readonly value: R }>();
  return (list) => {
    let entry = kept.get(list);
    if (!entry || entry.size !== list.length) {
      entry = { size: list.length, value: make(list) };
      kept.set(list, entry);
    }
    return entry.value;
  };
}
