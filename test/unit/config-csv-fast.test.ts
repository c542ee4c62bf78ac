import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readCsvFile, type CsvJob } from '../../src/config/csv-import.ts';
import { compileRows, fastClient, fastContact, fieldCase, type ColumnPlan } from '../../src/config/csv-fast-rows.ts';
import { placeOf, type Origin } from '../../src/config/origin.ts';
import { clientSchema, contactSchema, importSchema } from '../../src/config/schema.ts';
import { emptySources, type ContactRow, type RawSources } from '../../src/config/sources.ts';

/**
 * CSV records are read by compiled per-column checks, and by zod only when a check gives up
 * (csv-fast-rows.ts). These tests hold the two paths to the same result: what the compiled
 * checks accept, zod accepts with the same output, and a whole file reads to the same clients,
 * contacts, errors, warnings and places either way.
 */

/** Values that sit on the edges of what the schemas accept. */
const VALUES = [
  '', ' ', 'client-1', 'Client-1', 'client 1', '-x', 'x'.repeat(100), 'x'.repeat(101), 'ceo', 'buyer', 'account_manager',
  'Иван Петров', 'Ion Rusu', 'Jürgen Müller', 'a'.repeat(200), 'a'.repeat(201), 'a'.repeat(60), 'a'.repeat(61), 'A\u202eB', 'x\u0000y', 'bom\ufeff', 'x\u0085y', '\u200f',
  '+7 495 123-45-67', 'a@b.co', 'ion.rusu@firm.example', 'a..b@x.com', '.a@x.com', 'ü@x.de', 'a@x', 'a@-x.com', "o'brien@x.ie", 'a+b@x.io', '@x.com',
  'RU', 'ru', 'RUS', 'MD', 'ZZ', 'Europe/Moscow', 'Mars/Olympus', 'UTC', 'A', 'B', 'C', '1', 'active', 'Active', 'lapsed', 'onboarding', 'Клиент', 'gone',
  '2027-03-15', '2027-02-29', '2024-02-29', '2027-13-01', '1899-12-31', '15.03.2027', '1.3.2027', '2027-03-15 10:00', '2027-03-15T10:00:00Z', '03/15/2027', '2027-1-1',
  '09:00-18:00', '18:00-09:00', '00:00-24:00', '9:00-18:00', 'constructor', '__proto__', 'toString',
];
const value = fc.oneof(fc.constantFrom(...VALUES), fc.string({ unit: fc.constantFrom('a', 'Z', '1', '-', '_', ' ', '.', '@', 'ș', '\u202e', '\u0001'), maxLength: 12 }));

const CLIENT_COLUMNS = ['id', 'name', 'tier', 'industry', 'country', 'timezone', 'stage', 'since', 'stage_since', 'last_contact', 'hours', 'team.account_manager', 'team.sales_director', 'attributes.region', 'Регион', 'attributes. padded', 'name'];
const CONTACT_COLUMNS = ['client', 'id', 'name', 'role', 'email', 'phone', 'attributes.inn', 'Должность', 'name'];

/** What each column usually holds (valid, or mapped by `values:`): most records are valid, as in real exports. */
const USUAL: Record<string, readonly string[]> = {
  id: ['client-1', 'client-2-ceo', 'x'.repeat(100), 'a_b'], client: ['client-1', 'Stroymash', 'x'.repeat(200)], name: ['Иван Петров', 'Ion Rusu', 'a'.repeat(200), 'Jürgen'],
  role: ['ceo', 'buyer', 'Директор', 'Закупки'], email: ['a@b.co', 'ion.rusu@firm.example', "o'brien@x.ie"], phone: ['+7 495 123-45-67', 'a'.repeat(60)],
  tier: ['A', 'B', '1'], industry: ['energy', 'retail'], country: ['RU', 'MD', 'Россия', 'Молдова', 'ro', 'Md'], timezone: ['Europe/Moscow', 'UTC'],
  stage: ['active', 'lapsed', 'Клиент', 'Ушёл', 'Пусто', 'Пробел', 'Active', 'LAPSED'], since: ['2027-03-15', '15.03.2027', '03/15/2027', '2024-02-29 10:00'],
  hours: ['09:00-18:00', '00:00-24:00'], team: ['ivanova', 'Anna Ivanova', 'a@b.co'], attributes: ['south', 'x'.repeat(200), '7701234567'],
};
const usualFor = (column: string): readonly string[] => USUAL[column] ?? USUAL[column.split('.')[0]!] ?? (['stage_since', 'last_contact'].includes(column) ? USUAL.since! : USUAL.attributes!);
const cellFor = (column: string) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...usualFor(column)) }, { weight: 1, arbitrary: value }, { weight: 1, arbitrary: fc.constant('') });

