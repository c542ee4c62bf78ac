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
      if (!includesValue(selector.attributes[name]!, attributeOf(client.attributes, name))) return false;
    }
  }
  return true;
}

/**
 * A client's attribute by name, or else by the name in another case (a selector's `регион` for a
 * CRM's column `Регион`: QA, "matches no client"). Only the client's own attributes, never a built-in member.
 */
function attributeOf(attributes: Client['attributes'], name: string): string | undefined {
  const exact = own(attributes, name);
  if (exact !== undefined || !attributes) return exact;
  const key = name.toLocaleLowerCase();
  for (const written of Object.keys(attributes)) if (written.toLocaleLowerCase() === key) return own(attributes, written);
  return undefined;
}

/**
 * Whether a selector's (or a holiday's) list has the client's value, in any case and without the
 * spaces around it: a CRM export's `a`, ` ЮГ` or `Construction` is the `A`, `Юг` or
 * `construction` a director wrote (QA: such clients were left out of their rules silently).
 */
export function includesValue(list: readonly string[], value: string | undefined): boolean {
  if (value === undefined) return false;
  if (list.includes(value)) return true;
  let caseless = CASELESS.get(list);
  if (!caseless) CASELESS.set(list, (caseless = new Set(list.map(valueKey))));
  return caseless.has(valueKey(value));
}

/** The selectors' lists as their values compare (each list made once per configuration). */
const CASELESS = new WeakMap<readonly string[], ReadonlySet<string>>();

const valueKey = (value: string) => value.trim().toLocaleLowerCase();

export function contactsFor(theirs: Theirs, contacts: readonly Contact[]): Contact[] {
  if (theirs === 'all') return [...contacts];
  return contacts.filter((c) => theirs.includes(c.role));
}
