import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigWatcher } from '../../src/daemon/config-watcher.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { eventually } from '../helpers/real-daemon.ts';

const watchers: ConfigWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
});

/** A real watcher on a folder with one rules.yaml; `seen(save)` saves and waits until a change is reported. */
function watched(o: { pollMs: number }) {
  const dir = tempDir();
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, 'rules: []\n');
  let changes = 0;
  const watcher = new ConfigWatcher(dir, () => changes++, { debounceMs: 50, pollMs: o.pollMs });
  watchers.push(watcher);
  watcher.start();
  const seen = async (what: string, save: () => void) => {
    const before = changes;
    save();
    await eventually(() => changes > before, `${what} was seen`, 5_000);
  };
  return { dir, file, seen };
}

const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'ignore' });

describe('the configuration watcher sees every way of saving (folder watches alone, no polling)', () => {
  it('a write in place, then saves by rename (an editor, sed -i) and later edits of the same file', async () => {
    const { dir, file, seen } = watched({ pollMs: 0 });
    await seen('a write in place', () => writeFileSync(file, 'rules: [] # 1\n'));
    await seen('a new file renamed over it', () => {
      writeFileSync(join(dir, '.rules.yaml.swp'), 'rules: [] # 2\n');
      renameSync(join(dir, '.rules.yaml.swp'), file);
    });
    await seen('the next edit, in place, after the rename', () => writeFileSync(file, 'rules: [] # 3\n'));
    await seen('sed -i', () => execFileSync('sed', ['-i', 's/# 3/# 4/', file]));
    await seen('the next edit after sed -i', () => writeFileSync(file, 'rules: [] # 5\n'));
    await seen('and the one after', () => writeFileSync(file, 'rules: [] # 6\n'));
  });

  it('truncate-and-write, in two steps', async () => {
    const { file, seen } = watched({ pollMs: 0 });
    const fd = openSync(file, 'r+');
    try {
      await seen('the truncation', () => ftruncateSync(fd, 0));
      await seen('the write after it', () => writeSync(fd, 'rules: [] # rewritten\n', 0));
    } finally {
      closeSync(fd);
    }
  });

  it('git checkout FILE restores a file by writing a new one', async () => {
    const { dir, file, seen } = watched({ pollMs: 0 });
    git(dir, 'init', '-q');
    git(dir, 'add', 'rules.yaml');
    git(dir, 'commit', '-qm', 'rules');
    await seen('an edit', () => writeFileSync(file, 'rules: [] # broken\n'));
    await seen('git checkout rules.yaml', () => git(dir, 'checkout', '--', 'rules.yaml'));
    await seen('an edit after the checkout', () => writeFileSync(file, 'rules: [] # again\n'));
  });

  it('new and deleted files, a new subfolder and edits inside it, CSV files', async () => {
    const { dir, file, seen } = watched({ pollMs: 0 });
    await seen('a new file', () => writeFileSync(join(dir, 'team.yml'), 'employees: []\n'));
    await seen('a deleted file', () => rmSync(join(dir, 'team.yml')));
    await seen('a new subfolder', () => mkdirSync(join(dir, 'crm')));
    await seen('a file in the new subfolder', () => writeFileSync(join(dir, 'crm', 'clients.csv'), 'id,name\n'));
    await seen('an edit in the new subfolder', () => writeFileSync(join(dir, 'crm', 'clients.csv'), 'id,name\nc1,C One\n'));
    await seen('an edit at the top again', () => writeFileSync(file, 'rules: [] # top\n'));
  });
});

describe('the safety net (a stat look every few seconds)', () => {
  it('sees the whole folder replaced by another, and keeps watching the new one', async () => {
    const { dir, seen } = watched({ pollMs: 200 });
    const next = `${dir}-next`;
    mkdirSync(next);
    writeFileSync(join(next, 'rules.yaml'), 'rules: [] # deployed\n');
    await seen('the folder swapped', () => {
      rmSync(dir, { recursive: true });
      renameSync(next, dir);
    });
    await seen('an edit in the new folder', () => writeFileSync(join(dir, 'rules.yaml'), 'rules: [] # edited\n'));
  });
});
