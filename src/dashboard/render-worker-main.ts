// The dashboard's page renderer, in a worker thread of the daemon: its database reads and HTML
// building never hold up the daemon's event loop (feeds, /healthz, one-click links, the API).
import { parentPort, workerData } from 'node:worker_threads';
import type { DB } from '../storage/database.ts';
import { openReadOnly } from '../storage/read-only.ts';
import { renderPage } from './render.ts';
import { RenderCache } from './render-cache.ts';
import type { PageRequest, PageResponse } from './page-types.ts';

export type RenderMessage = { readonly id: number; readonly request: PageRequest };
export type RenderAnswer = { readonly id: number; readonly response: PageResponse } | { readonly id: number; readonly error: string };

const { dbFile } = workerData as { dbFile: string };
let db: DB | undefined;
const cache = new RenderCache();

parentPort!.on('message', (m: RenderMessage) => {
  db ??= openReadOnly(dbFile);
  renderPage(db, m.request, cache).then(
    (response) => parentPort!.postMessage({ id: m.id, response } satisfies RenderAnswer),
    (error: unknown) => parentPort!.postMessage({ id: m.id, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies RenderAnswer),
  );
});
parentPort!.postMessage('ready');
