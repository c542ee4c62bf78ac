import { describe, expect, it } from 'vitest';
import { plainNote } from '../../src/domain/plain-text.ts';

describe('a note someone typed', () => {
  it('is one line of plain text: control, escape and direction characters become spaces', () => {
    expect(plainNote('ok\u001b[2J\u001b[31mRED\u001b]0;pwned\u0007')).toBe('ok [2J [31mRED ]0;pwned');
    expect(plainNote(' line one\r\nline two\u2028three ')).toBe('line one line two three');
    expect(plainNote('txt.exe\u202egpj')).toBe('txt.exe gpj');
    expect(plainNote('Звонок перенесён — «ООО Ромашка», ș ț')).toBe('Звонок перенесён — «ООО Ромашка», ș ț');
    expect(plainNote('\u0001\u0007 ')).toBe('');
    // Nothing visible is nothing: zero-width spaces and joiners alone are no reason (QA).
    expect(plainNote('  \u202e\u200b\u200c\u200d\u2060  ')).toBe('');
    expect(plainNote('Mehr\u200cdad')).toBe('Mehr\u200cdad');
  });
});
