import { describe, expect, it } from 'vitest';
import { clientOption, unknownClient } from '../../src/cli/client-option.ts';
import { client, configOf, employee, SETTINGS } from '../helpers/config-folder.ts';

describe('--client names a client', () => {
  const config = configOf({
    ...SETTINGS,
    employees: [employee('anna', 'account_manager')],
    clients: [client('nf-000123'), { ...client('stroymash'), name: 'ООО «Строймаш»' }, { ...client('twin-a'), name: 'Twin' }, { ...client('twin-b'), name: 'Twin' }],
  });

  it('by its id, its CRM code as the export writes it, or a name one client has', () => {
    expect(clientOption(config, 'stroymash')).toBe('stroymash');
    expect(clientOption(config, 'НФ-000123')).toBe('nf-000123');
    expect(clientOption(config, 'ооо «строймаш»')).toBe('stroymash');
    // A name two clients share names neither.
    expect(clientOption(config, 'Twin')).toBeUndefined();
    expect(clientOption(config, 'nope')).toBeUndefined();
  });

  it('a misspelt id is refused with the id it most likely meant', () => {
    expect(unknownClient(config, 'stroymas').message).toBe('--client: no client has the id "stroymas"; did you mean "stroymash"?');
    expect(unknownClient(config, 'zzz').message).toBe('--client: no client has the id "zzz"');
  });
});