/** A declaration under `imports:` with `values:` and a date format, as a CRM's export needs. */
function layout(as: 'clients' | 'contacts'): CsvJob['layout'] {
  const values = as === 'clients'
    ? { stage: { 'Клиент': 'active', 'Ушёл': 'lapsed', 'Пусто': '', 'Пробел': ' onboarding ' }, country: { 'Россия': 'RU', 'Молдова': 'md' } }
    : { role: { 'Директор': 'ceo', 'Закупки': ' buyer ' }, id: { 'client-1': 'renamed-1' } };
  const origin: Origin = { kind: 'folder', file: 'import.yaml' };
  return { value: importSchema.parse({ file: `${as}.csv`, as, values, date_format: 'MM/dd/yyyy' }), origin };
}

interface FileCase {
  readonly as: 'clients' | 'contacts';
  readonly header: string[];
  readonly rows: string[][];
  readonly declared: boolean;
}

const fileCase = fc.constantFrom<'clients' | 'contacts'>('clients', 'contacts').chain((as) => {
  const all = as === 'clients' ? CLIENT_COLUMNS : CONTACT_COLUMNS;
  const required = as === 'clients' ? ['id', 'name'] : ['client', 'id', 'name', 'role'];
  return fc.record({
    header: fc.subarray(all.slice(required.length), { minLength: 0 }).chain((extra) => fc.shuffledSubarray([...required, ...extra], { minLength: required.length })),
    declared: fc.boolean(),
  }).chain(({ header, declared }) => fc.record({
    as: fc.constant(as),
    header: fc.constant(header),
    declared: fc.constant(declared),
    // One row in eight of another length than the header.
    rows: fc.array(fc.oneof({ weight: 7, arbitrary: fc.tuple(...header.map(cellFor)) }, { weight: 1, arbitrary: fc.array(value, { maxLength: header.length + 2 }) }), { minLength: 1, maxLength: 12 }),
  })).map((c): FileCase => c);
});

