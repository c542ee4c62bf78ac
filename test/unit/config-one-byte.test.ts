import { describe, expect, it } from 'vitest';
import { serialize } from 'node:v8';
import { checkConfig } from '../../src/config/load-config.ts';
import { writeConfig } from '../helpers/config-folder.ts';

/** V8's serializer writes a string's representation: '"' one-byte (Latin-1), 'c' two-byte. */
const representation = (s: string) => (String.fromCharCode(serialize(s)[2]!) === '"' ? 'one-byte' : 'two-byte');

describe('configuration strings', () => {
  it('are one-byte where they fit in Latin-1, though their files hold Cyrillic letters and em dashes', () => {
    const dir = writeConfig({
      'settings.yaml': 'settings:\n  company: ООО «Волна» — Demo\n  timezone: Europe/Moscow\n  country: RU\n',
      'team.yaml': 'employees:\n  - { id: ivanova, name: Анна Иванова, role: account_manager, email: a.ivanova@volna.example }\n  - { id: mueller, name: Lukas Müller, role: sales_director }\n',
      'crm/clients.csv': 'id,name,team.account_manager,team.sales_director\nclient-1,Müller GmbH,ivanova,mueller\nclient-2,Волна,ivanova,mueller\n',
      'crm/contacts.csv': 'client,id,name,role\nclient-1,client-1-ceo,Jürgen Weiß,ceo\nclient-2,client-2-ceo,Иван Петров,ceo\n',
    });
    const { config, issues } = checkConfig(dir);
    expect(issues).toEqual([]);
    const [ivanova, mueller] = config!.employees;
    const [one, two] = config!.clients;
    expect([ivanova!.id, ivanova!.role, mueller!.id, mueller!.name, mueller!.timezone].map(representation)).toEqual(Array(5).fill('one-byte'));
    expect([ivanova!.name, config!.settings.company].map(representation)).toEqual(['two-byte', 'two-byte']);
    // CSV: the cells of a line in Latin-1; a line with a Cyrillic name is two-byte throughout.
    expect([one!.id, one!.name, one!.team.account_manager!, one!.contacts[0]!.id, one!.contacts[0]!.name].map(representation)).toEqual(Array(5).fill('one-byte'));
    expect([two!.name, two!.contacts[0]!.name].map(representation)).toEqual(['two-byte', 'two-byte']);
    expect(one!.name).toBe('Müller GmbH');
    expect(mueller!.name).toBe('Lukas Müller');
    expect(ivanova!.name).toBe('Анна Иванова');
  });
});
