import iconv from 'iconv-lite';

/**
 * Text encoded twice: a UTF-8 export opened as windows-1251 (or windows-1252) and saved as
 * UTF-8 again — Excel's double-click on a CSV without a byte-order mark, then "CSV UTF-8" — reads
 * "РћРћРћ Р®РіР­РЅРµСЂРіРѕ" for "ООО ЮгЭнерго" ("ÐžÐžÐž" in the Latin one). It is valid UTF-8,
 * so nothing else notices it, and it went into calendar titles (QA). Two or more letters in a
 * row so made (a lead letter of UTF-8's two-byte form, then one of its continuation bytes, as the
 * code page shows them): a Russian word hardly has one such pair, never two.
 */
const TWICE: readonly { readonly page: string; readonly pattern: RegExp }[] = [
  { page: 'windows-1251', pattern: /(?:[РС][ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—™љ›њќћџ\u00A0ЎўЈ¤Ґ¦§Ё©Є«¬\u00AD®Ї°±Ііґµ¶·ё№є»]){2,}/u },
  { page: 'windows-1252', pattern: /(?:[ÂÃÄÅÈÉÐÑ][€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\u00A0-\u00BF]){2,}/u },
];

/** The first word encoded twice, where it is, and what it says once read right; undefined when none is. */
export function encodedTwice(text: string): { word: string; meant: string; line: number; column: number; page: string } | undefined {
  for (const { page, pattern } of TWICE) {
    const found = pattern.exec(text);
    if (!found) continue;
    let start = found.index;
    while (start > 0 && /[^\s;,\t"]/u.test(text[start - 1]!)) start--;
    let end = found.index + found[0].length;
    while (end < text.length && /[^\s;,\t"]/u.test(text[end]!)) end++;
    const word = text.slice(start, end);
    const meant = iconv.decode(iconv.encode(word, page), 'utf-8');
    // Read back, it must be text (no replacement signs), else it was what it looks like.
    if (meant.includes('\uFFFD')) continue;
    const before = text.slice(0, start);
    const line = before.split(/\r\n|\r|\n/).length;
    const column = start - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) ;
    return { word, meant, line, column, page };
  }
  return undefined;
}

/** How many places a file's bytes are looked at (encodedTwiceInBytes): the first ones tell. */
const LOOKS = 200;

/**
 * encodedTwice of a UTF-8 file read from its bytes (never decoded whole): only the text around
 * the first places where such a pair can start ("Р" or "С", D0 A0/D0 A1; "Â"–"Ñ", C3 82–C3 91)
 * is decoded and looked at.
 */
export function encodedTwiceInBytes(bytes: Uint8Array, start = 0): ReturnType<typeof encodedTwice> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let looked = 0;
  for (let i = start; i < buffer.length - 1 && looked < LOOKS; i++) {
    const a = buffer[i]!;
    const b = buffer[i + 1]!;
    if (!((a === 0xd0 && (b === 0xa0 || b === 0xa1)) || (a === 0xc3 && b >= 0x82 && b <= 0x91))) continue;
    looked++;
    const found = encodedTwice(buffer.toString('utf8', i, Math.min(buffer.length, i + 120)));
    if (!found || found.line !== 1) {
      i += 1;
      continue;
    }
    // Where the word starts: back from i to the cell's start.
    let from = i;
    while (from > start && ![0x0a, 0x0d, 0x3b, 0x2c, 0x09, 0x22, 0x20].includes(buffer[from - 1]!)) from--;
    const before = buffer.toString('utf8', start, from);
    const line = before.split(/\r\n|\r|\n/).length;
    const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
    const whole = encodedTwice(buffer.toString('utf8', from, Math.min(buffer.length, from + 200)));
    return whole && { ...whole, line, column: before.length - lineStart };
  }
  return undefined;
}