/** A row filled from the generated cells to the header's length (most rows have the right length; some do not). */
function csvText(c: FileCase): string {
  const lines = [c.header.join(';')];
  for (const row of c.rows) lines.push(row.map((cell) => cell.replace(/[;"\n\r]/g, '')).join(';'));
  return `${lines.join('\n')}\n`;
}

function read(c: FileCase, forceZod: boolean): { sources: RawSources; contacts: ContactRow[] } {
  const sources = emptySources('/company');
  const contacts: ContactRow[] = [];
  const job: CsvJob = { shown: `crm/${c.as}.csv`, bytes: Buffer.from(csvText(c)), as: c.as, layout: c.declared ? layout(c.as) : undefined };
  readCsvFile(job, sources, contacts, { forceZod });
  return { sources, contacts };
}

/** Where errors about an entity would point: its own place and that of each of its fields. */
function places(origin: Origin) {
  return ['', 'id', 'name', 'client', 'stage', 'since', 'team', 'attributes', 'email'].map((field) => placeOf(origin, field ? [field] : []));
}

describe('CSV records read by compiled checks', () => {
  it('read a file to the same clients, contacts, errors, warnings and places as zod does record by record', () => {
    fc.assert(fc.property(fileCase, (c) => {
      const fast = read(c, false);
      const zod = read(c, true);
      expect(fast.sources.issues).toEqual(zod.sources.issues);
      expect(fast.sources.warnings).toEqual(zod.sources.warnings);
      expect([...fast.sources.brokenIds]).toEqual([...zod.sources.brokenIds]);
      expect(fast.sources.opaque).toBe(zod.sources.opaque);
      expect(fast.sources.clients.map((x) => x.value)).toStrictEqual(zod.sources.clients.map((x) => x.value));
      expect(fast.sources.clients.map((x) => x.broken)).toEqual(zod.sources.clients.map((x) => x.broken));
      expect(fast.sources.clients.map((x) => places(x.origin))).toEqual(zod.sources.clients.map((x) => places(x.origin)));
      expect(fast.contacts.map((x) => [x.contact, x.client])).toStrictEqual(zod.contacts.map((x) => [x.contact, x.client]));
      expect(fast.contacts.map((x) => places(x.origin))).toEqual(zod.contacts.map((x) => places(x.origin)));
    }), { numRuns: 1500 });
  });

  it('vouch for a record only when zod accepts it with the same output', () => {
    const plan = (columns: readonly string[]): ColumnPlan => ({
      targets: columns.map((c) => (c.startsWith('team.') || c.startsWith('attributes.') ? [c.slice(0, c.indexOf('.')), c.slice(c.indexOf('.') + 1)] : [c])),
      valueMaps: columns.map(() => undefined),
      dates: columns.map((c) => ['since', 'stage_since', 'last_contact'].includes(c)),
    });
    const clients = compileRows('clients', plan(CLIENT_COLUMNS.slice(0, 14)));
    const contacts = compileRows('contacts', plan(CONTACT_COLUMNS.slice(0, 7)));
    let vouched = 0;
    const cells14 = fc.tuple(...CLIENT_COLUMNS.slice(0, 14).map(cellFor)).chain((clientCells) => fc.tuple(...CONTACT_COLUMNS.slice(0, 7).map(cellFor)).map((contactCells) => [clientCells, contactCells] as const));
    fc.assert(fc.property(cells14, ([cells, contactCells]) => {
      const client = fastClient(clients, cells, (cell) => cell);
      if (client) {
        vouched++;
        const row: Record<string, unknown> = { team: {}, attributes: {} };
        CLIENT_COLUMNS.slice(0, 14).forEach((column, i) => {
          if (cells[i]!.trim() === '') return;
          if (column.includes('.')) (row[column.slice(0, column.indexOf('.'))] as Record<string, string>)[column.slice(column.indexOf('.') + 1)] = cells[i]!.trim();
          // As the CSV reads a fixed value in another case (fieldCase: Active is active).
          else row[column] = fieldCase(column, cells[i]!.trim()) ?? cells[i]!.trim();
        });
        if (Object.keys(row.attributes as object).length === 0) delete row.attributes;
        expect(clientSchema.parse(row)).toStrictEqual(client);
      }
      const contact = fastContact(contacts, contactCells, (cell) => cell);
      if (contact) {
        vouched++;
        const row: Record<string, unknown> = {};
        ['id', 'name', 'role', 'email', 'phone'].forEach((field, i) => {
          if (contactCells[i + 1]!.trim() !== '') row[field] = contactCells[i + 1]!.trim();
        });
        if (contactCells[6]!.trim() !== '') row.attributes = { inn: contactCells[6]!.trim() };
        expect(contactSchema.parse(row)).toStrictEqual(contact.contact);
        expect(contact.client).toBe(contactCells[0]!.trim());
      }
    }), { numRuns: 3000 });
    // Not vacuous: most generated records are valid and taken without zod.
    expect(vouched).toBeGreaterThan(1000);
  });

  it('take the common record without zod, and give the rest to zod', () => {
    const plan: ColumnPlan = { targets: [['client'], ['id'], ['name'], ['role'], ['email']], valueMaps: [undefined, undefined, undefined, undefined, undefined], dates: [false, false, false, false, false] };
    const rows = compileRows('contacts', plan);
    expect(fastContact(rows, ['client-1', 'client-1-ceo', 'Vasile Ceban', 'ceo', 'client-1-ceo@clients.example'], (c) => c))
      .toStrictEqual({ contact: { id: 'client-1-ceo', name: 'Vasile Ceban', role: 'ceo', email: 'client-1-ceo@clients.example' }, client: 'client-1' });
    for (const wrong of [
      ['client-1', 'Client-1-CEO', 'Vasile Ceban', 'ceo', ''],
      ['client-1', 'client-1-ceo', 'Vasile\u202eCeban', 'ceo', ''],
      ['client-1', 'client-1-ceo', 'Vasile Ceban', '', ''],
      ['client-1', 'client-1-ceo', 'Vasile Ceban', 'ceo', 'not an address'],
      ['', 'client-1-ceo', 'Vasile Ceban', 'ceo', ''],
    ]) expect(fastContact(rows, wrong, (c) => c)).toBeUndefined();
  });
});
