/**
 * Runs `work` for every item with at most `limit` running at once (calendar calls mostly
 * wait on the network). Items are taken in order.
 *
 * When one fails, no further item is started, and the error is thrown once every running one
 * has ended: a failed pass must not go on writing to calendars behind the caller's back, beside
 * the next pass that is started when this one is reported failed.
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
