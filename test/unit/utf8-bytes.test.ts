import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Utf8Bytes } from '../../src/domain/utf8-bytes.ts';

describe('Utf8Bytes', () => {
  it('holds the UTF-8 of its pieces as Buffer.from of them joined, whatever the pieces (Cyrillic, Romanian marks, pairs of any plane)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (pieces, capacity) => {
      const bytes = new Utf8Bytes(capacity);
      for (const p of pieces) bytes.append(p);
      expect(bytes.length).toBe(Buffer.byteLength(pieces.join('')));
      expect(bytes.take().equals(Buffer.from(pieces.join('')))).toBe(true);
    }), { numRuns: 300 });
  });

  it('grows past its capacity for a long piece, and starts again empty in a new buffer after each take', () => {
    const bytes = new Utf8Bytes(8);
    bytes.append('Звонок: ');
    bytes.append('ș'.repeat(5000));
    const first = bytes.take();
    expect(first.toString('utf8')).toBe(`Звонок: ${'ș'.repeat(5000)}`);
    expect(bytes.length).toBe(0);
    expect(bytes.take().length).toBe(0);
    bytes.append('next');
    const second = bytes.take();
    expect(second.toString('utf8')).toBe('next');
    // The first buffer is the caller's: writing on did not change it.
    expect(first.subarray(0, 8).toString('utf8')).toBe('Звон');
  });
});
