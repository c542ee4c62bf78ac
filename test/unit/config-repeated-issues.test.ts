import { describe, expect, it } from 'vitest';
import { sayRepeatsOnce, sayWarningsOnce } from '../../src/config/repeated-issues.ts';
import type { ConfigIssue, ConfigWarning } from '../../src/config/config-issue.ts';

const issue = (file: string, line: number, field: string, subject: string, found = '"x"'): ConfigIssue =>
  ({ file, line, column: 5, field, subject, rank: 1, expected: 'a thing', found });
const warning = (file: string, line: number, field: string, subject: string, message = 'looks odd'): ConfigWarning =>
  ({ file, line, column: 5, field, subject, message });

describe('one mistake said once', () => {
  it('a CSV column: the same value in many rows is one error at the first, its other rows listed (a row read twice counted once)', () => {
    const rows = [2, 3, 3, 7, 9, 11, 12, 13, 14, 15, 16, 17].map((line) => issue('crm/clients.csv', line, 'country', `client c${line}`, '"Россия"'));
    expect(sayRepeatsOnce(rows)).toEqual([{
      ...rows[0], found: '"Россия" (the same in 10 more rows: lines 3, 7, 9, 11, 12, 13, 14, 15 and 2 more; "values:" under the file\'s "imports:" entry can map a CRM\'s word for every row)',
    }]);
  });

  it('different values, columns or files stay apart; a folder-wide issue (line 0) is always its own', () => {
    const apart = [issue('a.csv', 2, 'country', 'client a', '"X"'), issue('a.csv', 3, 'country', 'client b', '"Y"'), issue('a.csv', 4, 'stage', 'client c', '"X"'), issue('b.csv', 2, 'country', 'client d', '"X"')];
    expect(sayRepeatsOnce(apart)).toEqual(apart);
    const folder = [issue('cfg', 0, '', 'the configuration'), issue('cfg', 0, '', 'the configuration')];
    expect(sayRepeatsOnce(folder)).toEqual(folder);
  });

  it('YAML: one place and one field of each entry is one error naming the entries; another field at the same place is another', () => {
    const at = [issue('clients.yaml', 2, 'clients[0].team.am', 'client c0'), issue('clients.yaml', 2, 'clients[1].team.am', 'client c1'), issue('clients.yaml', 2, 'clients[0].name', 'client c0')];
    expect(sayRepeatsOnce(at)).toEqual([
      { ...at[0], found: '"x" (written once, used by 2 entries through aliases of its anchor: client c0 and client c1)' },
      at[2],
    ]);
  });

  it('YAML: the same issue twice for one entry is said once, without "aliases" (there are none)', () => {
    const twice = [issue('team.yaml', 4, 'employees[0].email', 'employee a'), issue('team.yaml', 4, 'employees[0].email', 'employee a')];
    expect(sayRepeatsOnce(twice)).toEqual([twice[0]]);
  });

  it('a warning an anchor gives the entries of its aliases is one warning; a table\'s warnings are each their row\'s', () => {
    const yaml = [warning('rules.yaml', 2, 'rules[0].for', 'rule r0'), warning('rules.yaml', 2, 'rules[1].for', 'rule r1'), warning('rules.yaml', 2, 'rules[2].for', 'rule r2'), warning('rules.yaml', 2, 'rules[3].for', 'rule r3', 'another')];
    expect(sayWarningsOnce(yaml)).toEqual([
      { ...yaml[0], message: 'looks odd (written once, used by 3 entries through aliases of its anchor: rule r0, rule r1 and rule r2)' },
      yaml[3],
    ]);
    const csv = [warning('c.csv', 2, 'industry', 'client a'), warning('c.csv', 3, 'industry', 'client b')];
    expect(sayWarningsOnce(csv)).toEqual(csv);
  });
});
