import chardet from 'chardet';
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { codePoint } from './config-issue.ts';

/**
 * Configuration files as editors and spreadsheets save them: UTF-8 with or without a
 * byte-order mark, UTF-16 with one (Excel's "Unicode text"), or the Windows code page of
 * the machine (Russian Excel: windows-1251; Romanian: windows-1250; Western: windows-1252).
 * Text that cannot be read for sure is refused with its line, never guessed into `���`.
 */

/** The encodings touchbase reads, as they are named in messages and in `imports[].encoding`. */
export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1251', 'windows-1250', 'windows-1252', 'cp866'] as const;
export type EncodingName = (typeof ENCODINGS)[number];

export type Decoded =
  /** `uncertain`: read in one Latin code page where the other reads nearly as well ("João" or "Joăo"). */
  | { readonly ok: true; readonly text: string; readonly encoding: string; readonly uncertain?: true }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly expected: string; readonly found: string };

const READABLE = 'text in UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, windows-1251/1250/1252 or cp866';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a file's bytes, detecting the encoding unless one is declared. */
export function decodeText(bytes: Uint8Array, declared?: EncodingName): Decoded {
  const bom = bomOf(bytes);
  if (bom === 'utf-32') return refuse(1, 1, 'UTF-32, which touchbase does not read (save as UTF-8)');
  if (bom === 'utf-8') return checked(decodeUtf8(bytes.subarray(3), 3, bytes), 'utf-8 (with BOM)');
  if (bom === 'utf-16le' || bom === 'utf-16be') {
    if ((bytes.length - 2) % 2 !== 0) return refuse(lineAt(bytes, bytes.length - 1, bom), 1, `UTF-16 with an odd number of bytes (the file is cut off)`);
    return checked({ text: iconv.decode(Buffer.from(bytes.subarray(2)), bom, { stripBOM: false }) }, bom);
  }
  if (declared) {
    if (declared === 'utf-8') return checked(decodeUtf8(bytes, 0, bytes), 'utf-8');
    return checked({ text: iconv.decode(Buffer.from(bytes), declared, { stripBOM: false }) }, declared);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = lineAt(bytes, nul, 'utf-8');
    if (looksLikeUtf16(bytes)) return refuse(line, 1, 'UTF-16 without a byte-order mark (save it again as "Unicode text" or as UTF-8)');
    return refuse(line, 1, 'binary data (a NUL byte): this is not a text file');
  }
  const asUtf8 = decodeUtf8(bytes, 0, bytes);
  if (!('bad' in asUtf8)) return checked(asUtf8, 'utf-8');
  const mixed = mixedLine(bytes);
  if (mixed) return refuse(mixed.line, 1, `${mixed.what}: the file mixes encodings (save it again as UTF-8)`);
  return decodeLegacy(bytes);
}

/**
 * Whether decodeText (with no encoding declared, or UTF-8) reads these bytes as UTF-8 and
 * accepts them, answered from the bytes without decoding them: a CRM export of 5 MB is a
 * 10 MB string once decoded, which the CSV reader of such a file never needs. Undefined when
 * decodeText must decide (another encoding, a byte it refuses, a second byte-order mark that
 * its decoder would drop): it then words any refusal as always.
 */
export function acceptedUtf8(bytes: Uint8Array): { readonly encoding: 'utf-8' | 'utf-8 (with BOM)'; readonly start: number } | undefined {
  const bom = bomOf(bytes);
  if (bom !== undefined && bom !== 'utf-8') return undefined;
  const start = bom === 'utf-8' ? 3 : 0;
  if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) return undefined;
  if (!isUtf8(bytes.subarray(start))) return undefined;
  // What checked() refuses in the text: C0 controls but tab and line ends, DEL, U+FFFD (EF BF BD).
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 ? b !== 0x09 && b !== 0x0a && b !== 0x0d : b === 0x7f || (b === 0xef && bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd)) return undefined;
  }
  return { encoding: bom ? 'utf-8 (with BOM)' : 'utf-8', start };
}

function refuse(line: number, column: number, found: string): Decoded {
  return { ok: false, line, column, expected: READABLE, found };
}

export function bomOf(b: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32' | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return b[2] === 0 && b[3] === 0 ? 'utf-32' : 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32';
  return undefined;
}

