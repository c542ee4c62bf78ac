import type { Client, Config, Employee } from './types.ts';

/**
 * Employees and clients by id, built once per list of them. Per-touch code looked them up with
 * `find`: the daily checks on 46,000 overdue touches of a 10,000-client company scanned the
 * clients a hundred thousand times (a minute of the job). Kept by the lists themselves, so a
 * configuration copied with other lists (`{ ...config, clients }`) gets its own; a list that
 * grew since is indexed again.
 */
const indexes = new WeakMap<readonly object[], { readonly size: number; readonly byId: ReadonlyMap<string, object> }>();

function byId<T extends { readonly id: string }>(list: readonly T[]): ReadonlyMap<string, T> {
  let index = indexes.get(list);
  if (!index || index.size !== list.length) {
    index = { size: list.length, byId: new Map(list.map((x) => [x.id, x])) };
    indexes.set(list, index);
  }
  return index.byId as ReadonlyMap<string, T>;
}

/** The employee with that id (undefined for none, or no id). */
export const employeeById = (config: Pick<Config, 'employees'>, id: string | undefined): Employee | undefined =>
  id === undefined ? undefined : byId(config.employees).get(id);

/** The client with that id (undefined for none). */
export const clientById = (config: Pick<Config, 'clients'>, id: string): Client | undefined => byId(config.clients).get(id);
