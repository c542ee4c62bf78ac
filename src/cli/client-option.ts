import type { Config } from '../domain/types.ts';
import { clientNamed } from '../config/client-named.ts';
import { meantByIdOrName } from '../config/suggest.ts';
import { BadInputError } from './cli-error.ts';

/** The client `--client` names (config/client-named.ts); see unknownClient for the error. */
export const clientOption = clientNamed;

/** The error of a `--client` that names no client of the configuration, with the client it most likely meant (by its id or its name). */
export function unknownClient(config: Config, value: string): BadInputError {
  const near = meantByIdOrName(config.clients, value);
  return new BadInputError(`--client: no client has the id, CRM code or name ${JSON.stringify(value)}${near ? `; did you mean ${near}?` : ''}`);
}
