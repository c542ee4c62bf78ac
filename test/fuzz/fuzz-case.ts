import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { checkSnapshot } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/config/config-issue.ts';
import { isConfigFile, listFiles, snapshotHash } from '../../src/config/snapshot.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { addDays } from '../../src/planner/dates.ts';
import { mutate, type Files } from './mutations.ts';
import { Prng } from './prng.ts';

/** The companies the fuzz test mutates, by name. */
export const COMPANIES: Record<string, string> = {
  example: resolve(import.meta.dirname, '../../config'),
  romanian: resolve(import.meta.dirname, '../fixtures/romanian-company'),
};

/** A fixed "now": the plan of an accepted case is the 31 days from it. */
const NOW = DateTime.fromISO('2027-03-01T09:00:00+03:00', { setZone: true });
const WINDOW = { from: '2027-03-01', to: addDays('2027-03-01', 30) };

export interface CaseRequest {
  readonly seed: number;
  readonly index: number;
  readonly company: string;
}

export interface CaseResult {
  readonly index: number;
  readonly company: string;
  readonly outcome: 'accepted' | 'refused' | 'broken';
  readonly mutations: readonly string[];
  readonly ms: number;
  /** What went wrong (only when broken). */
  readonly problem?: string;
  /** The mutated files (only when broken), to reproduce the case by hand. */
  readonly files?: readonly { path: string; text: string }[];
}

const bases = new Map<string, Files>();
function baseOf(company: string): Files {
  let files = bases.get(company);
  if (!files) {
    const dir = COMPANIES[company]!;
    files = new Map(listFiles(dir).filter(isConfigFile).map((p) => [relative(dir, p), readFileSync(p)]));
    bases.set(company, files);
  }
  return files;
}

/** What Object.prototype and its relatives hold: a case must leave them as they were. */
function prototypeState(): string {
  const own = (o: object) => Object.getOwnPropertyNames(o).sort().join(',');
  const inherited: string[] = [];
  for (const key in {}) inherited.push(key);
  return [own(Object.prototype), own(Array.prototype), own(Function.prototype), own(String.prototype), inherited.join(',')].join('|');
}

/**
 * One case: the company's files mutated by the case's own seed, then validated; if valid,
 * 31 days planned. Anything but "refused with a file and a line" or "accepted and planned"
 * is `broken`, with the reason.
 */
export function runCase(request: CaseRequest): CaseResult {
  const rnd = Prng.forCase(request.seed, request.index);
  const files: Files = new Map(baseOf(request.company));
  let mutations: string[];
  try {
    mutations = mutate(files, rnd);
  } catch (error) {
    return { index: request.index, company: request.company, outcome: 'broken', mutations: [], ms: 0, problem: `the fuzz test's own mutation failed: ${(error as Error).stack}` };
  }
  const dir = join('/fuzz', request.company);
  const snapshotFiles = new Map([...files].map(([p, b]) => [join(dir, p), new Uint8Array(b)] as const));
  const before = prototypeState();
  const started = performance.now();
  const result = (outcome: CaseResult['outcome'], problem?: string): CaseResult => ({
    index: request.index, company: request.company, outcome, mutations, ms: Math.round(performance.now() - started), problem,
    files: problem ? [...files].filter(([p, b]) => !baseOf(request.company).get(p)?.equals(b)).map(([path, b]) => ({ path, text: b.toString('utf8').slice(0, 6000) })) : undefined,
  });
  try {
    const checked = checkSnapshot({ dir, files: snapshotFiles, hash: snapshotHash(snapshotFiles) });
    if (prototypeState() !== before) return result('broken', `Object.prototype changed while validating: ${prototypeState()}`);
    if (!checked.config) {
      if (checked.issues.length === 0) return result('broken', 'refused without an error');
      const known = new Set([dir, ...snapshotFiles.keys()]);
      for (const issue of checked.issues) {
        const where = resolve(issue.file);
        if (!known.has(where) || !Number.isInteger(issue.line) || issue.line < 1 || !Number.isInteger(issue.column) || issue.column < 1) {
          return result('broken', `an error without a file and line of the configuration: ${formatIssue(issue)}`);
        }
      }
      return result('refused');
    }
    planTouches(checked.config, NO_HISTORY, WINDOW, NOW);
    if (prototypeState() !== before) return result('broken', `Object.prototype changed while planning: ${prototypeState()}`);
    return result('accepted');
  } catch (error) {
    return result('broken', `an exception: ${(error as Error).stack ?? String(error)}`);
  }
}
