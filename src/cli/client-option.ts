import type { Config } from '../domain/types.ts';
import { crmIdOf } from '../config/crm-id.ts';
import { nameKey } from '../config/name-key.ts';
import { closest } from '../config/suggest.ts';
import { BadInputError } from './cli-error.ts';

/**
 * The client `--client` names: its id, its CRM code as the export writes it ("НФ-000123" for
 * nf-000123: crm-id.ts), or its name when one client has it. Undefined for none of these; see
 * unknownClient for the error.
 */
export function clientOption(config: Config, value: string): string | undefined {
  if (config.clients.some((c) => c.id === value)) return value;
  const code = crmIdOf(value);
  if (code !== undefined && config.clients.some((c) => c.id === code)) return code;
  const key = nameKey(value);
  const named = config.clients.filter((c) => nameKey(c.name) === key);
  return named.length === 1 ? named[0]!.id : undefined;
}

/** The error of a `--client` that names no client of the configuration, with the id it most likely meant. */
export function unknownClient(config: Config, value: string): BadInputError {
  const near = closest(value, config.clients.map((c) => c.id));
  return new BadInputError(`--client: no client has the id ${JSON.stringify(value)}${near ? `; did you mean ${JSON.stringify(near)}?` : ''}`);
}