/** Strict UTF-8; on failure, the offset of the first byte that is not UTF-8. */
function decodeUtf8(bytes: Uint8Array, base: number, whole: Uint8Array): { text: string } | { bad: number; whole: Uint8Array } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { bad: base + firstInvalidUtf8(bytes), whole };
  }
}

/** Offset of the first byte of an invalid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const n = utf8SequenceLength(b, i);
    if (n === 0) return i;
    i += n;
  }
  return b.length;
}

/** Length of the valid UTF-8 sequence at i (1 for ASCII), or 0 when none starts there. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const x = b[i]!;
  if (x < 0x80) return 1;
  const n = x >= 0xc2 && x <= 0xdf ? 2 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xf0 && x <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  return n;
}

/**
 * A file where some lines are UTF-8 with letters beyond ASCII and others are not UTF-8 at
 * all was put together from two sources: no single encoding reads it. The line reported
 * is the first one of the kind there are fewer of.
 */
function mixedLine(b: Uint8Array): { line: number; what: string } | undefined {
  let utf8Lines = 0;
  let otherLines = 0;
  let firstUtf8 = 0;
  let firstOther = 0;
  let line = 1;
  let start = 0;
  const finish = (end: number) => {
    let multi = 0;
    let bad = false;
    for (let i = start; i < end;) {
      const n = utf8SequenceLength(b, i);
      if (n === 0) {
        bad = true;
        break;
      }
      if (n > 1) multi++;
      i += n;
    }
    // Two multi-byte letters make a UTF-8 line: one could be a legacy byte pair by chance.
    if (bad) {
      otherLines++;
      firstOther ||= line;
    } else if (multi >= 2) {
      utf8Lines++;
      firstUtf8 ||= line;
    }
  };
  for (let i = 0; i <= b.length; i++) {
    if (i === b.length || b[i] === 0x0a) {
      finish(i);
      line++;
      start = i + 1;
    }
  }
  if (utf8Lines === 0 || otherLines === 0) return undefined;
  return utf8Lines >= otherLines
    ? { line: firstOther, what: `line ${firstOther} is not UTF-8 while line ${firstUtf8} is` }
    : { line: firstUtf8, what: `line ${firstUtf8} is UTF-8 while line ${firstOther} is not` };
}

function looksLikeUtf16(b: Uint8Array): boolean {
  let zeroEven = 0;
  let zeroOdd = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) if (b[i] === 0) (i % 2 === 0 ? zeroEven++ : zeroOdd++);
  return Math.max(zeroEven, zeroOdd) > n / 4 && Math.min(zeroEven, zeroOdd) < n / 50;
}

function lineAt(b: Uint8Array, offset: number, encoding: string): number {
  let line = 1;
  const step = encoding.startsWith('utf-16') ? 2 : 1;
  const nl = encoding === 'utf-16be' ? 1 : 0;
  for (let i = encoding.startsWith('utf-16') ? 2 : 0; i + nl < offset && i + nl < b.length; i += step) {
    if (b[i + nl] === 0x0a && (step === 1 || b[i + 1 - nl] === 0)) line++;
  }
  return line;
}

/** Letters each code page is chosen for: Romanian and Central European, or Western European. */
const CENTRAL = new Set('ăâîșşțţĂÂÎȘŞȚŢčšžřěůďťňĺľłąęńśźżőűČŠŽŘĚŮĎŤŇĹĽŁĄĘŃŚŹŻŐŰ');
const WESTERN = new Set('àáâãäçèéêëìíîïñòóôõöùúûüýÿßæøåÀÁÂÃÄÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸÆØÅ');

/**
 * A file in a Windows code page. Cyrillic text is told from Latin text by its shape: in
 * windows-1251 whole words are bytes above 0xC0, in Latin text such bytes are single
 * accented letters between ASCII ones. Between windows-1250 and windows-1252 the decoding
 * with more letters of its own languages (and fewer stray symbols) wins; chardet breaks a tie.
 */
