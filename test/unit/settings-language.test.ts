import { describe, expect, it } from 'vitest';
import { settingsLanguage } from '../../src/config/settings-language.ts';
import { writeConfig } from '../helpers/config-folder.ts';

describe('the company\'s language read from its settings block alone (status)', () => {
  const language = (yaml: string) => settingsLanguage(writeConfig({ 'rules.yaml': 'rules: []\n', 'settings.yaml': yaml, 'crm/clients.csv': 'id;name\n' }));

  it('as written, in block or flow style, whatever comments and other keys say', () => {
    expect(language('settings:\n  company: ООО «Волна»\n  # language: ro\n  language: ru   # en | ru | ro\n  timezone: Europe/Moscow\n')).toBe('ru');
    expect(language('settings: { company: Volna, language: "ro", timezone: Europe/Bucharest }\n')).toBe('ro');
    // A language: of another section is not the company's.
    expect(language('settings:\n  company: Volna\nclients:\n  - { id: a, name: A, attributes: { language: ro } }\n')).toBe('en');
    expect(language('settings:\n  company: Volna\n  language: de\n')).toBeUndefined();
  });

  it('is nothing without a settings block or a folder', () => {
    expect(language('company: Volna\n')).toBeUndefined();
    expect(settingsLanguage('/nonexistent/touchbase-config')).toBeUndefined();
  });
});
