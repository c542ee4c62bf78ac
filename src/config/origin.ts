import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Alias, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

/** Where an entity of the configuration was written: a YAML node path or a CSV record. */
export type Origin = YamlOrigin | CsvOrigin | FolderOrigin;

export interface YamlOrigin {
  readonly kind: 'yaml';
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly path: readonly (string | number)[];
  /** What is written there, by its id: "client stroymash". */
  readonly subject?: string;
}

/** The columns of one CSV file, shared by the origins of all its records. */
export interface CsvTable {
  readonly file: string;
  /** Header column names, in order, as the file writes them. */
  readonly header: readonly string[];
  /** Field path ("team.account_manager", "attributes.inn") → index of the column it is read from. */
  readonly columnOf: ReadonlyMap<string, number>;
  /** What a record is ("client", "contact"): a record's subject is this and its id. */
  readonly entity: string;
  /** The file line of the header. */
  readonly headerLine?: number;
  /** The columns of the CRM's own, kept as attributes because no field has their name (indexes). */
  readonly kept?: readonly number[];
}

const NO_PATH: readonly (string | number)[] = Object.freeze([]);

/**
 * A CSV record's place. A file of 50,000 records makes 50,000 of these and almost never asks
 * one where it is, so each holds only its line, its id and the file's shared table; the
 * subject ("contact client-7-ceo") and the place of a field are made when an error needs them.
 * Never spread one (its file, header and subject are getters): child() and withSubject() make
 * the derived origins.
 */
export class CsvOrigin {
  readonly kind = 'csv';
  readonly #subject: string | undefined;

  constructor(
    readonly table: CsvTable,
    /** File line of the record. */
    readonly line: number,
    /** The record's id cell (trimmed), when it has one. */
    readonly id: string | undefined,
    /** What field paths are called in this file, e.g. a contact's client lives in column "client". */
    readonly prefix: readonly (string | number)[] = NO_PATH,
    subject?: string,
  ) {
    this.#subject = subject;
  }

  get file(): string {
    return this.table.file;
  }

  get header(): readonly string[] {
    return this.table.header;
  }

  get columnOf(): ReadonlyMap<string, number> {
    return this.table.columnOf;
  }

  get subject(): string | undefined {
    return this.#subject ?? (this.id ? `${this.table.entity} ${this.id}` : undefined);
  }

