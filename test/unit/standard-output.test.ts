import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { StandardOutput } from '../../src/daemon/standard-output.ts';

/** A pipe to a process that reads nothing for `waitMs`, then copies what it reads to its output (collected). */
function slowReader(waitMs: number) {
  const child = spawn(process.execPath, ['-e', `setTimeout(() => process.stdin.pipe(process.stdout), ${waitMs})`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const ended = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  // The pipe's write end, non-blocking as Node made it (as the daemon's standard output is).
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  return { child, fd, ended };
}

describe('the daemon\'s standard output', () => {
  it('a reader that stops reading freezes nothing: lines it cannot take are dropped, and the next line that goes out says how many', async () => {
    const { child, fd, ended } = slowReader(1_500);
    const output = new StandardOutput(fd);
    const line = (i: number) => `${JSON.stringify({ level: 30, msg: `line ${i}`, pad: 'x'.repeat(200) })}\n`;
    const t0 = performance.now();
    // About 1 MB: far more than a pipe holds.
    for (let i = 0; i < 5_000; i++) output.write(line(i));
    expect(performance.now() - t0).toBeLessThan(1_000);
    // Once the reader reads again, a line goes out, after the count of those dropped.
    await new Promise((r) => setTimeout(r, 2_500));
    output.write(line(5_000));
    child.stdin.end();
    const text = await ended;
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string });
    const dropped = lines.find((l) => /log lines dropped/.test(l.msg));
    expect(dropped).toBeDefined();
    const count = Number(/^(\d+)/.exec(dropped!.msg)![1]);
    expect(count).toBeGreaterThan(0);
    // Every line is either in the output, whole, or counted as dropped.
    expect(lines.filter((l) => /^line \d+$/.test(l.msg)).length + count).toBe(5_001);
    expect(lines.at(-1)!.msg).toBe('line 5000');
  }, 20_000);

  it('a reader gone (EPIPE) drops every line from then on, without an error', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    await new Promise((r) => child.on('close', r));
    const output = new StandardOutput(fd);
    for (let i = 0; i < 10; i++) expect(output.write('{"msg":"x"}\n')).toBe(true);
    child.stdin.destroy();
  });
});
