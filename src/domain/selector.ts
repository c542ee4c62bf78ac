import type { Client, Selector, Theirs, Contact } from './types.ts';

/** True when every key of the selector accepts the client. */
export function selects(selector: Selector, client: Client): boolean {
  if (selector.clients && !selector.clients.includes(client.id)) return false;
  if (selector.tier && !includesValue(selector.tier, client.tier)) return false;
  if (selector.industry && !includesValue(selector.industry, client.industry)) return false;
  if (selector.country && !includesValue(selector.country, client.country)) return false;
  if (selector.stage && !includesValue(selector.stage, client.stage)) return false;
  return true;
}

function includesValue(list: readonly string[], value: string | undefined): boolean {
  return value !== undefined && list.includes(value);
}

export function contactsFor(theirs: Theirs, contacts: readonly Contact[]): Contact[] {
  if (theirs === 'all') return [...contacts];
  return contacts.filter((c) => theirs.includes(c.role));
}
