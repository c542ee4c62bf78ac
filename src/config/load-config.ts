import { resolve } from 'node:path';
import type { Config } from '../domain/types.ts';
import { ConfigInvalidError, type ConfigIssue } from './config-issue.ts';
import { readSources } from './read-sources.ts';
import type { ConfigSnapshot } from './snapshot.ts';
import { buildConfig } from './build-config.ts';

export interface LoadResult {
  readonly config: Config | undefined;
  readonly issues: readonly ConfigIssue[];
}

/** Reads and validates a configuration folder; never throws for bad input, reports it. */
export function checkConfig(dir: string): LoadResult {
  return buildConfig(readSources(resolve(dir)));
}

/** Reads a configuration folder or throws ConfigInvalidError with every issue found. */
export function loadConfig(dir: string): Config {
  const { config, issues } = checkConfig(dir);
  if (!config) throw new ConfigInvalidError(issues);
  return config;
}

/** Validates a snapshot of a configuration folder's files (what the daemon reloads). */
export function checkSnapshot(snapshot: ConfigSnapshot): LoadResult {
  return buildConfig(readSources(snapshot.dir, process.cwd(), snapshot));
}
