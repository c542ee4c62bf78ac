import * as crypto from 'node:crypto';

/** Fixed namespace of touchbase identities (a random UUID chosen once; never change it). */
const NAMESPACE = Buffer.from('6f1d2c3a8b7e4f509a1e2d3c4b5a6978', 'hex');

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Namespace bytes followed by the identity, in one reused buffer (the planner hashes 100,000s). */
let scratch = Buffer.alloc(1024);
NAMESPACE.copy(scratch);
const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer }).hash;

function sha1(identity: string): Buffer {
  const needed = 16 + Buffer.byteLength(identity, 'utf8');
  if (needed > scratch.length) {
    scratch = Buffer.alloc(needed * 2);
    NAMESPACE.copy(scratch);
  }
  const length = 16 + scratch.write(identity, 16, 'utf8');
  const data = scratch.subarray(0, length);
  // crypto.hash() (Node ≥ 20.12) skips building a Hash object; createHash is the fallback.
  return oneShot ? oneShot('sha1', data, 'buffer') : crypto.createHash('sha1').update(data).digest();
}

export interface TouchKey {
  /** UUID v5 (RFC 9562) of the identity: lowercase, with dashes. */
  readonly id: string;
  /** 32 bits of the same hash, used to spread touches deterministically. */
  readonly seed: number;
}

/**
 * Deterministic id of a touch from its identity string, e.g.
 * `touchKey('rule:ceo-to-ceo|stroymash|months6:2027-01-01')`.
 * Written here rather than with the `uuid` package because the planner needs the
 * hash's spare bits as a placement seed as well, from one SHA-1 per touch.
 */
export function touchKey(identity: string): TouchKey {
  const hash = sha1(identity);
  const seed = hash.readUInt32BE(16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  // Written byte by byte into one buffer: a flat 36-character string, where slicing and
  // concatenating would leave a tree of string pieces behind every one of many ids.
  const text = Buffer.allocUnsafe(36);
  let j = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[j++] = 0x2d;
    const byte = hash[i]!;
    text[j++] = HEX[byte >> 4]!;
    text[j++] = HEX[byte & 15]!;
  }
  return { id: text.toString('latin1'), seed };
}
