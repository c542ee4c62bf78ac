import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The dashboard's stylesheet and script, served by the daemon itself (no CDN: closed networks). */
export const ASSETS: ReadonlyMap<string, { readonly body: string; readonly type: string }> = new Map([
  ['dashboard.css', { body: readFileSync(new URL('./assets/dashboard.css', import.meta.url), 'utf8'), type: 'text/css; charset=utf-8' }],
  ['dashboard.js', { body: readFileSync(new URL('./assets/dashboard.js', import.meta.url), 'utf8'), type: 'text/javascript; charset=utf-8' }],
]);

/** Changes whenever an asset changes: pages ask for ?v=…, so browsers may keep assets for long. */
export const ASSET_VERSION = createHash('sha256').update([...ASSETS.values()].map((a) => a.body).join('\u0000')).digest('hex').slice(0, 10);
