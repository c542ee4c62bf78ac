import type { Config, Selector } from './types.ts';
import { clientById } from './config-index.ts';
import { selects } from './selector.ts';
import { contactIdsIn } from './contact-ids.ts';

/**
 * Whether a planner source still applies to a client on `today`: a rule (`rule:ID`) or a
 * campaign (`campaign:ID`) that exists and whose `for` selects the client (its stage as of
 * today: a lapsed client won back is no longer one for the win-back rules); a handover
 * (`handover:FROM:TO`) still in the configuration. Other sources (the workflows') are not the
 * plan's, and apply.
 */
export function sourceApplies(
  config: Pick<Config, 'rules' | 'campaigns' | 'clients' | 'handovers'>, today: string,
): (source: string, clientId: string, contactIds?: string) => boolean {
  const selectors = new Map<string, Selector>([...config.rules.map((r) => [`rule:${r.id}`, r.for] as const), ...config.campaigns.map((c) => [`campaign:${c.id}`, c.for] as const)]);
  const handovers = new Set(config.handovers.map((h) => `handover:${h.from}:${h.to}`));
  return (source, clientId, contactIds) => {
    const planner = source.startsWith('rule:') || source.startsWith('campaign:');
    if (!planner && !source.startsWith('handover:')) return true;
    const client = clientById(config, clientId);
    if (client === undefined) return false;
    // Nor to contacts every one of whom has left the client (gone from the CRM's export): a late
    // call to someone no longer there was moved forward as overdue every morning, for good (QA).
    if (contactIds !== undefined && !withSomeContact(client.contacts, contactIdsIn(contactIds))) return false;
    if (!planner) return handovers.has(source);
    const selector = selectors.get(source);
    return selector !== undefined && selects(selector, client, today);
  };
}

/** Whether any of a touch's contacts is still one of the client's (a touch with none, or an unreadable list, is not asked). */
function withSomeContact(contacts: readonly { readonly id: string }[], ids: readonly string[]): boolean {
  return ids.length === 0 || contacts.some((c) => ids.includes(c.id));
}
