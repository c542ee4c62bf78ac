import type { Client, Config, Employee } from './types.ts';
import { perList } from './per-list.ts';

// Employees and clients by id, built once per list of them. Per-touch code looked them up with
// `find`: the daily checks on 46,000 overdue touches of a 10,000-client company scanned the
// clients a hundred thousand times (a minute of the job).
const employees = perList((list: readonly Employee[]) => new Map(list.map((e) => [e.id, e])));
const clients = perList((list: readonly Client[]) => new Map(list.map((c) => [c.id, c])));

/** The employee with that id (undefined for none, or no id). */
export const employeeById = (config: Pick<Config, 'employees'>, id: string | undefined): Employee | undefined =>
  id === undefined ? undefined : employees(config.employees).get(id);

/** The client with that id (undefined for none). */
export const clientById = (config: Pick<Config, 'clients'>, id: string): Client | undefined => clients(config.clients).get(id);
