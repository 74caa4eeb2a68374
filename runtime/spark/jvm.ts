/**
 * The driver JVM by input size.
 * - JIT: a small window's step lives a few seconds past JVM start, too short for C2's compile
 *   threads to pay back their CPU, so it runs C1 only; a large window runs long enough that C1's
 *   slower code costs more than C2's compiling (at 1M events, a third of the step's CPU).
 * - GC: a large window runs with the parallel collector. Under G1 a 10M-event window ran out of
 *   heap in its first metric with a 2 GiB driver: Spark's 32 MiB memory pages are humongous
 *   objects to G1, which needs that many contiguous free regions, and the cached events' batches
 *   fragment the heap; the parallel collector compacts. A small window runs the serial
 *   collector: its heap stays small and its life short, so G1's concurrent threads and remembered
 *   sets cost more than they save (1k and 100k events: 4–19 % fewer CPU-seconds, 40 % less RSS).
 *   Live mode's application has no input size and takes these too (0.21–0.24 cores at 1,000
 *   events/min, against 0.27–0.31 under G1).
 * Figures: BENCHMARKS.md, "The optimizer", "Alerts from small frames, the JVM by input, a
 * 10M-event window" and "The serial collector for small windows".
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** At or above this many input bytes (~450k events of the v1 record), a step's input is large. */
export const LARGE_INPUT_BYTES = 256 * 1024 * 1024;

/** C2 and the parallel collector for a large input; C1 only and the serial collector below it or when unknown. */
export function jvmOptions(inputBytes: number | undefined): string {
  return inputBytes !== undefined && inputBytes >= LARGE_INPUT_BYTES
    ? "-XX:+UseParallelGC"
    : "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
}

/**
 * The bytes under the local inputs (`file://…` or plain paths; a missing prefix is an hour with no
 * arrivals, 0 bytes), or undefined when any input is remote: listing S3 from the submitting
 * process would cost a request per prefix for a hint, so remote steps keep C1 locally.
 */
export function localInputBytes(uris: readonly string[]): number | undefined {
  let total = 0;
  for (const uri of uris) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith("file://")) return undefined;
    total += treeBytes(uri.startsWith("file://") ? fileURLToPath(uri) : uri);
  }
  return total;
}

function treeBytes(path: string): number {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, name) => n + treeBytes(join(path, name)), 0);
}
