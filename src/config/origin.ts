import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** Where an entity of the configuration was written: a YAML node path or a CSV record. */
export type Origin = YamlOrigin | CsvOrigin | FolderOrigin;

export interface YamlOrigin {
  readonly kind: 'yaml';
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly path: readonly (string | number)[];
}

export interface CsvOrigin {
  readonly kind: 'csv';
  readonly file: string;
  /** File line of the record. */
  readonly line: number;
  /** Header column names, in order. */
  readonly header: readonly string[];
  /** What field paths are called in this file, e.g. a contact's client lives in column "client". */
  readonly prefix: readonly (string | number)[];
}

export interface FolderOrigin {
  readonly kind: 'folder';
  readonly file: string;
}

export interface Place {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
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
  if (origin.kind === 'csv') return { ...origin, prefix: [...origin.prefix, ...path] };
  return origin;
}

/**
 * The line and column of a field below an origin. For a missing field, the nearest
 * enclosing node that exists; for `keyOf`, the key rather than the value (unknown keys).
 */
export function placeOf(origin: Origin, path: readonly PropertyKey[] = [], keyOf = false): Place {
  if (origin.kind === 'folder') return { file: origin.file, line: 1, column: 1, field: fieldName(path) };
  if (origin.kind === 'csv') {
    const full = [...origin.prefix, ...path].filter((p) => typeof p === 'string') as string[];
    const name = full.join('.');
    let index = origin.header.indexOf(name);
    for (let n = full.length; index < 0 && n > 0; n--) index = origin.header.indexOf(full.slice(0, n).join('.'));
    return { file: origin.file, line: origin.line, column: index < 0 ? 1 : index + 1, field: name || fieldName(path) };
  }
  const full = [...origin.path, ...path];
  let node: unknown = origin.doc.contents;
  let best: Node | undefined = node as Node | undefined;
  for (let i = 0; i < full.length; i++) {
    const key = full[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
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
  const offset = best?.range?.[0] ?? 0;
  const pos = origin.lines.linePos(offset);
  return { file: origin.file, line: pos.line, column: pos.col, field: fieldName(full) };
}
