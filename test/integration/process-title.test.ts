import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const started: ChildProcess[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A "PostgreSQL server" that takes connections and never answers: the command waits on it, long enough to be looked at. */
async function silentServer(): Promise<number> {
  const server = createServer((socket) => sockets.push(socket));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('the process as `ps` shows it', () => {
  it('hides the password of a --db URL from the command line other users can read, both ways of writing the option (QA)', { timeout: 60_000 }, async () => {
    const port = await silentServer();
    const secret = 'hunter2-in-argv';
    for (const args of [['status', '--db', `postgres://touchbase:${secret}@127.0.0.1:${port}/touchbase`], ['status', `--db=postgresql://touchbase:${secret}@127.0.0.1:${port}/touchbase`]]) {
      const child = spawn(process.execPath, [resolve('src/touchbase.js'), ...args], { stdio: 'ignore', env: { ...process.env, TOUCHBASE_LINK_SECRET: '', TOUCHBASE_FEED_SECRET: '' } });
      started.push(child);
      // Waiting on the silent server: the title is set before anything connects.
      let cmdline = '';
      for (let i = 0; i < 200 && !cmdline.includes('***'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      }
      expect(cmdline).toContain(`touchbase status --db${args[1]!.startsWith('--db=') ? '=postgresql' : ' postgres'}://touchbase:***@127.0.0.1:${port}/touchbase`);
      expect(cmdline).not.toContain(secret);
    }
  });

  it('leaves a command line without a password as it is', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'status', '--db', `postgres://touchbase@127.0.0.1:${await silentServer()}/touchbase`], { stdio: 'ignore' });
    started.push(child);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')).toContain('status');
  });
});
