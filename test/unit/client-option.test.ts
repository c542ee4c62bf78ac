import { describe, expect, it } from 'vitest';
import { clientOption, unknownClient } from '../../src/cli/client-option.ts';
import { client, configOf, employee, SETTINGS } from '../helpers/config-folder.ts';

describe('--client names a client', () => {
  const config = configOf({
    ...SETTINGS,
    employees: [employee('anna', 'account_manager')],
    clients: [client('nf-000123'), { ...client('stroymash'), name: 'ООО «Строймаш»' }, { ...client('twin-a'), name: 'Twin' }, { ...client('twin-b'), name: 'Twin' },
      { ...client('balti', { country: 'MD' }), name: 'Construcții Bălți SRL' }],
  });

  it('by its id, its CRM code as the export writes it, or a name one client has', () => {
    expect(clientOption(config, 'stroymash')).toBe('stroymash');
    expect(clientOption(config, 'НФ-000123')).toBe('nf-000123');
    expect(clientOption(config, 'ооо «строймаш»')).toBe('stroymash');
    // With other quotes or none, as a contacts export's client cells are taken; typed without the letters' marks (QA: refused).
    expect(clientOption(config, 'ООО Строймаш')).toBe('stroymash');
    expect(clientOption(config, 'ООО "Строймаш"')).toBe('stroymash');
    expect(clientOption(config, 'Constructii Balti SRL')).toBe('balti');
    // A name two clients share names neither.
    expect(clientOption(config, 'Twin')).toBeUndefined();
    expect(clientOption(config, 'nope')).toBeUndefined();
  });

  it('a misspelt id or name is refused with the client it most likely meant', () => {
    expect(unknownClient(config, 'stroymas').message).toBe('--client: no client has the id, CRM code or name "stroymas"; did you mean "stroymash"?');
    expect(unknownClient(config, 'zzz').message).toBe('--client: no client has the id, CRM code or name "zzz"');
    expect(unknownClient(config, 'Constructii Balt SRL').message).toBe('--client: no client has the id, CRM code or name "Constructii Balt SRL"; did you mean "balti" (Construcții Bălți SRL)?');
  });
});
