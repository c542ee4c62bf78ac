import type { DesiredEvent, ProviderName } from '../calendar/port.ts';

/** Where a touch's event should be. */
export interface Desired {
  readonly employeeId: string;
  readonly provider: ProviderName;
  readonly event: DesiredEvent;
}

/** Where a touch's event is, as recorded after the last successful write. */
export interface Recorded {
  readonly touchId: string;
  readonly employeeId: string;
  readonly provider: ProviderName;
  readonly providerId: string;
  readonly contentHash: string;
  readonly state: 'active' | 'deleted_by_user';
}

export type SyncOperation =
  | { readonly op: 'create'; readonly touchId: string; readonly employeeId: string; readonly provider: ProviderName; readonly event: DesiredEvent }
  | { readonly op: 'update'; readonly touchId: string; readonly employeeId: string; readonly provider: ProviderName; readonly providerId: string; readonly event: DesiredEvent }
  | { readonly op: 'delete'; readonly touchId: string; readonly employeeId: string; readonly provider: ProviderName; readonly providerId: string };

/**
 * The writes that make calendars equal to the plan, and nothing more: an unchanged event
 * is not written; an event the user deleted is never pushed again; a touch that changed
 * hands is deleted from one calendar and created in the other. Pure.
 *
 * `recorded` holds only events inside the synced range: older ones are history and stay.
 */
export function planSync(desired: ReadonlyMap<string, Desired>, recorded: ReadonlyMap<string, Recorded>): SyncOperation[] {
  const ops: SyncOperation[] = [];
  for (const [touchId, want] of desired) {
    const have = recorded.get(touchId);
    if (!have) {
      ops.push({ op: 'create', touchId, employeeId: want.employeeId, provider: want.provider, event: want.event });
      continue;
    }
    if (have.state === 'deleted_by_user' && have.employeeId === want.employeeId) continue;
    if (have.employeeId !== want.employeeId || have.provider !== want.provider) {
      if (have.state === 'active') ops.push({ op: 'delete', touchId, employeeId: have.employeeId, provider: have.provider, providerId: have.providerId });
      ops.push({ op: 'create', touchId, employeeId: want.employeeId, provider: want.provider, event: want.event });
      continue;
    }
    if (have.contentHash !== want.event.contentHash) {
      ops.push({ op: 'update', touchId, employeeId: want.employeeId, provider: want.provider, providerId: have.providerId, event: want.event });
    }
  }
  for (const [touchId, have] of recorded) {
    if (desired.has(touchId) || have.state !== 'active') continue;
    ops.push({ op: 'delete', touchId, employeeId: have.employeeId, provider: have.provider, providerId: have.providerId });
  }
  return ops;
}
