import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { sourceApplies } from '../domain/source-applies.ts';
import { openClientWorkflowTouches, openPlannerTouchesBefore } from '../storage/workflow-repository.ts';
import { recordOutcomes } from '../storage/touch-outcomes.ts';

/**
 * Open touches of days before today whose rule, campaign or handover no longer applies to their
 * client — a won-back client's win-back letter, a rule or a handover deleted, a client gone, every
 * one of its contacts gone from the client —
 * and every open workflow touch of a client gone are cancelled (history: "no longer in the
 * plan", cause `plan`), as the plan cancels its later ones. Left open, the daily check moved
 * them forward as overdue every morning, for good, in the calendar of whoever held them, and the
 * overdue report counted them. Returns how many.
 */
export async function cancelInapplicableTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const applies = sourceApplies(config, today);
  const gone = (await openPlannerTouchesBefore(db, today)).filter((t) => !applies(t.source, t.client_id, t.contact_ids)).map((t) => t.id);
  // A client gone from the configuration: the workflows' open touches too (an event's call, a
  // silence alert, its escalation), on any day — left, they stayed in the calendar with the
  // client's id for its name until the morning's check, an event's call for good.
  const known = new Set(config.clients.map((c) => c.id));
  for (const t of await openClientWorkflowTouches(db)) if (!known.has(t.client_id)) gone.push(t.id);
  if (gone.length === 0) return 0;
  const results = await recordOutcomes(db, gone, { status: 'cancelled', at: now.toUTC().toISO()!, detail: 'no longer in the plan', cause: 'plan' });
  return results.filter((r) => r.recorded).length;
}
