import { nameKey } from './name-key.ts';
import type { z } from 'zod';
import { UNSAFE_CHARACTERS } from './config-issue.ts';
import { attributeName, clientSchema, contactSchema, STAGES, type RawClient, type RawContact } from './schema.ts';

/**
 * CSV records read without a zod parse per record. A CRM export of 50,000 contacts is almost
 * always valid, and zod's object parse (with its issue machinery, defaults and copies) costs
 * several times what checking the cells does. So each column gets a compiled check of its
 * field, and a record whose every cell passes is built directly. The checks are one-sided: a
 * check either vouches that zod accepts the value and outputs it unchanged, or gives up; a
 * record with any cell given up on (or a required field missing) goes to the zod path, which
 * judges it and words its errors exactly as before. A check may give up on a valid value (it
 * then costs a zod parse), never vouch for an invalid one: test/unit/config-csv-fast.test.ts
 * compares both paths on random records.
 */

/** One cell's value as zod outputs it, or undefined when zod must judge it. */
type Check = (value: string) => string | undefined;

export interface ColumnPlan {
  /** Where the column's cells go: [field], or ['team' | 'attributes', name]; undefined: not read. */
  readonly targets: readonly (readonly string[] | undefined)[];
  /** Per column, the mapping of the CRM's words to touchbase's (`values:`), by lower-cased cell. */
  readonly valueMaps: readonly (ReadonlyMap<string, string> | undefined)[];
  /** Per column, whether its cells are dates to bring to ISO first. */
  readonly dates: readonly boolean[];
}

interface Column {
  readonly index: number;
  /** The field, or 'team' / 'attributes' for a column of a record field. */
  readonly field: string;
  /** The key inside team or attributes. */
  readonly key: string | undefined;
  readonly valueMap: ReadonlyMap<string, string> | undefined;
  readonly date: boolean;
  /** Undefined: every non-empty cell of the column goes to zod (its attribute name is refused). */
  readonly check: Check | undefined;
}

export interface FastRows {
  readonly as: 'clients' | 'contacts';
  readonly columns: readonly Column[];
}

/** What a valid record of contacts.csv becomes: the contact and the client it names. */
export interface FastContact {
  readonly contact: RawContact;
  readonly client: string;
}

const ID = /^[a-z0-9][a-z0-9_-]*$/;
/** z.email()'s own pattern, taken from the schema so that both judge an address alike. */
const EMAIL = ((contactSchema.shape.email.unwrap() as unknown as { _zod: { def: { pattern?: RegExp } } })._zod.def.pattern);

const id: Check = (v) => (v.length <= 100 && ID.test(v) ? v : undefined);
/** `safe(max)` of schema.ts: trimmed, not empty, at most max, no control or bidirectional character. */
const safe = (max: number): Check => (v) => (v.length > 0 && v.length <= max && v.trim().length === v.length && !UNSAFE_CHARACTERS.test(v) ? v : undefined);
const text = safe(200);
const email: Check = EMAIL ? (v) => (EMAIL.test(v) ? v : undefined) : memoised(contactSchema.shape.email);
const country: Check = (v) => (v.length === 2 && /^[A-Z]{2}$/.test(v) ? v : undefined);

/** The checks written out, where zod per cell would cost most (a value per record); the other fields ask zod once per distinct value. */
const WRITTEN: Record<'clients' | 'contacts', Record<string, Check>> = {
  clients: { id, name: text, tier: text, industry: text, country },
  contacts: { id, name: text, role: text, email, phone: safe(60), client: (v) => (v.length <= 200 ? v : undefined) },
};
const SCHEMAS = { clients: clientSchema.shape as Record<string, z.ZodType>, contacts: contactSchema.shape as Record<string, z.ZodType> };
const REQUIRED = { clients: ['id', 'name'], contacts: ['id', 'name', 'role'] } as const;

/** zod's verdict on a field's value, remembered per distinct value (stages, zones, dates and hours repeat). */
function memoised(schema: z.ZodType): Check {
  const seen = new Map<string, string | null>();
  return (v) => {
    let out = seen.get(v);
    if (out === undefined) {
      const parsed = schema.safeParse(v);
      out = parsed.success && typeof parsed.data === 'string' ? parsed.data : null;
      // Bounded: a column of unique values gains nothing from remembering them.
      if (seen.size < 4096) seen.set(v, out);
    }
    return out ?? undefined;
  };
}

