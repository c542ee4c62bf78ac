import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/text-table.ts';
import { fitCell, textWidth } from '../../src/cli/text-width.ts';

/** Where each cell of a line starts, in terminal columns (combining marks take none). */
function starts(line: string): number[] {
  const columns = [...line].filter((ch) => !/\p{M}/u.test(ch));
  const out: number[] = [0];
  for (let i = 1; i < columns.length; i++) if (columns[i] !== ' ' && columns[i - 1] === ' ' && columns[i - 2] === ' ') out.push(i);
  return out;
}

describe('the command line\'s tables, in Russian and Romanian', () => {
  it('keep their columns aligned with Cyrillic headers and cells', () => {
    const table = renderTable(['дата', 'сотрудник', 'вид', 'клиент'], [
      ['2027-01-11', 'ivanova', 'встреча', 'stroymash'],
      ['2027-01-12', 'Сидоров Пётр', 'запрос отзыва', 'x'],
    ]);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('дата        сотрудник     вид            клиент');
    expect(lines[1]).toBe('----------  ------------  -------------  ---------');
    for (const line of lines.filter((l) => !l.startsWith('-'))) expect(starts(line)).toEqual([0, 12, 26, 41]);
  });

  it('count a Romanian letter written decomposed (s + U+0326) as one column, and cut no letter from its mark', () => {
    const decomposed = 'Ștefănescu'.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan(10);
    expect(textWidth(decomposed)).toBe(10);
    expect(textWidth('Ștefănescu')).toBe(10);
    expect(textWidth('день 😀')).toBe(6);
    const table = renderTable(['angajat', 'tip'], [[decomposed, 'apel'], ['popescu', 'întâlnire']]);
    const lines = table.trimEnd().split('\n');
    for (const line of lines.filter((l) => !l.startsWith('-'))) expect(starts(line)).toEqual([0, 12]);
    // Cut to 3 columns: two letters (each with its mark) and "…".
    expect(fitCell('șțăî'.normalize('NFD'), 3).normalize('NFC')).toBe('șț…');
    expect(fitCell('a😀b', 3)).toBe('a😀b');
    expect(fitCell('a😀bc', 3)).toBe('a😀…');
  });
});
