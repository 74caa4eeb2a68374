/**
 * Groups an async iterable into batches of up to `size`, handing over a partial batch once its
 * first item has waited `maxWaitMs` — a live stream at a few tweets per second must not wait for
 * a full batch. The next item is requested only when the previous batch has been handled, so a
 * slow consumer pauses the source (that is the pipeline's backpressure).
 */
export async function* batches<T>(
  items: AsyncIterable<T>,
  size: number,
  maxWaitMs: number,
): AsyncGenerator<T[]> {
  const it = items[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let batch: T[] = [];
  let timeout: Promise<"timeout"> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      pending ??= it.next();
      let r: IteratorResult<T> | "timeout";
      if (batch.length === 0) {
        r = await pending;
      } else {
        timeout ??= new Promise((resolve) => {
          timer = setTimeout(() => resolve("timeout"), maxWaitMs);
        });
        r = await Promise.race([pending, timeout]);
      }
      if (r === "timeout") {
        timeout = undefined;
        yield batch;
        batch = [];
        continue;
      }
      pending = undefined;
      if (r.done) break;
      batch.push(r.value);
      if (batch.length >= size) {
        clearTimeout(timer);
        timeout = undefined;
        yield batch;
        batch = [];
      }
    }
    clearTimeout(timer);
    if (batch.length > 0) yield batch;
  } finally {
    clearTimeout(timer);
    // Stop the source when the consumer stops early (max events, an error).
    await it.return?.();
  }
}
