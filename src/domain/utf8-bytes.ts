/**
 * Text made of many small pieces, encoded as UTF-8 piece by piece into a buffer. Joining the
 * pieces first makes one long string that V8 flattens and then encodes whole; where a piece is
 * Cyrillic (a title, a name) that string is two-byte and twice the size. Encoded as they come,
 * each piece is small and still in the cache: a 10,000-client year of JSON (159 MB) was written
 * in 0.7 s against 1.9 s joined 2,000 touches at a time (measured, the same bytes).
 * Each piece is encoded alone: one must not end in the first half of a surrogate pair whose
 * second half starts the next (whole lines and values never do).
 */
export class Utf8Bytes {
  #capacity: number;
  #buffer: Buffer | undefined;
  #length = 0;

  constructor(capacity = 64 * 1024) {
    this.#capacity = capacity;
  }

  /** Bytes appended since the last take. */
  get length(): number {
    return this.#length;
  }

  append(text: string): void {
    // A UTF-16 unit is at most three bytes of UTF-8 (a surrogate pair, four for two units).
    const most = this.#length + text.length * 3;
    if (this.#buffer === undefined || most > this.#buffer.length) this.#grow(most);
    this.#length += this.#buffer!.write(text, this.#length);
  }

  /** What was appended, as one buffer that is the caller's from now on; the next append starts a new one. */
  take(): Buffer {
    const bytes = (this.#buffer ?? Buffer.alloc(0)).subarray(0, this.#length);
    this.#buffer = undefined;
    this.#length = 0;
    return bytes;
  }

  #grow(needed: number): void {
    while (this.#capacity < needed) this.#capacity *= 2;
    const bigger = Buffer.allocUnsafe(this.#capacity);
    this.#buffer?.copy(bigger, 0, 0, this.#length);
    this.#buffer = bigger;
  }
}
