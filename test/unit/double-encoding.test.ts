import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatWarning } from '../../src/config/config-issue.ts';
import { encodedTwice, encodedTwiceInBytes } from '../../src/config/double-encoding.ts';
import { writeConfig } from '../helpers/config-folder.ts';

/** UTF-8 read in a code page and saved as UTF-8 again: what Excel's double click on a CSV without a BOM, then "CSV UTF-8", makes. */
const twice = (text: string, page: string) => iconv.decode(Buffer.from(text, 'utf8'), page);

const COMPANY = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Анна Иванова, role: account_manager }\n';

describe('text encoded twice (QA: "РћРћРћ Р®РіР­РЅРµСЂРіРѕ" went into calendar titles, silently)', () => {
  it('is found in Cyrillic and Latin text, with what it says; genuine Russian, Romanian and French text is not', () => {
    expect(encodedTwice(`c1;${twice('ООО ЮгЭнерго', 'windows-1251')};B`)).toMatchObject({ word: 'РћРћРћ', meant: 'ООО', line: 1, column: 4, page: 'windows-1251' });
    expect(encodedTwice(`id;name\nc1;${twice('ОАО Жёлтый', 'windows-1252')}`)).toMatchObject({ meant: 'Жёлтый', line: 2, page: 'windows-1252' });
    for (const genuine of ['ООО «Ромашка», Сергей Рябов, РСК «Север», СРО', 'Ştefan Ţăran, Mulțumim, Brașov', 'Café Müller, Ærø, Ñandú']) {
      expect(encodedTwice(genuine), genuine).toBeUndefined();
    }
  });

  it('a UTF-8 CSV read from its bytes warns once, at its line and column, naming what it says', () => {
    const csv = `id;name\nc1;Альфа\nc2;${twice('ООО ЮгЭнерго', 'windows-1251')}\n`;
    expect(encodedTwiceInBytes(Buffer.from(csv, 'utf8'))).toMatchObject({ word: 'РћРћРћ', meant: 'ООО', line: 3, column: 4 });
    const { warnings } = checkConfig(writeConfig({ 'a.yaml': COMPANY, 'clients.csv': csv }));
    expect(warnings.map(formatWarning)).toEqual([expect.stringMatching(/clients\.csv:3:4: "РћРћРћ" is UTF-8 read as windows-1251 and saved again \(it says "ООО"\)/)]);
    expect(checkConfig(writeConfig({ 'a.yaml': COMPANY, 'clients.csv': 'id;name\nc1;ООО Ромашка\nc2;Сергей Рябов\n' })).warnings).toEqual([]);
  });
});
