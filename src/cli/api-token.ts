import { BadInputError } from './cli-error.ts';
import { readSecretFile } from '../secret-file.ts';

/** The HTTP API's token: the first line of TOUCHBASE_API_TOKEN_FILE, else TOUCHBASE_API_TOKEN. */
export function apiToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TOUCHBASE_API_TOKEN_FILE) {
    const token = readSecretFile(env.TOUCHBASE_API_TOKEN_FILE, 'TOUCHBASE_API_TOKEN_FILE', (message) => new BadInputError(message));
    // A file named and empty is a mistake, not "no API": it turned the API off in silence.
    if (!token) throw new BadInputError(`TOUCHBASE_API_TOKEN_FILE: ${env.TOUCHBASE_API_TOKEN_FILE} has no token on its first line; expected one of at least 32 characters (make one with "openssl rand -hex 32"), or unset the variable to run without the API`);
    return token;
  }
  return env.TOUCHBASE_API_TOKEN || undefined;
}
