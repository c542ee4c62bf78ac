import type { Client, Contact, Kind } from '../domain/types.ts';
import { touchKey } from '../domain/touch-id.ts';
import type { PlacementMode } from './placement.ts';

/** A touch that must be placed: who, with whom, what, in which window. */
export interface Demand {
  readonly id: string;
  readonly seed: number;
  readonly source: string;
  readonly series: string;
  readonly kind: Kind;
  readonly client: Client;
  readonly contacts: readonly Contact[];
  /** Our role at the client, resolved through the team and any handover. */
  readonly role: string;
  /** An employee named directly (handover letters), instead of a role. */
  readonly employee: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly mode: PlacementMode;
  /** May go past `to` when the window is full (see PlacementRequest.overflow). */
  readonly overflow: boolean;
  readonly durationMinutes: number;
  readonly remind: readonly number[];
  readonly title: string;
  readonly titleValues: Readonly<Record<string, string | undefined>>;
}

export type DemandInit = Omit<Demand, 'id' | 'seed' | 'employee'> & { identity: string; employee?: string };

export function demand(init: DemandInit): Demand {
  const { identity, ...rest } = init;
  const { id, seed } = touchKey(identity);
  return { ...rest, employee: init.employee, id, seed };
}

export const DEFAULT_TITLES: Record<Kind, string> = {
  meeting: '{client.name}: meeting with {contacts}',
  call: '{client.name}: call {contacts}',
  letter: '{client.name}: letter to {contacts}',
  greeting: '{client.name}: greet {contacts}',
  feedback: '{client.name}: ask {contacts} for feedback',
  news: '{client.name}: news for {contacts}',
};

export function contactValues(client: Client, contacts: readonly Contact[]): Record<string, string | undefined> {
  return {
    'client.name': client.name,
    'client.id': client.id,
    contacts: contacts.map((c) => c.name).join(', '),
    'contact.name': contacts[0]?.name,
    'contact.role': contacts[0]?.role,
  };
}