function decodeLegacy(bytes: Uint8Array): Decoded {
  const buffer = Buffer.from(bytes);
  // Russian Excel's "CSV (MS-DOS)" is cp866, whose lower-case а–п are bytes below 0xC0: read as
  // windows-1251 its names came out as "€ў ­ ЏҐва®ў" with no warning (QA). Its words are whole
  // Cyrillic words only in cp866; windows-1251 text read as cp866 breaks into box-drawing signs.
  // (Told from the first 256 KB: a 50 MB export is not decoded twice more to be told.)
  const sample = buffer.subarray(0, 256 * 1024);
  if (mostlyInRuns(sample, dosLetter)) {
    const dosWords = russianWords(iconv.decode(sample, 'cp866'));
    if (dosWords > 0 && dosWords > russianWords(iconv.decode(sample, 'windows-1251'))) return checked({ text: iconv.decode(buffer, 'cp866') }, 'cp866');
  }
  const detected = chardet.analyse(bytes);
  const cyrillic = mostlyInRuns(bytes, cyrillicLetter) ? iconv.decode(buffer, 'windows-1251') : undefined;
  if (cyrillic !== undefined && !mostlyMixedWords(cyrillic)) {
    // KOI8-R has the cases the other way round: its capitalised words read as "юЦ" in windows-1251.
    if (capitalisedWords(iconv.decode(buffer, 'koi8-r')) > capitalisedWords(cyrillic)) return refuse(1, 1, 'KOI8-R, which touchbase does not read (save as UTF-8 or windows-1251)');
    return checked({ text: cyrillic }, 'windows-1251');
  }
  // A Russian file whose only non-ASCII sign is "№" (0xB9: "№1 Trade", "дог. № 5"), before a digit
  // or a space: "ą1 Trade" in windows-1250, which no Polish word is (QA).
  if (onlyNumeroSigns(bytes)) return checked({ text: iconv.decode(buffer, 'windows-1251') }, 'windows-1251');
  const central = iconv.decode(buffer, 'windows-1250');
  const western = iconv.decode(buffer, 'windows-1252');
  const rank = (name: string) => {
    const i = detected.findIndex((m) => m.name === name || (name === 'windows-1250' ? m.name === 'ISO-8859-2' : m.name === 'ISO-8859-1'));
    return i < 0 ? detected.length : i;
  };
  const [romanian, portuguese] = tildeOrBreve(bytes);
  const a = letterScore(central, CENTRAL) + romanian;
  const b = letterScore(western, WESTERN) + portuguese;
  const useCentral = a > b || (a === b && rank('windows-1250') < rank('windows-1252'));
  const read = useCentral ? checked({ text: central }, 'windows-1250') : checked({ text: western }, 'windows-1252');
  // The same bytes as letters of either (ă or ã, ń or ñ), the other's half as good or better: a guess.
  const [won, lost] = useCentral ? [a, b] : [b, a];
  return read.ok && lost > 0 && lost * 2 >= won && central !== western ? { ...read, uncertain: true } : read;
}

/** Whether every byte above ASCII is windows-1251's "№" (0xB9) followed by a digit or a space (and there is one). */
function onlyNumeroSigns(bytes: Uint8Array): boolean {
  let seen = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const next = bytes[i + 1];
    if (b !== 0xb9 || next === undefined || !(next === 0x20 || (next >= 0x30 && next <= 0x39))) return false;
    seen = true;
  }
  return seen;
}

/**
 * A byte that is a Cyrillic letter in windows-1251: А–я, and Ё and ё below them (0xA8, 0xB8:
 * "¨" and "¸" in the Latin code pages, which no Latin word has). Short Russian text ("Ёж и К°")
 * has runs only through its Ё.
 */
function cyrillicLetter(b: number): boolean {
  return b >= 0xc0 || b === 0xa8 || b === 0xb8;
}

/**
 * Whether the words with Cyrillic letters are mostly half Latin ("Югran"): Romanian names whose
 * letters next to each other are all accented (Ţăran, Ţâru) make runs of high bytes too, and read
 * as windows-1251 they come out as such words, which Russian text hardly has ("ТехноSoft").
 */
function mostlyMixedWords(text: string): boolean {
  let pure = 0;
  let mixed = 0;
  for (const word of text.match(/\p{L}+/gu) ?? []) {
    if (!/\p{Script=Cyrillic}/u.test(word)) continue;
    if (/[A-Za-z]/.test(word)) mixed++;
    else pure++;
  }
  return mixed > pure;
}

