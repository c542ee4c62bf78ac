import { watch, type FSWatcher } from 'node:fs';

/**
 * Calls back shortly after any configuration file below `dir` changes. Editors save in
 * bursts (write, rename, chmod), so changes are gathered for `debounceMs` into one call.
 */
export class ConfigWatcher {
  readonly #dir: string;
  readonly #onChange: () => void;
  readonly #debounceMs: number;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string, onChange: () => void, debounceMs = 300) {
    this.#dir = dir;
    this.#onChange = onChange;
    this.#debounceMs = debounceMs;
  }

  start(): void {
    if (this.#watcher) return;
    this.#watcher = watch(this.#dir, { recursive: true }, (_event, name) => {
      if (name && !/\.(ya?ml|csv)$/i.test(name.toString())) return; // editor swap files, backups
      clearTimeout(this.#timer);
      this.#timer = setTimeout(this.#onChange, this.#debounceMs);
    });
    // A watcher error (the folder removed) must not end the daemon: the last valid configuration stays.
    this.#watcher.on('error', () => undefined);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
