import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { hourPrefix } from "../../runtime/windows/index.ts";
import type { Batch } from "./packing.ts";
import { PackingSink, type PackingSinkOptions } from "./sink.ts";

export interface DirSinkOptions extends PackingSinkOptions {
  /** Root directory; objects go under `<out>/<rawPrefix>YYYY/MM/DD/HH/`. */
  out: string;
  /** The `rawPrefix` setting (`raw/`), as for the Firehose stream's S3 prefix. */
  rawPrefix?: string;
  /** Plays the delivery stream name in object names (`<stream>-1-<time>-<uuid>`). */
  stream?: string;
  now?: () => Date;
}

/**
 * Local mode's stand-in for Firehose → S3: the same key layout, so the Spark steps and the
 * scheduler read a directory exactly as they read the bucket. One object per batch (moto writes
 * one per PutRecordBatch; real Firehose one per buffer), named after the arrival time like
 * Firehose's default `PREFIX/YYYY/MM/DD/HH/<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>`
 * (https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html).
 *
 * Objects are written to a dot-file, fsynced and renamed into place: a reader never sees half an
 * object, and Spark/Hadoop skip dot-files while listing.
 */
export class DirSink extends PackingSink {
  readonly kind = "dir";
  private readonly root: string;
  private readonly stream: string;
  private readonly now: () => Date;

  constructor(o: DirSinkOptions) {
    super(o);
    this.root = join(o.out, o.rawPrefix ?? "raw/");
    this.stream = o.stream ?? "trends-local";
    this.now = o.now ?? (() => new Date());
  }

  protected async deliver(batch: Batch): Promise<void> {
    const t = this.now();
    const dir = join(this.root, hourPrefix(t));
    const name = objectName(this.stream, t);
    const tmp = join(dir, `.${name}.tmp`);
    mkdirSync(dir, { recursive: true });
    this.counters.calls++;
    const fh = await open(tmp, "w");
    try {
      await fh.writev(batch.records);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    await rename(tmp, join(dir, name));
    this.booked(batch.records, batch.lines);
  }
}

/** `<stream>-1-yyyy-MM-dd-HH-mm-ss-<uuid>`, in UTC; version 1 as a new delivery stream has. */
export function objectName(stream: string, t: Date): string {
  const iso = t.toISOString();
  const stamp = `${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}-${iso.slice(17, 19)}`;
  return `${stream}-1-${stamp}-${randomUUID()}`;
}
