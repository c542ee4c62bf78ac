import { expect } from 'vitest';
import { runCli } from '../../src/cli/program.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the real CLI in-process, capturing what it prints. */
export async function cli(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  return { code, out, err };
}

/**
 * The CLI on one configuration folder and database, at the instant `now` of each command: what it
 * printed, the command having succeeded (a failure fails the test, with its arguments and stderr).
 */
export function cliOn(config: string, db: string): (now: string, ...argv: string[]) => Promise<string> {
  return async (now, ...argv) => {
    const r = await cli(...argv, '--config', config, '--db', db, '--now', now);
    expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
    return r.out;
  };
}
