import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Asset { readonly body: string; readonly type: string }

const TYPES: Readonly<Record<string, string>> = {
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
};

let loaded: ReadonlyMap<string, Asset> | undefined;

/**
 * The dashboard's stylesheet and script, served by the daemon itself (no CDN: closed networks).
 * Read on first use, beside this module (src/dashboard/assets/ or, built, dist/assets/), so a
 * command that never serves a page never touches them.
 */
export function assets(): ReadonlyMap<string, Asset> {
  loaded ??= new Map(Object.entries(TYPES).map(([name, type]) =>
    [name, { body: readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8'), type }]));
  return loaded;
}

let version: string | undefined;

/** Changes whenever an asset changes: pages ask for ?v=…, so browsers may keep assets for long. */
export function assetVersion(): string {
  version ??= createHash('sha256').update([...assets().values()].map((a) => a.body).join('\u0000')).digest('hex').slice(0, 10);
  return version;
}
