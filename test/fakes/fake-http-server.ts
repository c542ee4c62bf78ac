import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The HTTP plumbing both fakes share: a loopback server on a free port, and request bodies. */
export class FakeHttpServer {
  #server: Server | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  async listen(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<string> {
    this.#server = createServer((req, res) => {
      const p = handle(req, res).catch(() => undefined).finally(() => this.#inFlight.delete(p));
      this.#inFlight.add(p);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  /**
   * Resolves when every request received so far has been handled, stalled ones included: what
   * a late request commits has landed (as it would have, minutes later, on the real service).
   */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
