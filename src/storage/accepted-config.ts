import type { ConfigSnapshot } from '../config/snapshot.ts';
import { snapshotHash } from '../config/snapshot.ts';
import type { DB } from './database.ts';
import { localValue, setLocalValue } from './local-secrets.ts';

/** local_secrets names of the daemon's last applied configuration (never exported: it is the files'). */
export const ACCEPTED_CONFIG = 'config.accepted';
const ACCEPTED_HASH = 'config.accepted.hash';

/**
 * Keeps the files of the configuration the daemon runs on, so that a daemon started (a reboot,
 * an upgrade) while the folder holds a broken edit starts on them instead of not at all: the
 * feeds and the one-click links stay up, and the error is reported as for an edit while it runs.
 * Written when the configuration changes, not at every start (a 10,000-client company's files
 * are a few megabytes).
 */
export async function saveAcceptedConfig(db: DB, snapshot: ConfigSnapshot): Promise<void> {
  if (await localValue(db, ACCEPTED_HASH) === snapshot.hash) return;
  const files = Object.fromEntries([...snapshot.files].map(([path, bytes]) => [path, Buffer.from(bytes).toString('base64')]));
  await setLocalValue(db, ACCEPTED_CONFIG, JSON.stringify({ dir: snapshot.dir, files }));
  await setLocalValue(db, ACCEPTED_HASH, snapshot.hash);
}

/** The configuration last applied on this database, as it was then; undefined if none was kept (or it does not read back whole). */
export async function readAcceptedConfig(db: DB): Promise<ConfigSnapshot | undefined> {
  const text = await localValue(db, ACCEPTED_CONFIG);
  if (text === undefined) return undefined;
  try {
    const kept = JSON.parse(text) as { dir: string; files: Record<string, string> };
    const files = new Map(Object.entries(kept.files).map(([path, b64]) => [path, new Uint8Array(Buffer.from(b64, 'base64'))] as const));
    const hash = snapshotHash(files);
    return hash === await localValue(db, ACCEPTED_HASH) ? { dir: kept.dir, files, hash } : undefined;
  } catch {
    return undefined;
  }
}