/** The compiled checks of a file's columns, once its header is read. */
export function compileRows(as: 'clients' | 'contacts', plan: ColumnPlan): FastRows {
  const columns: Column[] = [];
  plan.targets.forEach((target, index) => {
    if (!target) return;
    const [head, key] = target as [string, string | undefined];
    let check: Check | undefined;
    if (key === undefined) check = WRITTEN[as][head] ?? memoised(SCHEMAS[as][head]!);
    // A role key passed roleKey when the column was planned; an attribute's name is judged here once for the column.
    else if (head === 'team' || attributeName.safeParse(key).success) check = text;
    columns.push({ index, field: head, key, valueMap: plan.valueMaps[index], date: plan.dates[index]!, check });
  });
  return { as, columns };
}

/**
 * A CRM's cell of a field with fixed values in another case, as the field writes it: Excel's
 * `Active` is the stage `active`, `ro` the country `RO` (QA: one capitalised cell refused the
 * whole configuration, the value meant being plain). Undefined when the cell is not such a value.
 */
export function fieldCase(field: string, cell: string): string | undefined {
  if (field === 'stage') {
    const lower = cell.toLowerCase();
    return lower !== cell && (STAGES as readonly string[]).includes(lower) ? lower : undefined;
  }
  if (field === 'country') return /^[a-z]{2}$|^[A-Z][a-z]$|^[a-z][A-Z]$/.test(cell) ? cell.toUpperCase() : undefined;
  return undefined;
}

/**
 * The record as zod would output it, or undefined when zod must read it (a cell the checks
 * give up on, a required field missing). `toIso` brings a date cell to ISO as the zod path does.
 */
function fastRecord(rows: FastRows, cells: readonly string[], toIso: (cell: string) => string): { out: Record<string, unknown>; client: string | undefined } | undefined {
  const out: Record<string, unknown> = {};
  let name: string | undefined;
  // A contact's client is not a field of the contact: kept aside (deleting it would slow every contact object down).
  let client: string | undefined;
  for (const column of rows.columns) {
    const raw = cells[column.index];
    if (raw === undefined) continue;
    const cell = raw.trim();
    // An empty cell is no value, unless `values:` gives empty cells one (`role: { "": other }`).
    const empty = cell === '' ? column.valueMap?.get('') : undefined;
    if (cell === '' && empty === undefined) continue;
    if (column.check === undefined) return undefined;
    const written = empty ?? (column.valueMap && column.valueMap.get(nameKey(cell))) ?? (column.date ? toIso(cell) : (column.key === undefined && fieldCase(column.field, cell)) || cell);
    // Several name columns (first and last name) make one name, checked whole below.
    if (column.field === 'name' && column.key === undefined) {
      name = name === undefined ? written : `${name} ${written}`;
      continue;
    }
    const value = column.check(written);
    if (value === undefined) return undefined;
    if (column.key !== undefined) ((out[column.field] ??= {}) as Record<string, string>)[column.key] = value;
    else if (column.field === 'client' && rows.as === 'contacts') client = value;
    else out[column.field] = value;
  }
  if (name !== undefined) {
    const checked = text(name);
    if (checked === undefined) return undefined;
    out.name = checked;
  }
  for (const field of REQUIRED[rows.as]) if (out[field] === undefined) return undefined;
  if (rows.as === 'contacts' && client === undefined) return undefined;
  return { out, client };
}

export function fastClient(rows: FastRows, cells: readonly string[], toIso: (cell: string) => string): RawClient | undefined {
  const out = fastRecord(rows, cells, toIso)?.out;
  if (!out) return undefined;
  // clientSchema's defaults.
  out.stage ??= 'active';
  out.team ??= {};
  out.contacts = [];
  return out as RawClient;
}

export function fastContact(rows: FastRows, cells: readonly string[], toIso: (cell: string) => string): FastContact | undefined {
  const record = fastRecord(rows, cells, toIso);
  return record ? { contact: record.out as RawContact, client: record.client! } : undefined;
}
