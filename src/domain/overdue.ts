import type { Config } from './types.ts';
import type { TouchRow } from '../storage/schema.ts';
import { addDays } from '../planner/dates.ts';

/**
 * Whether an open touch is overdue on `today`: its date plus the grace period has passed. A
 * touch already moved forward as overdue stays overdue until done or skipped. The one
 * definition: the plan, the calendars, the reports, the metrics and the daily check use it.
 */
export function isOverdue(config: Pick<Config, 'overdue'>, touch: Pick<TouchRow, 'status' | 'date' | 'overdue_from'> & { readonly source?: string }, today: string): boolean {
  if (touch.status !== 'planned') return false;
  // A digest is a note to a director, not a touch with a client: read or not, it is never late
  // (the morning check never moves it, the reports never count it).
  if (touch.source?.startsWith('digest:')) return false;
  if (touch.overdue_from) return true;
  return addDays(touch.date, config.overdue.afterDays) < today;
}
