import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldLines } from 'ical-generator';
import { withFastFolding } from '../../src/calendar/ics/fast-fold.ts';

describe('feed line folding with the fast encoder', () => {
  it('folds every text exactly as ical-generator does with the real TextEncoder (ASCII, Cyrillic, Romanian, emoji)', () => {
    const alphabet = fc.constantFrom('a', 'Z', ' ', ',', ';', 'Ж', 'щ', 'ș', 'Ț', '€', '中', '😀', '👍🏽', '\r\n');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 400 }), (chars) => {
      const text = `DESCRIPTION:${chars.join('')}`;
      expect(withFastFolding(() => foldLines(text))).toBe(foldLines(text));
    }), { numRuns: 300 });
  });

  it('puts the real TextEncoder back, also after an error', () => {
    const before = globalThis.TextEncoder;
    expect(() => withFastFolding(() => { throw new Error('boom'); })).toThrow('boom');
    expect(globalThis.TextEncoder).toBe(before);
    expect(new TextEncoder().encode('Жa')).toEqual(new Uint8Array([0xd0, 0x96, 0x61]));
  });
});
