/** How many values a renderer keeps at most (whole pages' content: a few megabytes). */
const MAX_ENTRIES = 2_000;

/**
 * What pages may reuse while the snapshot stays the same — the filters' tiers and countries, the
 * content of a page for one language and one viewer's scope — kept by the renderer's thread,
 * emptied whenever the snapshot's version changes, the oldest dropped beyond MAX_ENTRIES.
 */
export class RenderCache {
  #version: string | undefined;
  readonly #values = new Map<string, unknown>();

  async get<T>(version: string | undefined, key: string, compute: () => Promise<T>): Promise<T> {
    if (version === undefined) return compute();
    if (version !== this.#version) {
      this.#values.clear();
      this.#version = version;
    }
    if (this.#values.has(key)) {
      const value = this.#values.get(key) as T;
      // Most recently used last: a Map keeps insertion order.
      this.#values.delete(key);
      this.#values.set(key, value);
      return value;
    }
    const value = await compute();
    // Another page may have changed the version while this one was computed: keep only current values.
    if (version === this.#version) {
      this.#values.set(key, value);
      if (this.#values.size > MAX_ENTRIES) this.#values.delete(this.#values.keys().next().value!);
    }
    return value;
  }
}
