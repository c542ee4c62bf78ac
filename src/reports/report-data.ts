import { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { handOvers, movesByOwner, reportTouches, type HandOver, type ReportTouch } from '../storage/report-queries.ts';
import type { TrackedSince } from '../storage/workflow-repository.ts';
import { lastDoneOf, trackedSinceByClient } from '../workflows/facts.ts';
import type { LastDone } from '../workflows/silence.ts';
import { heldAsOf, touchesAsOf } from './as-of.ts';

export type { ReportTouch } from '../storage/report-queries.ts';

/** What the reports read: every touch that was not cancelled, and who moved which. */
export interface ReportData {
  readonly touches: readonly ReportTouch[];
  /** Touch id → how many times its owner moved it themselves (in the calendar, or snoozed by link). */
  readonly movedByOwner: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Touch id → each time it was given to another holder: who held it before, until when. */
  readonly handOvers: ReadonlyMap<string, readonly HandOver[]>;
  /** A touch's contact ids: each distinct list is parsed once (a contact's touches all share theirs). */
  readonly contactsOf: (touch: Pick<ReportTouch, 'contact_ids'>) => readonly string[];
}

/** Report data from touches already read (the tests' recorded histories, a client's touches). */
export function reportData(
  touches: readonly ReportTouch[], movedByOwner: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(), handedOver: ReadonlyMap<string, readonly HandOver[]> = new Map(),
): ReportData {
  const parsed = new Map<string, readonly string[]>();
  const contactsOf = ({ contact_ids: json }: Pick<ReportTouch, 'contact_ids'>) => {
    let ids = parsed.get(json);
    if (!ids) {
      ids = JSON.parse(json) as string[];
      parsed.set(json, ids);
    }
    return ids;
  };
  return { touches, movedByOwner, handOvers: handedOver, contactsOf };
}

/**
 * Everything a report is computed from, read once: the configuration, the day, the touches,
 * and the facts silence counts from. The CLI's `report`, the digest and the dashboard all
 * start here, so their figures agree.
 */
export interface ReportContext {
  readonly config: Config;
  readonly today: string;
  readonly data: ReportData;
  readonly lastDone: ReadonlyMap<string, LastDone>;
  readonly trackedSince: TrackedSince;
}

export async function loadReportContext(db: DB, config: Config, today: string): Promise<ReportContext> {
  // As the touches stood at the end of `today`: a report as of a past moment counts nothing
  // planned or moved by its owner after it, nor done, skipped or moved on as overdue after
  // that day, nor given to someone else after it (as-of.ts). With today's date, everything recorded.
  const end = DateTime.fromISO(today, { zone: config.settings.timezone }).plus({ days: 1 }).toUTC().toISO()!;
  const handed = await handOvers(db);
  const data = reportData(touchesAsOf(config, heldAsOf(await reportTouches(db, end), handed, end), today), await movesByOwner(db, end), handed);
  // The same facts as the daily silence check reads (lastDoneByClient), from the touches at hand.
  return { config, today, data, lastDone: lastDoneOf(data.touches), trackedSince: await trackedSinceByClient(db, config.settings.timezone) };
}
