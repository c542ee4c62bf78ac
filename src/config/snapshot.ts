import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * The text of every configuration file of a folder at one moment. The daemon keeps the last
 * valid one, so an edit that breaks the configuration leaves it running on what worked.
 */
export interface ConfigSnapshot {
  readonly dir: string;
  /** Absolute path → text, for *.yaml, *.yml, clients.csv and contacts.csv. */
  readonly files: ReadonlyMap<string, string>;
  /** SHA-256 over paths and texts: equal snapshots, equal configurations. */
  readonly hash: string;
}

/** Reads the configuration files below `dir` (throws if it is not a readable folder). */
export function readSnapshot(dir: string): ConfigSnapshot {
  const files = new Map<string, string>();
  const hash = createHash('sha256');
  for (const path of listFiles(dir)) {
    if (!isConfigFile(path)) continue;
    const text = readFileSync(path, 'utf8');
    files.set(path, text);
    hash.update(path).update('\u0000').update(text).update('\u0000');
  }
  return { dir, files, hash: hash.digest('hex') };
}

export function isConfigFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.endsWith('.yaml') || name.endsWith('.yml') || name === 'clients.csv' || name === 'contacts.csv';
}

/** Every file below `dir` in path order, hidden files and node_modules left out. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      if (entry.startsWith('.') || entry === 'node_modules') continue;
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  walk(dir);
  return out.sort();
}
