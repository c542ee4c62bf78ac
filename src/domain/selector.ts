import type { Client, Selector, Theirs, Contact } from './types.ts';
import { own } from './safe-keys.ts';

/**
 * The client's stage as selectors see it on `today`: an active client whose relationship
 * started less than 90 days ago is still onboarding (`newUntil`).
 */
export function stageOf(client: Client, today: string | undefined): string {
  return today !== undefined && client.stage === 'active' && client.newUntil !== undefined && today < client.newUntil ? 'onboarding' : client.stage;
}

/** True when every key of the selector accepts the client (on `today`, for the stage). */
export function selects(selector: Selector, client: Client, today?: string): boolean {
  if (selector.clients && !selector.clients.includes(client.id)) return false;
  if (selector.tier && !includesValue(selector.tier, client.tier)) return false;
  if (selector.industry && !includesValue(selector.industry, client.industry)) return false;
  if (selector.country && !includesValue(selector.country, client.country)) return false;
  if (selector.stage && !includesValue(selector.stage, stageOf(client, today))) return false;
  if (selector.attributes) {
    // Attribute names are the user's: only the client's own attributes count, never a built-in member.
    for (const name of Object.keys(selector.attributes)) {
      if (!includesValue(selector.attributes[name]!, own(client.attributes, name))) return false;
    }
  }
  return true;
}

function includesValue(list: readonly string[], value: string | undefined): boolean {
  return value !== undefined && list.includes(value);
}

export function contactsFor(theirs: Theirs, contacts: readonly Contact[]): Contact[] {
  if (theirs === 'all') return [...contacts];
  return contacts.filter((c) => theirs.includes(c.role));
}
