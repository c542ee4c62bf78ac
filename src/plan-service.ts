import type { DateTime } from 'luxon';
import type { Config } from './domain/types.ts';
import { planTouches, type PlanResult, type PlanWindow } from './planner/plan.ts';
import { addDuration } from './planner/dates.ts';
import type { DB } from './storage/database.ts';
import { loadHistory, savePlan, type SaveSummary } from './storage/touch-repository.ts';

/** Today (in the company's zone) to today + settings.horizon: what goes into calendars. */
export function horizonWindow(config: Config, now: DateTime): PlanWindow {
  const from = now.setZone(config.settings.timezone).toISODate()!;
  return { from, to: addDuration(from, config.settings.horizon) };
}

/**
 * Plans a window from the recorded history and, unless `save` is false, records the plan
 * (stable ids, pinned dates) so that later runs and `done`/`skip` find the same touches.
 */
export async function planWithHistory(
  db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean, onlyClients?: readonly string[],
): Promise<{ result: PlanResult; saved: SaveSummary | undefined }> {
  const history = await loadHistory(db);
  const result = planTouches(config, history, window, now, onlyClients ? { onlyClients: new Set(onlyClients) } : {});
  const saved = save ? await savePlan(db, result.touches, window, now.toUTC().toISO()!, {
    onlyClients, clients: new Set(config.clients.map((c) => c.id)), leavers: new Set(config.handovers.map((h) => h.from)),
  }) : undefined;
  return { result, saved };
}
