/**
 * ical-generator 10 folds lines by calling `new TextEncoder().encode(ch)` for every character
 * of the calendar, to learn its UTF-8 length: rendering 441 feeds of a large company took about
 * 100 s, nearly all of it there. Version 11 fixed it but needs Node 22. Until then, the global
 * TextEncoder is replaced — only for the synchronous duration of one `toString()`, in which no
 * other code runs — by one that answers single characters from their code unit, which is all
 * the folding asks for; anything longer goes to the real encoder.
 */
const Real = globalThis.TextEncoder;
const real = new Real();

class CharLengthEncoder extends Real {
  override encode(input = ''): Uint8Array<ArrayBuffer> {
    if (input.length === 1) {
      const c = input.charCodeAt(0);
      return new Uint8Array(c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
    }
    // A surrogate pair (ical-generator passes both halves together) is 4 bytes.
    if (input.length === 2 && input.charCodeAt(0) >= 0xd800 && input.charCodeAt(0) <= 0xdbff) return new Uint8Array(4);
    return real.encode(input) as Uint8Array<ArrayBuffer>;
  }
}

/** Runs `render` (synchronous) with the fast encoder in place. */
export function withFastFolding<T>(render: () => T): T {
  globalThis.TextEncoder = CharLengthEncoder;
  try {
    return render();
  } finally {
    globalThis.TextEncoder = Real;
  }
}
