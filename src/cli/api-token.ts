import { readFileSync } from 'node:fs';
import { BadInputError } from './cli-error.ts';

/** The HTTP API's token: the first line of TOUCHBASE_API_TOKEN_FILE, else TOUCHBASE_API_TOKEN. */
export function apiToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TOUCHBASE_API_TOKEN_FILE) {
    try {
      return readFileSync(env.TOUCHBASE_API_TOKEN_FILE, 'utf8').split(/\r?\n/)[0]!.trim() || undefined;
    } catch (error) {
      throw new BadInputError(`TOUCHBASE_API_TOKEN_FILE: cannot read ${env.TOUCHBASE_API_TOKEN_FILE} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  return env.TOUCHBASE_API_TOKEN || undefined;
}
