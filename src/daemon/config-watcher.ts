import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { extname, join } from 'node:path';
import { isConfigFile } from '../config/snapshot.ts';

export interface ConfigWatcherOptions {
  /** Events of one save are gathered this long into one call (default 200 ms). */
  readonly debounceMs?: number;
  /** The safety net: how often the files' stat is compared with the last look (default 2 s; 0: never). */
  readonly pollMs?: number;
  /** Told at the first event of a burst, before it settles (to get ready early). */
  readonly onFirstEvent?: () => void;
}

/**
 * Calls back shortly after any configuration file below `dir` changes, however it was saved.
 *
 * It watches folders, not files: a file watch follows one inode, so after a save by rename
 * (`sed -i`, `git checkout FILE`, editors that write a new file and rename it over) it would
 * see nothing more. A folder's watch sees files written in place, truncated, created,
 * deleted and renamed into it; each folder has its own, and the set is brought up to date
 * after every change (new subfolders are watched, removed ones dropped, a folder replaced
 * as a whole is watched anew). Behind that, a cheap look at every configuration file's stat
 * (inode, size, modification time) every `pollMs` catches anything the events missed.
 * Editors save in bursts (write, rename, chmod), so changes are gathered into one call.
 */
export class ConfigWatcher {
  readonly #dir: string;
  readonly #onChange: () => void;
  readonly #o: ConfigWatcherOptions;
  /** Folder path → its watch and the inode it was armed on. */
  readonly #watches = new Map<string, { watcher: FSWatcher; ino: bigint }>();
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastLook = '';
  #running = false;

  constructor(dir: string, onChange: () => void, options: ConfigWatcherOptions = {}) {
    this.#dir = dir;
    this.#onChange = onChange;
    this.#o = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#arm();
    this.#lastLook = this.#look();
    const every = this.#o.pollMs ?? 2_000;
    if (every > 0) {
      this.#poll = setInterval(() => this.#check(), every);
      this.#poll.unref();
    }
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#poll);
    for (const { watcher } of this.#watches.values()) watcher.close();
    this.#watches.clear();
  }

  /** The safety net: a change the events did not report (or a folder replaced under us). */
  #check(): void {
    const look = this.#look();
    if (look === this.#lastLook) return;
    this.#lastLook = look;
    this.#arm();
    this.#changed();
  }

  #changed(): void {
    if (!this.#running) return;
    if (this.#timer === undefined) this.#o.onFirstEvent?.();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.#arm();
      this.#lastLook = this.#look();
      this.#onChange();
    }, this.#o.debounceMs ?? 200);
  }

  /** Watches every folder of the tree (each once, on its current inode) and drops the gone ones. */
  #arm(): void {
    const folders = new Map<string, bigint>();
    for (const [path, ino] of walkFolders(this.#dir)) folders.set(path, ino);
    for (const [path, w] of this.#watches) {
      if (folders.get(path) === w.ino) continue;
      w.watcher.close();
      this.#watches.delete(path);
    }
    for (const [path, ino] of folders) {
      if (this.#watches.has(path)) continue;
      try {
        const watcher = watch(path, { persistent: false }, (_event, name) => this.#event(name?.toString() ?? null));
        // A folder removed under its watch: the next look re-arms what is there.
        watcher.on('error', () => {
          watcher.close();
          if (this.#watches.get(path)?.watcher === watcher) this.#watches.delete(path);
          this.#changed();
        });
        this.#watches.set(path, { watcher, ino });
      } catch {
        // gone between the walk and the watch: the next look sees it
      }
    }
  }

  #event(name: string | null): void {
    // Editors' swap and backup files are not configuration; a name without an extension may be a new folder.
    if (name !== null && !isConfigFile(name) && extname(name) !== '') return;
    this.#changed();
  }

  /** Inode, size and modification time of every configuration file and folder, in one string. */
  #look(): string {
    const parts: string[] = [];
    for (const [folder, ino] of walkFolders(this.#dir)) {
      parts.push(`${folder}/:${ino}`);
      let names: string[];
      try {
        names = readdirSync(folder);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (!isConfigFile(name)) continue;
        try {
          const st = statSync(join(folder, name), { bigint: true });
          if (st.isFile()) parts.push(`${name}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`);
        } catch {
          // removed meanwhile
        }
      }
    }
    return parts.join('\n');
  }
}

/** Every folder below `dir` (itself included) with its inode; hidden ones and node_modules left out, as the snapshot does. */
function walkFolders(dir: string): [string, bigint][] {
  const out: [string, bigint][] = [];
  const walk = (d: string) => {
    let st;
    try {
      st = statSync(d, { bigint: true });
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    out.push([d, st.ino]);
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if ((e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.') && e.name !== 'node_modules') walk(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}
