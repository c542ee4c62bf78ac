import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { actionUrls, linkSecret, snoozeCounts } from '../http/action-links.ts';
import { publicUrl } from '../http/public-url.ts';
import type { EventLinks } from './desired-events.ts';

/** The one-click links every event description carries, as of now (secret, address, snoozes so far). */
export async function eventLinks(db: DB, config: Config): Promise<EventLinks> {
  const secret = await linkSecret(db);
  const base = publicUrl(config.settings);
  const snoozed = await snoozeCounts(db);
  return (touch) => actionUrls(secret, base, touch.id, snoozed.get(touch.id) ?? 0);
}
