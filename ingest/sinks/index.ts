import { join } from "node:path";
import { awsOptionsFrom, createFirehose } from "../../runtime/aws/index.ts";
import type { Settings } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { DirSink } from "./dir.ts";
import { type FirehoseRetryOptions, FirehoseSink } from "./firehose.ts";
import type { Sink } from "./sink.ts";

export { DirSink, type DirSinkOptions, objectName } from "./dir.ts";
export {
  DEFAULT_FIREHOSE_RETRY,
  type FirehoseRetryOptions,
  FirehoseSink,
  type FirehoseSinkOptions,
} from "./firehose.ts";
export { MemorySink } from "./memory.ts";
export {
  type Batch,
  BILLING_UNIT_BYTES,
  billedBytes,
  FIREHOSE_LIMITS,
  Packer,
  type PackingLimits,
  packLines,
} from "./packing.ts";
export { emptyStats, PackingSink, type PackingSinkOptions, type Sink, type SinkStats } from "./sink.ts";
export { Spool } from "./spool.ts";

export type SinkKind = "firehose" | "dir";

export interface SinkChoice {
  kind: SinkKind;
  /** `--out` (dir sink). */
  out?: string | undefined;
  /** `--stream`; defaults to the `firehoseStream` setting. */
  stream?: string | undefined;
  flushMs?: number | undefined;
  /** Dir sink: the arrival clock (`--arrival event-time`); default the wall clock. */
  now?: (() => Date) | undefined;
  retry?: Partial<FirehoseRetryOptions>;
}

/** The spool of a delivery stream: `<cacheDir>/spool/<stream>/`. */
export const spoolDirFor = (cacheDir: string, stream: string): string => join(cacheDir, "spool", stream);

/** Builds the sink `trends ingest` asked for; a missing flag or setting is a usage error. */
export function createSink(choice: SinkChoice, settings: Settings): Sink {
  const flushMs = choice.flushMs ?? 1000;
  if (choice.kind === "dir") {
    if (!choice.out)
      throw usageError(
        "--sink dir needs --out DIR",
        "add --out ./data (objects go to DIR/raw/YYYY/MM/DD/HH/)",
      );
    return new DirSink({
      out: choice.out,
      rawPrefix: settings.rawPrefix,
      stream: choice.stream ?? settings.firehoseStream ?? "trends-local",
      flushMs,
      ...(choice.now ? { now: choice.now } : {}),
    });
  }
  const stream = choice.stream ?? settings.firehoseStream;
  if (!stream)
    throw usageError(
      "--sink firehose needs a delivery stream name",
      "pass --stream NAME or set TRENDS_FIREHOSE_STREAM (firehoseStream in trends.config.json)",
    );
  return new FirehoseSink({
    // The sink retries per record itself; SDK-level retries would resend whole batches.
    client: createFirehose({ ...awsOptionsFrom(settings), maxAttempts: 1 }),
    stream,
    spoolDir: spoolDirFor(settings.cacheDir, stream),
    flushMs,
    ...(choice.retry ? { retry: choice.retry } : {}),
  });
}