/**
 * How Russian a decoding reads: words of Cyrillic letters alone, lower-case, capitalised or in
 * capitals, count for it; words that mix Cyrillic with other signs ("ЏҐва®ў"), and box-drawing
 * signs (what windows-1251's capitals are in cp866), against it.
 */
function russianWords(text: string): number {
  let score = 0;
  for (const token of text.split(/[\s\p{P}\p{N}]+/u)) {
    if (/[\u2500-\u25ff]/u.test(token)) score--;
    if (!/[\u0400-\u04ff]/u.test(token)) continue;
    // One letter alone proves nothing: a Latin file's "–", "€" or no-break space is one in cp866.
    if (token.length < 2) continue;
    score += /^(?:[А-ЯЁ]?[а-яё]+|[А-ЯЁ]+)$/u.test(token) ? 1 : -1;
  }
  return score;
}

/** A byte that is a Cyrillic letter in cp866: А–п 0x80–0xAF, р–я 0xE0–0xEF, Ё ё. */
function dosLetter(b: number): boolean {
  return (b >= 0x80 && b <= 0xaf) || (b >= 0xe0 && b <= 0xf1);
}

/**
 * Whether the bytes that are letters of a Cyrillic code page mostly stand next to each other, as
 * Cyrillic words make them; in Latin text such bytes are single accented letters or symbols
 * between ASCII ones.
 */
function mostlyInRuns(bytes: Uint8Array, letter: (b: number) => boolean): boolean {
  let all = 0;
  let inRuns = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (!letter(bytes[i]!)) continue;
    all++;
    if (letter(bytes[i - 1] ?? 0) || letter(bytes[i + 1] ?? 0)) inRuns++;
  }
  return all > 0 && inRuns / all >= 0.5;
}

/**
 * The byte 0xE3 (0xC3 in capitals) is Romanian ă in windows-1250 and Portuguese ã in
 * windows-1252, and each scores as a letter of its own language: a Romanian export whose only
 * accented letter was ă ("Răzvan Bălan") was read as "Rãzvan Bãlan" (QA). Portuguese has it
 * before o, e or s (João, mães, irmãs) or at a word's end (irmã); Romanian before other
 * letters (Bălan) and at a word's end too (Dănilă), which therefore tells neither. Returns the
 * points for each reading.
 */
function tildeOrBreve(bytes: Uint8Array): [romanian: number, portuguese: number] {
  let romanian = 0;
  let portuguese = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0xe3 && bytes[i] !== 0xc3) continue;
    const next = bytes[i + 1] ?? 0;
    if (next === 0x6f || next === 0x65 || next === 0x73 || next === 0x4f || next === 0x45 || next === 0x53) portuguese++;
    // Before another letter (Bălan); at a word's end it is either (Dănilă, irmã): neither.
    else if (/[A-Za-z]/.test(String.fromCharCode(next)) || next >= 0x80) romanian++;
  }
  return [romanian, portuguese];
}

function capitalisedWords(text: string): number {
  return text.match(/(?<![\p{L}])[А-ЯЁ][а-яё]+/gu)?.length ?? 0;
}

function letterScore(text: string, own: ReadonlySet<string>): number {
  let score = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (own.has(ch)) score += 2;
    else if (!/\p{L}/u.test(ch)) score -= 3;
  }
  return score;
}

/** Refuses decoded text that holds what no CRM export or YAML file should: controls, U+FFFD. */
function checked(decoded: { text: string } | { bad: number; whole: Uint8Array }, encoding: string): Decoded {
  if ('bad' in decoded) {
    const line = lineAt(decoded.whole, decoded.bad, 'utf-8');
    return refuse(line, 1, `a byte that is not UTF-8 (0x${decoded.whole[decoded.bad]!.toString(16).toUpperCase()}) in a file that starts as UTF-8`);
  }
  const text = decoded.text;
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/u.exec(text);
  if (bad) {
    const before = text.slice(0, bad.index);
    const line = before.split('\n').length;
    const column = bad.index - before.lastIndexOf('\n');
    const what = bad[0] === '\ufffd'
      ? `a replacement character (U+FFFD, shown as �) read as ${encoding}: the text was damaged by an earlier conversion, or is in another encoding`
      : `a control character (${codePoint(bad[0])}) read as ${encoding}: this looks like binary data`;
    return refuse(line, column, what);
  }
  return { ok: true, text, encoding };
}
