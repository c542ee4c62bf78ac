import { cpSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { stringify } from 'yaml';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/config/config-issue.ts';
import type { Config } from '../../src/domain/types.ts';

const made: string[] = [];
afterEach(() => {
  while (made.length) rmSync(made.pop()!, { recursive: true, force: true });
});

export function tempDir(prefix = 'touchbase-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A copy of the shipped example company (config/) to edit, in a new folder, with a database path beside it. */
export function exampleCompany(): { dir: string; config: string; db: string } {
  const dir = tempDir();
  const config = join(dir, 'config');
  cpSync(resolve('config'), config, { recursive: true });
  return { dir, config, db: join(dir, 'touchbase.sqlite') };
}

/** Writes files (YAML from objects, text and bytes as they are) into a fresh folder and returns its path. */
export function writeConfig(files: Record<string, unknown>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' || content instanceof Uint8Array ? content : stringify(content));
  }
  return dir;
}

/** Loads the sections (one file) as a configuration that must be valid; fails the test with every issue otherwise. */
export function configOf(sections: Record<string, unknown>): Config {
  const { config, issues } = checkConfig(writeConfig({ 'touchbase.yaml': sections }));
  if (!config) throw new Error(`expected a valid configuration:\n${issues.map(formatIssue).join('\n')}`);
  return config;
}

export const SETTINGS = { settings: { company: 'Test Co', timezone: 'Europe/Moscow', country: 'RU', hours: '09:00-18:00', horizon: '90 days' } };

/** A client with the given contact roles, in a country and zone. */
export function client(id: string, opts: { country?: string; timezone?: string; tier?: string; industry?: string; stage?: string; since?: string; team?: Record<string, string>; roles?: string[] } = {}) {
  const roles = opts.roles ?? ['ceo', 'buyer'];
  return {
    id, name: `${id} Ltd`, country: opts.country ?? 'RU', timezone: opts.timezone ?? 'Europe/Moscow',
    ...(opts.tier ? { tier: opts.tier } : {}), ...(opts.industry ? { industry: opts.industry } : {}),
    ...(opts.stage ? { stage: opts.stage } : {}), ...(opts.since ? { since: opts.since } : {}),
    ...(opts.team ? { team: opts.team } : {}),
    contacts: roles.map((role, i) => ({ id: `${id}-${role.replace(/_/g, '-')}${i}`, name: `${role} of ${id}`, role })),
  };
}

export function employee(id: string, role: string, opts: { country?: string; timezone?: string; meetings_per_day?: number; hours?: string; email?: string } = {}) {
  return { id, name: `Emp ${id}`, role, ...opts };
}
