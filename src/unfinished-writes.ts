/**
 * Writes that must reach the database before the process ends of its own accord. A first plan
 * is written by a thread of its own while it is printed (storage/first-plan-loader.ts), and
 * `once` prints its 30 days before it syncs; a reader that stops early (`touchbase plan | head`)
 * ends the process (main.ts), which then waits for these first, so that what the reader saw is
 * recorded and the calendars are synced.
 */
const unfinished = new Set<Promise<unknown>>();

/** Keeps the process from ending early (by main.ts's own decision) until `write` settles; returns it. */
export function finishBeforeExit<T>(write: Promise<T>): Promise<T> {
  unfinished.add(write);
  const done = () => {
    unfinished.delete(write);
  };
  write.then(done, done);
  return write;
}

/**
 * Resolves when every write handed to finishBeforeExit has settled (those added meanwhile too):
 * true if one of them failed.
 */
export async function writesFinished(): Promise<boolean> {
  let failed = false;
  while (unfinished.size > 0) {
    for (const r of await Promise.allSettled([...unfinished])) if (r.status === 'rejected') failed = true;
  }
  return failed;
}
