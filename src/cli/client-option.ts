import type { Config } from '../domain/types.ts';
import { clientNamed } from '../config/client-named.ts';
import { closest } from '../config/suggest.ts';
import { BadInputError } from './cli-error.ts';

/** The client `--client` names (config/client-named.ts); see unknownClient for the error. */
export const clientOption = clientNamed;

/** The error of a `--client` that names no client of the configuration, with the id it most likely meant. */
export function unknownClient(config: Config, value: string): BadInputError {
  const near = closest(value, config.clients.map((c) => c.id));
  return new BadInputError(`--client: no client has the id ${JSON.stringify(value)}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`);
}
