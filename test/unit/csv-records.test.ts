import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { forEachCsvRecord, forEachPlainRecord, type Delimiter } from '../../src/config/csv-records.ts';
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
