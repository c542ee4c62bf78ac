import type { Config, Settings } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { localValue, setLocalValue } from '../storage/local-secrets.ts';
import { actionUrls, linkSecret, linkVersions } from '../http/action-links.ts';
import { publicUrl, publicUrlFromEnv } from '../http/public-url.ts';
import type { EventLinks } from './desired-events.ts';

/** Where the one-click links of calendar events point, as recorded for this database. */
const LINKS_BASE = 'links.base_url';

/**
 * The one-click links every event description carries, as of now (secret, address, the links'
 * version: snoozes and changes of hands so far). The address is part of every event's text, so it must not depend on which process
 * writes (the daemon on its port, a `touchbase sync` in a shell): it is TOUCHBASE_PUBLIC_URL or
 * settings.http.public_url when given, else the address the daemon last served at (recorded in
 * the database), else http://host:port. A real change rewrites each event once.
 */
export async function eventLinks(db: DB, config: Config, env: NodeJS.ProcessEnv = process.env): Promise<EventLinks> {
  const secret = await linkSecret(db, env);
  const base = await linksBaseUrl(db, config.settings, env);
  const versions = await linkVersions(db);
  return (touch) => actionUrls(secret, base, touch.id, versions.get(touch.id) ?? 0);
}

/** The public address given ($TOUCHBASE_PUBLIC_URL, else settings.http.public_url), without a trailing slash; undefined if none is. */
export function givenPublicUrl(settings: Settings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = publicUrlFromEnv(env) || settings.http.publicUrl;
  return explicit ? explicit.replace(/\/$/, '') : undefined;
}

/** The base address of links and feeds for this database (see eventLinks). */
export async function linksBaseUrl(db: DB, settings: Settings, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return givenPublicUrl(settings, env) ?? (await recordedLinksBase(db)) ?? publicUrl(settings, {});
}

/** The address the daemon last recorded for links (its public address, given in its own environment), if any. */
export function recordedLinksBase(db: DB): Promise<string | undefined> {
  return localValue(db, LINKS_BASE);
}

/** The daemon records the address it serves at, so every process writes the same links. */
export async function recordServedUrl(db: DB, url: string): Promise<void> {
  await setLocalValue(db, LINKS_BASE, url.replace(/\/$/, ''));
}
