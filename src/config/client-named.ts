import type { Config } from '../domain/types.ts';
import { crmIdOf } from './crm-id.ts';
import { clientNameKey, foldedWords, nameKey } from './name-key.ts';

/**
 * The id of the client a person or a CRM names: its id, its CRM code as the export writes it
 * ("НФ-000123" for nf-000123: crm-id.ts), or its name when one client has it — with other quotes
 * or none (`ООО Стройтрест` for `ООО «Стройтрест»`, as a contacts export's client cells are
 * taken), or typed without its letters' marks (`Constructii Balti` for `Construcții Bălți`) —
 * as `--client` and a business event sent over the API take it. Undefined for none of these.
 */
export function clientNamed(config: Config, value: string): string | undefined {
  if (config.clients.some((c) => c.id === value)) return value;
  const code = crmIdOf(value);
  if (code !== undefined && config.clients.some((c) => c.id === code)) return code;
  const one = (matches: (name: string) => boolean) => {
    const named = config.clients.filter((c) => matches(c.name));
    return named.length === 1 ? named[0]!.id : undefined;
  };
  const key = nameKey(value);
  const bare = clientNameKey(value);
  const folded = foldedWords(value).join(' ');
  return one((name) => nameKey(name) === key) ?? one((name) => clientNameKey(name) === bare)
    ?? (folded === '' ? undefined : one((name) => foldedWords(name).join(' ') === folded));
}
