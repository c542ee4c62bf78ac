/**
 * Writes that must reach the database before the process ends of its own accord. A first plan
 * is written by a thread of its own while it is printed (storage/first-plan-loader.ts); a reader
 * that stops early (`touchbase plan | head`) ends the process (main.ts), which then waits for
 * these first, so that what the reader saw is recorded.
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

/** Resolves when every write handed to finishBeforeExit has settled (those added meanwhile too). */
export async function writesFinished(): Promise<void> {
  while (unfinished.size > 0) await Promise.allSettled([...unfinished]);
}
