import type { Client, Contact, Employee, Kind, Language } from '../domain/types.ts';
import { translator } from '../i18n/translator.ts';
import { touchKey } from '../domain/touch-id.ts';
import { attributeValue } from '../domain/title-template.ts';
import { own as ownValue } from '../domain/safe-keys.ts';
import type { PlacementMode } from './placement.ts';

/** A touch that must be placed: who, with whom, what, in which window. */
export interface Demand extends DemandUnit {
  readonly id: string;
  readonly seed: number;
  readonly window: Window;
}

export interface Window {
  readonly from: string;
  readonly to: string;
}

/**
 * What stays the same for every touch of one rule (or campaign, handover) at one client unit.
 * The planner makes hundreds of thousands of demands, so these parts are shared, not copied.
 */
export interface DemandUnit {
  readonly source: string;
  readonly series: string;
  readonly kind: Kind;
  readonly client: Client;
  readonly contacts: readonly Contact[];
  readonly contactIds: readonly string[];
  /** Our role at the client, resolved through the team and any handover. */
  readonly role: string;
  /** An employee named directly (handover letters), instead of a role. */
  readonly employee: string | undefined;
  readonly mode: PlacementMode;
  /** May go past the window when it is full (see PlacementRequest.overflow). */
  readonly overflow: boolean;
  readonly durationMinutes: number;
  readonly remind: readonly number[];
  readonly title: string;
  readonly titleExtra: Readonly<Record<string, string | undefined>>;
}

/** What distinguishes one unit from another of the same rule or campaign. */
export type UnitOwn = Pick<DemandUnit, 'series' | 'client' | 'contacts' | 'contactIds'>;

/** A demand from a unit, or from shared parts plus the unit's own (to avoid building the unit). */
export function demand(shared: Omit<DemandUnit, keyof UnitOwn> & Partial<UnitOwn>, identity: string, window: Window, own: UnitOwn = shared as UnitOwn): Demand {
  const { id, seed } = touchKey(identity);
  return {
    id, seed, source: shared.source, series: own.series, kind: shared.kind, client: own.client, contacts: own.contacts,
    contactIds: own.contactIds, role: shared.role, employee: shared.employee, window, mode: shared.mode, overflow: shared.overflow,
    durationMinutes: shared.durationMinutes, remind: shared.remind, title: shared.title, titleExtra: shared.titleExtra,
  };
}

/** The built-in title of a kind of touch in the company's language (a template like the YAML's titles). */
export function defaultTitle(kind: Kind, language: Language): string {
  return translator(language).t(`title.${kind}`);
}

/** The value of a title placeholder for a demand and the employee doing it. */
export function titleValue(d: Demand, employee: Employee, company: string, key: string): string | undefined {
  switch (key) {
    case 'client.name': return d.client.name;
    case 'client.id': return d.client.id;
    case 'contacts': return d.contacts.map((c) => c.name).join(', ');
    case 'contact.name': return d.contacts[0]?.name;
    case 'contact.role': return d.contacts[0]?.role;
    case 'employee.name': return employee.name;
    case 'company': return company;
    default: return ownValue(d.titleExtra, key) ?? attributeValue(key, d.client, d.contacts[0]);
  }
}
