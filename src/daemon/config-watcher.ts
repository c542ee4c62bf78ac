import { watch, type FSWatcher } from 'node:fs';

/**
 * Calls back shortly after any configuration file below `dir` changes. Editors save in
 * bursts (write, rename, chmod), so changes are gathered for `debounceMs` into one call.
 */
export class ConfigWatcher {
  readonly #dir: string;
  readonly #onChange: () => void;
  readonly #onFirstEvent: (() => void) | undefined;
  readonly #debounceMs: number;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** `onFirstEvent` is told at the first event of a burst, before it settles (to get ready early). */
  constructor(dir: string, onChange: () => void, options: { debounceMs?: number; onFirstEvent?: () => void } = {}) {
    this.#dir = dir;
    this.#onChange = onChange;
    this.#onFirstEvent = options.onFirstEvent;
    this.#debounceMs = options.debounceMs ?? 200;
  }

  start(): void {
    if (this.#watcher) return;
    this.#watcher = watch(this.#dir, { recursive: true }, (_event, name) => {
      if (name && !/\.(ya?ml|csv)$/i.test(name.toString())) return; // editor swap files, backups
      if (this.#timer === undefined) this.#onFirstEvent?.();
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#onChange();
      }, this.#debounceMs);
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
