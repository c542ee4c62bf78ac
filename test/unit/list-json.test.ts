import { describe, expect, it } from 'vitest';
import { listJson } from '../../src/domain/list-json.ts';

/** A touch's lists as JSON, each list's text made once (domain/list-json.ts). */
describe('listJson', () => {
  it('is the list as JSON.stringify writes it, Cyrillic and escapes included', () => {
    for (const list of [[], ['a1', 'b2'], ['Иван «Петров»', 'Ștefan "Z"\n'], [{ before: '1 day' }, { before: '2 hours' }]]) {
      expect(listJson(list)).toBe(JSON.stringify(list));
      expect(listJson(list)).toBe(JSON.stringify(list));
    }
  });

  it('serialises each list once: the second answer is the first one\'s text, even after the list changed behind its back', () => {
    const list = ['c1'];
    const first = listJson(list);
    list.push('c2'); // lists are readonly; this shows the text is kept, not made again
    expect(listJson(list)).toBe(first);
    expect(listJson(['c1', 'c2'])).toBe('["c1","c2"]');
  });

  it('takes frozen lists too', () => {
    const list = Object.freeze(['f1']);
    expect(listJson(list)).toBe('["f1"]');
    expect(listJson(list)).toBe('["f1"]');
    expect(Object.isFrozen(list)).toBe(true);
  });
});
