import type { DateTime } from 'luxon';
import type { DB } from '../storage/database.ts';
import { liveClaims } from '../storage/calendar-claims.ts';
import { listInstances, type InstanceView } from '../storage/daemon-instances.ts';

/** One daemon on the database, as /readyz, /metrics and `touchbase status` show it (a dead one is listed until it is forgotten, a day). */
export interface InstanceStatus extends InstanceView {
  /** The daemon answering. */
  readonly self?: boolean;
  /** Employees' calendars it holds a live claim on right now. */
  readonly claims: number;
}

export interface SharedWorkView {
  readonly instances: readonly InstanceStatus[];
}

/** Every registered daemon with its live claims (live ones first). */
export async function sharedWorkView(db: DB, now: DateTime, self?: string): Promise<SharedWorkView> {
  const claims = new Map<string, number>();
  for (const c of await liveClaims(db, now.toUTC().toISO()!)) claims.set(c.holder, (claims.get(c.holder) ?? 0) + 1);
  const instances = (await listInstances(db, now)).map((i) => ({ ...i, ...(i.id === self ? { self: true } : {}), claims: claims.get(i.id) ?? 0 }));
  return { instances };
}
