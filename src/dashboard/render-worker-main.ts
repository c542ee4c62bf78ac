// The dashboard's page renderer, in a worker thread of the daemon: its database reads and HTML
// building never hold up the daemon's event loop (feeds, /healthz, one-click links, the API).
import { parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { DB } from '../storage/database.ts';
import { openReadOnly } from '../storage/read-only.ts';
import { renderPage } from './render.ts';
import { RenderCache } from './render-cache.ts';
import type { PageRequest, PageResponse, RenderedResponse } from './page-types.ts';

export type RenderMessage = { readonly id: number; readonly request: PageRequest };
export type RenderAnswer = { readonly id: number; readonly response: RenderedResponse } | { readonly id: number; readonly error: string };

/** Pages smaller than this go as they are: compressing them saves too little. */
const GZIP_FROM = 1024;

/**
 * The page as bytes, compressed here when the browser takes gzip: writing a page of 140 KB
 * to a socket costs the daemon's loop far more than writing its 15 KB compressed.
 */
function encoded(r: PageResponse, gzip: boolean): RenderedResponse {
  const raw = Buffer.from(r.body, 'utf8');
  const compress = gzip && raw.byteLength >= GZIP_FROM;
  const bytes = compress ? gzipSync(raw, { level: 6 }) : raw;
  return { status: r.status, kind: r.kind, filename: r.filename, gzip: compress, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

const { dbFile } = workerData as { dbFile: string };
let db: DB | undefined;
const cache = new RenderCache();

parentPort!.on('message', (m: RenderMessage) => {
  db ??= openReadOnly(dbFile);
  renderPage(db, m.request, cache).then(
    (page) => {
      const response = encoded(page, m.request.gzip === true);
      // The bytes are handed over, not copied (a small Buffer may share a pooled one: then it is copied).
      const own = response.bytes.byteOffset === 0 && response.bytes.byteLength === response.bytes.buffer.byteLength;
      parentPort!.postMessage({ id: m.id, response } satisfies RenderAnswer, own ? [response.bytes.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => parentPort!.postMessage({ id: m.id, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies RenderAnswer),
  );
});
parentPort!.postMessage('ready');
