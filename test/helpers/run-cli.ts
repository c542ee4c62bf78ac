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
