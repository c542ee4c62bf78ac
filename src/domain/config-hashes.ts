import * as crypto from 'node:crypto';
import type { Config } from './types.ts';

/** A short hash of a value's JSON (what a pass's basis and the dashboard's key compare). */
export function hashOf(value: unknown): string {
  return crypto.createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 22);
}

const lists = new WeakMap<readonly object[], { readonly size: number; readonly byId: Readonly<Record<string, string>> }>();

/**
 * Each client's or employee's hash by id, made once per list: 10,000 clients take ~0.1 s, which
 * a pass and the dashboard's refresh both need, and which a process kept warm makes while it
 * waits (readAhead). Kept by the list itself (a configuration's lists are frozen, and one copied
 * with another address keeps them); a list that grew since is hashed again.
 */
export function hashesById(list: readonly { readonly id: string }[]): Readonly<Record<string, string>> {
  let kept = lists.get(list);
  if (!kept || kept.size !== list.length) {
    kept = { size: list.length, byId: Object.fromEntries(list.map((x) => [x.id, hashOf(x)])) };
    lists.set(list, kept);
  }
  return kept.byId;
}

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
