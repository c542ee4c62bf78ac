import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/config-folder.ts';

describe('the touchbase command rebuilding dist/ after the sources changed', () => {
  it('makes the build with the umask it was given, not its own 077: the service\'s user can still run what an administrator\'s command rebuilt', () => {
    // A copy of the installation with no dist/ yet (as after a `git pull` made the sources newer).
    const root = tempDir();
    for (const part of ['src', 'db', 'package.json']) cpSync(resolve(part), join(root, part), { recursive: true });
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
    const r = spawnSync('/bin/sh', ['-c', `umask 022 && exec "${process.execPath}" src/touchbase.js --help`], { cwd: root, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: touchbase');
    const dist = join(root, 'dist');
    expect(statSync(dist).mode & 0o777).toBe(0o755);
    for (const name of readdirSync(dist)) {
      const mode = statSync(join(dist, name)).mode & 0o777;
      expect([name, mode]).toEqual([name, statSync(join(dist, name)).isDirectory() ? 0o755 : 0o644]);
    }
  });
});
