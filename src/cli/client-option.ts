import type { Config } from '../domain/types.ts';
import { clientNamed } from '../config/client-named.ts';
import { foldedWords } from '../config/name-key.ts';
import { closest, closestName } from '../config/suggest.ts';
import { BadInputError } from './cli-error.ts';

/** The client `--client` names (config/client-named.ts); see unknownClient for the error. */
export const clientOption = clientNamed;

/** The error of a `--client` that names no client of the configuration, with the client it most likely meant (by its id or its name). */
export function unknownClient(config: Config, value: string): BadInputError {
  const id = closest(value, config.clients.map((c) => c.id));
  let near = id === undefined ? undefined : JSON.stringify(id);
  if (near === undefined) {
    const names = config.clients.map((c) => foldedWords(c.name).join(' '));
    const name = closestName(foldedWords(value).join(' '), names);
    const client = name === undefined ? undefined : config.clients[names.indexOf(name)];
    near = client && `${JSON.stringify(client.id)} (${client.name})`;
  }
  return new BadInputError(`--client: no client has the id, CRM code or name ${JSON.stringify(value)}${near ? `; did you mean ${near}?` : ''}`);
}
