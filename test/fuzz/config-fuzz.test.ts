import { afterAll, describe, expect, it } from 'vitest';
import { FuzzPool } from './fuzz-pool.ts';
import type { CaseRequest, CaseResult } from './fuzz-case.ts';

/**
 * Seeded fuzzing of two whole companies' configuration files (the example in config/ and a
 * Romanian one in test/fixtures/romanian-company): YAML and CSV mutated at random — keys
 * deleted or doubled, values swapped, impossible dates, huge and negative numbers, Unicode
 * controls, prototype keys, truncated files, other encodings, broken CSV rows. Every case is
 * either refused with errors that each name a file and a line, or accepted and planned for
 * 31 days; never an exception, a hang (each case runs in a child process against a deadline)
 * or a changed Object.prototype.
 *
 * TOUCHBASE_FUZZ_CASES (default 1000 cases, about 2,500 mutations, half per company), TOUCHBASE_FUZZ_SEED (default fixed,
 * so CI is repeatable), TOUCHBASE_FUZZ_CASE (replay one case), TOUCHBASE_FUZZ_WORKERS (default 2).
 */
const SEED = Number(process.env.TOUCHBASE_FUZZ_SEED ?? 20_270_301);
const CASES = Number(process.env.TOUCHBASE_FUZZ_CASES ?? 1000);
const ONLY = process.env.TOUCHBASE_FUZZ_CASE === undefined ? undefined : Number(process.env.TOUCHBASE_FUZZ_CASE);
const WORKERS = Number(process.env.TOUCHBASE_FUZZ_WORKERS ?? 2);
/** A case takes about 50 ms; a loaded machine may take many times that, a loop for ever takes longer. */
const DEADLINE_MS = 30_000;

const pool = new FuzzPool(WORKERS, DEADLINE_MS);
const hangPool = new FuzzPool(1, 3_000);
afterAll(() => Promise.all([pool.close(), hangPool.close()]));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function describeFailure(r: CaseResult): string {
  const files = (r.files ?? []).map((f) => `--- ${f.path} (as mutated) ---\n${f.text}`).join('\n');
  return [
    `case ${r.index} (${r.company}) broke: ${r.problem}`,
    `replay: TOUCHBASE_FUZZ_SEED=${SEED} TOUCHBASE_FUZZ_CASE=${r.index} npx vitest run test/fuzz/config-fuzz.test.ts`,
    `mutations:\n  ${r.mutations.join('\n  ')}`,
    files,
  ].join('\n');
}

describe('fuzzed configurations', () => {
  it('a case that never ends is reported as a hang, and its process is killed', async () => {
    const seen: number[] = [];
    const results = await hangPool.run([{ seed: SEED, index: 0, company: 'never-ends' }], () => seen.push(...hangPool.pids()));
    expect(results).toEqual([expect.objectContaining({ outcome: 'broken', problem: 'no answer within 3000 ms: a hang' })]);
    await hangPool.close();
    expect(seen.length).toBeGreaterThan(0);
    for (const pid of seen) expect(alive(pid)).toBe(false);
  }, 60_000);

  it(`${ONLY === undefined ? CASES : 1} mutated configurations of two companies are each refused with a file and a line, or accepted and planned`, async () => {
    const indexes = ONLY === undefined ? Array.from({ length: CASES }, (_, i) => i) : [ONLY];
    const requests: CaseRequest[] = indexes.map((index) => ({ seed: SEED, index, company: index % 2 === 0 ? 'example' : 'romanian' }));
    const started = performance.now();
    const results = await pool.run(requests);
    const broken = results.filter((r) => r.outcome === 'broken');
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    const mutations = results.reduce((n, r) => n + r.mutations.length, 0);
    console.log(`fuzz seed ${SEED}: ${results.length} cases, ${mutations} mutations, ${count('accepted')} accepted and planned, ${count('refused')} refused, ${broken.length} broken, in ${Math.round((performance.now() - started) / 1000)} s; slowest case ${Math.max(...results.map((r) => r.ms))} ms`);
    expect(broken.slice(0, 3).map(describeFailure).join('\n\n')).toBe('');
    if (ONLY === undefined && CASES >= 500) {
      // The mutations must exercise both paths: enough valid configurations reach the planner.
      if (CASES >= 1000) expect(mutations).toBeGreaterThanOrEqual(2000);
      expect(count('accepted')).toBeGreaterThan(CASES / 20);
      expect(count('refused')).toBeGreaterThan(CASES / 5);
    }
  }, Math.max(170_000, (ONLY === undefined ? CASES : 1) * 250));
});
