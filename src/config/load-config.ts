import { resolve } from 'node:path';
import type { Config } from '../domain/types.ts';
import { ConfigInvalidError, type ConfigIssue, type ConfigWarning, type FileEncoding } from './config-issue.ts';
import { readSources } from './read-sources.ts';
import type { ConfigSnapshot } from './snapshot.ts';
import { buildConfig } from './build-config.ts';

export interface LoadResult {
  readonly config: Config | undefined;
  /** Every error, each mistake's own error first; empty when `config` is set. */
  readonly issues: readonly ConfigIssue[];
  /**
   * What a valid configuration says that is probably not meant (exit status stays 0); with
   * errors, those about how a file was read (ConfigWarning.ofText), which may explain them.
   */
  readonly warnings: readonly ConfigWarning[];
  /** How each CSV file (and any YAML file not in plain UTF-8) was read. */
  readonly encodings: readonly FileEncoding[];
}

/** Reads and validates a configuration folder; never throws for bad input, reports it. */
export function checkConfig(dir: string): LoadResult {
  const sources = readSources(resolve(dir));
  return { ...buildConfig(sources), encodings: sources.encodings };
}

/** Reads a configuration folder or throws ConfigInvalidError with every issue found. */
export function loadConfig(dir: string): Config {
  const { config, issues, warnings } = checkConfig(dir);
  if (!config) throw new ConfigInvalidError(issues, warnings);
  return config;
}

/** Validates a snapshot of a configuration folder's files (what the daemon reloads). */
export function checkSnapshot(snapshot: ConfigSnapshot): LoadResult {
  const sources = readSources(snapshot.dir, process.cwd(), snapshot);
  return { ...buildConfig(sources), encodings: sources.encodings };
}
