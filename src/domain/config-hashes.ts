import * as crypto from 'node:crypto';
import type { Config } from './types.ts';
import { perList } from './per-list.ts';

/** A short hash of a value's JSON (what a pass's basis and the dashboard's key compare). */
export function hashOf(value: unknown): string {
  return crypto.createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}

/**
 * Each client's or employee's hash by id, made once per list (perList): 10,000 clients take
 * ~0.1 s, which a pass and the dashboard's refresh both need, and which a process kept warm makes
 * while it waits (readAhead). A configuration copied with another address keeps its lists.
 */
export const hashesById: (list: readonly { readonly id: string }[]) => Readonly<Record<string, string>> =
  perList((list) => Object.fromEntries(list.map((x) => [x.id, hashOf(x)])));

/** A configuration's fingerprint: everything but its clients and employees, and each of theirs. */
export function configFingerprint(config: Config): string {
  const { clients, employees, ...rest } = config;
  return crypto.createHash('sha256').update(JSON.stringify([hashOf(rest), hashesById(clients), hashesById(employees)])).digest('hex').slice(0, 16);
}

/** Makes the hashes a pass will ask for, ahead of it. */
export function readAhead(config: Config): void {
  hashesById(config.clients);
  hashesById(config.employees);
}
