import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { serialize } from 'node:v8';
import { forEachCsvRecord, forEachPlainRecord, forEachPlainRecordOfBytes, plainUtf8Csv, type Delimiter } from '../../src/config/csv-records.ts';
import { acceptedUtf8, decodeText } from '../../src/config/decode-text.ts';
import type { ConfigIssue } from '../../src/config/config-issue.ts';

/** What the CSV parser reads: each record with the line it is on (no quotes: one line each). */
function parsed(text: string, delimiter: Delimiter): [string[], number][] {
  const out: [string[], number][] = [];
  parseCsv(text, {
    delimiter, relax_column_count: true, skip_empty_lines: true, relax_quotes: false,
    on_record: (record: string[], context: { lines: number }) => {
      out.push([record, context.lines]);
      return null;
    },
  });
  return out;
}

const cell = fc.string({ unit: fc.constantFrom('a', 'Я', 'ș', ' ', '1', ',', ';', '\t', '.', '—', '\n', '\n', '') });

describe('CSV records without quotes', () => {
  it('are split as the CSV parser reads them: the same cells, the same line numbers, empty lines skipped', () => {
    fc.assert(fc.property(fc.array(cell, { maxLength: 30 }), fc.constantFrom<Delimiter>(',', ';', '\t'), (cells, delimiter) => {
      const text = cells.join('');
      const mine: [string[], number][] = [];
      forEachPlainRecord(text, delimiter, (record, line) => mine.push([record, line]));
      expect(mine).toEqual(parsed(text, delimiter));
    }), { numRuns: 2000 });
  });

  it('give the same header, rows and lines through forEachCsvRecord as a file that quotes a cell', () => {
    const rows = ['id;name;tier', '', 'a1;Альфа;A', ';;;', 'b2;Beta;B;', '', 'c3;Gamma'];
    const collect = (text: string) => {
      const issues: ConfigIssue[] = [];
      const seen: unknown[] = [];
      forEachCsvRecord(text, 'x.csv', undefined, issues, (h) => seen.push(['header', h.names, h.line, h.delimiter]), (cells, line) => seen.push([cells, line]));
      return { seen, issues };
    };
    const plain = collect(`${rows.join('\r\n')}\n`);
    // The same file with one cell quoted goes through the parser.
    const quoted = collect(`${rows.join('\r\n').replace('Альфа', '"Альфа"')}\n`);
    expect(plain).toEqual(quoted);
    expect(plain.seen).toEqual([['header', ['id', 'name', 'tier'], 1, ';'], [['a1', 'Альфа', 'A'], 3], [['b2', 'Beta', 'B', ''], 5], [['c3', 'Gamma'], 7]]);
  });

  it('an empty file is said to be one', () => {
    const issues: ConfigIssue[] = [];
    expect(forEachCsvRecord('\n\n', 'x.csv', ',', issues, () => undefined, () => undefined)).toBe(false);
    expect(issues).toMatchObject([{ file: 'x.csv', line: 1, found: 'an empty file' }]);
  });
});

describe('CSV records read from UTF-8 bytes', () => {
  const line = fc.array(fc.constantFrom('a', 'Z', '1', ' ', ',', ';', 'ü', 'Я', 'ș', '—', '👍', '\r\n', '\n', '\r\n'), { maxLength: 40 }).map((parts) => parts.join(''));

  it('are the records of the decoded text: the same cells, the same line numbers, CRLF and LF alike, a byte-order mark skipped', () => {
    fc.assert(fc.property(line, fc.constantFrom<Delimiter>(',', ';', '\t'), fc.boolean(), (text, delimiter, bom) => {
      const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
      const fromText: [string[], number][] = [];
      forEachPlainRecord(text.replace(/\r\n?/g, '\n'), delimiter, (record, n) => fromText.push([record, n]));
      const fromBytes: [string[], number][] = [];
      forEachPlainRecordOfBytes({ bytes, start: bom ? 3 : 0 }, delimiter, (record, n) => fromBytes.push([record, n]));
      expect(fromBytes).toEqual(fromText);
    }), { numRuns: 2000 });
  });

  it('keep the cells of a Latin-1 line one-byte strings when another line of the file is Cyrillic (split from the decoded text, they are all two-byte)', () => {
    const text = 'id,name\nclient-1,Lukas Müller\nclient-2,Иван Петров\n';
    const bytes = Buffer.from(text, 'utf8');
    const cells: string[] = [];
    const issues: ConfigIssue[] = [];
    forEachCsvRecord(new TextDecoder().decode(bytes), 'x.csv', undefined, issues, () => undefined, (record) => cells.push(...record), { bytes, start: 0 });
    expect(cells).toEqual(['client-1', 'Lukas Müller', 'client-2', 'Иван Петров']);
    // V8's serializer writes a string's representation: '"' for one-byte, 'c' for two-byte.
    // The Cyrillic line is two-byte, its id too (a slice of it); the others are not.
    const tag = (s: string) => String.fromCharCode(serialize(s)[2]!);
    expect(cells.map(tag)).toEqual(['"', '"', 'c', 'c']);
    // Split from the decoded text, every cell is a slice of one two-byte string.
    const sliced: string[] = [];
    forEachCsvRecord(new TextDecoder().decode(bytes), 'x.csv', undefined, issues, () => undefined, (record) => sliced.push(...record));
    expect(sliced.map(tag)).toEqual(['c', 'c', 'c', 'c']);
    expect(sliced).toEqual(cells);
    expect(issues).toEqual([]);
  });

  it('fall back to the text where it holds an old Mac line end or a second byte-order mark', () => {
    for (const text of ['id,name\rclient-1,Ion\r\nclient-2,Ana\n', '\ufeffid,name\nclient-1,Ion\n']) {
      const bytes = Buffer.from(text, 'utf8');
      const decoded = new TextDecoder().decode(bytes);
      const seen = (utf8?: { bytes: Uint8Array; start: number }) => {
        const out: unknown[] = [];
        forEachCsvRecord(decoded, 'x.csv', ',', [], (h) => out.push(h.names, h.line), (record, n) => out.push([record, n]), utf8);
        return out;
      };
      expect(seen({ bytes, start: 0 })).toEqual(seen());
    }
  });
});