  /** The same record, one level deeper. */
  child(path: readonly (string | number)[]): CsvOrigin {
    return new CsvOrigin(this.table, this.line, this.id, [...this.prefix, ...path], this.#subject);
  }

  /** The same record, naming what is there. */
  withSubject(subject: string): CsvOrigin {
    return new CsvOrigin(this.table, this.line, this.id, this.prefix, subject);
  }
}

export interface FolderOrigin {
  readonly kind: 'folder';
  readonly file: string;
  readonly subject?: string;
}

export interface Place {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly subject?: string;
}

/** Field path as users read it: clients[3].team.account_manager */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Child origin: the same place, one level deeper. */
export function child(origin: Origin, ...path: (string | number)[]): Origin {
  if (origin.kind === 'yaml') return { ...origin, path: [...origin.path, ...path] };
  if (origin.kind === 'csv') return origin.child(path);
  return origin;
}

/** The same place, naming what is there: withSubject(origin, 'client stroymash'). */
export function withSubject(origin: Origin, subject: string | undefined): Origin {
  if (subject === undefined) return origin;
  return origin.kind === 'csv' ? origin.withSubject(subject) : { ...origin, subject };
}

/**
 * The line and column of a field below an origin. For a missing field, the nearest
 * enclosing node that exists; for `keyOf`, the key rather than the value (unknown keys).
 */
export function placeOf(origin: Origin, path: readonly PropertyKey[] = [], keyOf = false): Place {
  const subject = origin.subject;
  if (origin.kind === 'folder') return { file: origin.file, line: 1, column: 1, field: fieldName(path), subject };
  if (origin.kind === 'csv') {
    const full = [...origin.prefix, ...path].filter((p) => typeof p === 'string') as string[];
    const name = full.join('.');
    let index = origin.columnOf.get(name);
    for (let n = full.length - 1; index === undefined && n > 0; n--) index = origin.columnOf.get(full.slice(0, n).join('.'));
    // A field of several columns (team): its first column.
    if (index === undefined && name) for (const [key, i] of origin.columnOf) if (key.startsWith(`${name}.`) && (index === undefined || i < index)) index = i;
    const header = index === undefined ? undefined : origin.header[index];
    const field = header === undefined || header === name || name === '' ? name || header || '' : `${name} (column "${header}")`;
    return { file: origin.file, line: origin.line, column: index === undefined ? 1 : index + 1, field, subject };
  }
  const full = [...origin.path, ...path];
  const doc = origin.doc;
  let node: unknown = origin.doc.contents;
  let best: Node | undefined = node as Node | undefined;
  for (let i = 0; i < full.length; i++) {
    const key = full[i];
    // Through an alias (`team: *shared`) to what its anchor holds: a mistake there is one, at its
    // line, not one at each of the hundreds of lines that use it (sortIssues then says it once).
    if (isAlias(node)) node = aliasTarget(doc, node) ?? node;
    if (isMap(node)) {
      const pair = pairOf(node, key, doc);
      if (!pair) break;
      if (keyOf && i === full.length - 1 && isScalar(pair.key)) {
        best = pair.key;
        break;
      }
      node = pair.value;
      if (node) best = node as Node;
      else {
        if (isScalar(pair.key)) best = pair.key;
        break;
      }
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      best = node as Node;
    } else break;
  }
  if (isAlias(best)) best = aliasTarget(doc, best) ?? best;
  const offset = best?.range?.[0] ?? 0;
  const pos = origin.lines.linePos(offset);
  return { file: origin.file, line: pos.line, column: pos.col, field: fieldName(full), subject };
}

/**
 * A mapping's pair of `key`: its own, else the one a merge (`<<: *base`, `<<: [*a, *b]`) brings
 * in, from the first merged mapping that has it, as YAML's merge reads them (own keys first) —
 * except an `id`.
 */
function pairOf(map: YAMLMap, key: PropertyKey | undefined, doc: Document, depth = 0): Pair | undefined {
  const own = map.items.find((p) => isPair(p) && isScalar(p.key) && !mergeKey(p.key) && String(p.key.value) === String(key));
  // An id is the entry's own: one a merge gave it (the entry forgot its own) is said at the entry,
  // not at the base's line as "first at" itself.
  if (own || depth > 20 || key === 'id') return own;
  for (const p of map.items) {
    if (!isPair(p) || !mergeKey(p.key)) continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (const source of sources) {
      const merged = isAlias(source) ? aliasTarget(doc, source) : source;
      const found = isMap(merged) ? pairOf(merged, key, doc, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** `<<`, which yaml (merge: true) reads as a scalar holding a symbol. */
function mergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || key.value === '<<');
}

/** Each document's anchors by name, in the order written (offset, node): made once per document. */
const anchorsOf = new WeakMap<Document, Map<string, { offset: number; node: Node }[]>>();

/**
 * What an alias stands for: the last anchor of its name before it, as YAML resolves it. Not
 * yaml's Alias.resolve, which walks the whole document at each call: 10,000 clients sharing one
 * misspelt team through an alias are 10,000 errors to place.
 */
export function aliasTarget(doc: Document, alias: Alias): Node | undefined {
  let anchors = anchorsOf.get(doc);
  if (!anchors) {
    const found = new Map<string, { offset: number; node: Node }[]>();
    visit(doc, {
      Node(_key, node) {
        if (isAlias(node) || !node.anchor) return;
        const list = found.get(node.anchor) ?? [];
        list.push({ offset: node.range?.[0] ?? 0, node: node as Node });
        found.set(node.anchor, list);
      },
    });
    anchorsOf.set(doc, anchors = found);
  }
  const at = alias.range?.[0] ?? 0;
  let target: Node | undefined;
  for (const a of anchors.get(alias.source) ?? []) if (a.offset < at) target = a.node;
  return target;
}
