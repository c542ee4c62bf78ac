import { describe, expect, it } from 'vitest';
import { v5 } from 'uuid';
import { touchKey } from '../../src/domain/touch-id.ts';

describe('touchKey', () => {
  it('is the RFC UUID v5 of the identity, as the uuid package computes it', () => {
    for (const identity of ['rule:ceo-to-ceo|stroymash|6months:2027-01-01', 'campaign:new-year|a|b|2027', 'ü']) {
      expect(touchKey(identity).id).toBe(v5(identity, '6f1d2c3a-8b7e-4f50-9a1e-2d3c4b5a6978'));
    }
  });

  it('gives a valid Google event id once the dashes are removed', () => {
    expect(touchKey('x').id.replace(/-/g, '')).toMatch(/^[a-v0-9]{5,1024}$/);
  });

  it('gives different ids and seeds to different identities and the same to the same', () => {
    expect(touchKey('a').id).toBe(touchKey('a').id);
    expect(touchKey('a').id).not.toBe(touchKey('b').id);
    expect(touchKey('a').seed).not.toBe(touchKey('b').seed);
  });
});