describe('a UTF-8 CSV read from its bytes alone', () => {
  const chunk = fc.constantFrom(
    [0x61], [0x5a], [0x31], [0x2c], [0x3b], [0x20], [0x09], [0x0a], [0x0a], [0x0d, 0x0a], [0x0d], [0x22], [0x00], [0x01], [0x0b], [0x1f], [0x7f],
    [0xc3, 0xa9], [0xd0, 0xaf], [0xe2, 0x80, 0x94], [0xf0, 0x9f, 0x91, 0x8d], [0xef, 0xbf, 0xbd], [0xef, 0xbb, 0xbf], [0xc2, 0x85],
    [0xc3], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xbf],
  );
  const file = fc.tuple(fc.boolean(), fc.array(chunk, { maxLength: 60 })).map(([bom, chunks]) => Buffer.from([...(bom ? [0xef, 0xbb, 0xbf] : []), ...chunks.flat()]));

  it('is taken only when decodeText accepts the file as UTF-8, and then reads the records, header and errors of its text', () => {
    let taken = 0;
    fc.assert(fc.property(file, (bytes) => {
      const accepted = acceptedUtf8(bytes);
      if (accepted) {
        const decoded = decodeText(bytes);
        expect(decoded).toMatchObject({ ok: true, encoding: accepted.encoding });
        expect((decoded as { text: string }).text).toBe(bytes.toString('utf8', accepted.start));
      }
      const plain = plainUtf8Csv(bytes);
      if (plain) {
        taken++;
        const read = (text: string | undefined, utf8?: { bytes: Uint8Array; start: number }) => {
          const issues: ConfigIssue[] = [];
          const seen: unknown[] = [];
          const complete = forEachCsvRecord(text, 'x.csv', undefined, issues, (h) => seen.push(['header', h.names, h.line, h.delimiter]), (cells, line) => seen.push([cells, line]), utf8);
          return { seen, issues, complete };
        };
        const text = (decodeText(bytes) as { text: string }).text;
        expect(read(undefined, plain)).toEqual(read(text));
      }
    }), { numRuns: 4000 });
    expect(taken).toBeGreaterThan(100);
  });
});

describe('a file in a Windows code page', () => {
  it('short Russian text in windows-1251 is Cyrillic, its Ё and ё included, not Latin letters of windows-1252', () => {
    for (const name of ['Ёж и К°', 'Ёж', 'ООО «Ёлка»', 'Ёлки и Ко']) {
      const bytes = iconv.encode(`id;name\r\nc1;${name}\r\nc2;Dacia\r\n`, 'windows-1251');
      expect(decodeText(bytes), name).toMatchObject({ ok: true, encoding: 'windows-1251', text: `id;name\r\nc1;${name}\r\nc2;Dacia\r\n` });
    }
    // Its only non-ASCII sign a "№" before a digit or a space: windows-1251, not windows-1250's "ą" (QA: "ą1 Trade").
    for (const name of ['№1 Trade', 'Dogovor № 5']) {
      expect(decodeText(iconv.encode(`id;name\r\nc1;${name}\r\n`, 'windows-1251')), name).toMatchObject({ ok: true, encoding: 'windows-1251', text: `id;name\r\nc1;${name}\r\n` });
    }
    // Latin text with the same bytes' neighbours stays Latin (a Polish "ą" in a word).
    for (const [name, encoding] of [['Ştefan Ţăran', 'windows-1250'], ['Café Müller', 'windows-1252'], ['Mąka sp.', 'windows-1250']] as const) {
      expect(decodeText(iconv.encode(`id;name\r\nc1;${name}\r\n`, encoding)), name).toMatchObject({ ok: true, text: `id;name\r\nc1;${name}\r\n` });
    }
  });
});
