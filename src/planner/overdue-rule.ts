import type { DateTime } from 'luxon';
import type { Config, Touch } from '../domain/types.ts';
import { addDays } from './dates.ts';

/** Whether a stored touch is overdue at some `now`, given its status, holder, day and overdue mark. */
export type OverdueRule = (status: Touch['status'], employee: string, date: string, overdueFrom: string | null) => boolean;

/**
 * isOverdue (domain/overdue.ts) for many touches at one `now`, each in its holder's zone (the
 * company's for someone unknown), with each zone's first day that is not yet overdue worked out
 * once: addDays(date, n) < today exactly when date < addDays(today, -n).
 */
export function overdueRule(config: Pick<Config, 'employees' | 'settings' | 'overdue'>, now: DateTime): OverdueRule {
  const cutoffs = new Map<string, string>();
  const cutoffOf = (zone: string): string => {
    let cutoff = cutoffs.get(zone);
    if (cutoff === undefined) cutoffs.set(zone, (cutoff = addDays(now.setZone(zone).toISODate()!, -config.overdue.afterDays)));
    return cutoff;
  };
  const company = cutoffOf(config.settings.timezone);
  const byEmployee = new Map(config.employees.map((e) => [e.id, cutoffOf(e.timezone)]));
  return (status, employee, date, overdueFrom) => status === 'planned' && (!!overdueFrom || date < (byEmployee.get(employee) ?? company));
}
