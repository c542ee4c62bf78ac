import { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { movesByOwner, reportTouches, type ReportTouch } from '../storage/report-queries.ts';
import type { TrackedSince } from '../storage/workflow-repository.ts';
import { lastDoneOf, trackedSinceByClient } from '../workflows/facts.ts';
import type { LastDone } from '../workflows/silence.ts';
import { touchesAsOf } from './as-of.ts';

export type { ReportTouch } from '../storage/report-queries.ts';

/** What the reports read: every touch that was not cancelled, and who moved which. */
export interface ReportData {
  readonly touches: readonly ReportTouch[];
  /** Touch id → how many times its owner moved it themselves (in the calendar, or snoozed by link). */
  readonly movedByOwner: ReadonlyMap<string, number>;
  /** A touch's contact ids: each distinct list is parsed once (a contact's touches all share theirs). */
  readonly contactsOf: (touch: Pick<ReportTouch, 'contact_ids'>) => readonly string[];
}

/** Report data from touches already read (the tests' recorded histories, a client's touches). */
export function reportData(touches: readonly ReportTouch[], movedByOwner: ReadonlyMap<string, number> = new Map()): ReportData {
  const parsed = new Map<string, readonly string[]>();
  const contactsOf = ({ contact_ids: json }: Pick<ReportTouch, 'contact_ids'>) => {
    let ids = parsed.get(json);
    if (!ids) {
      ids = JSON.parse(json) as string[];
      parsed.set(json, ids);
    }
    return ids;
  };
  return { touches, movedByOwner, contactsOf };
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
  // that day (as-of.ts). With today's date, everything recorded.
  const end = DateTime.fromISO(today, { zone: config.settings.timezone }).plus({ days: 1 }).toUTC().toISO()!;
  const data = reportData(touchesAsOf(config, await reportTouches(db, end), today), await movesByOwner(db, end));
  // The same facts as the daily silence check reads (lastDoneByClient), from the touches at hand.
  return { config, today, data, lastDone: lastDoneOf(data.touches), trackedSince: await trackedSinceByClient(db, config.settings.timezone) };
}
