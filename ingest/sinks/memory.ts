import type { Batch } from "./packing.ts";
import { PackingSink, type PackingSinkOptions } from "./sink.ts";

/**
 * Keeps delivered objects in memory (one per batch, like moto's one S3 object per
 * PutRecordBatch), or only counts them with `keep: false` — the benchmark's in-process sink.
 */
export class MemorySink extends PackingSink {
  readonly kind = "memory";
  readonly objects: Buffer[] = [];
  private readonly keep: boolean;

  constructor(o: PackingSinkOptions & { keep?: boolean } = {}) {
    super(o);
    this.keep = o.keep ?? true;
  }

  protected async deliver(batch: Batch): Promise<void> {
    this.counters.calls++;
    if (this.keep) this.objects.push(Buffer.concat(batch.records));
    this.booked(batch.records, batch.lines);
  }
}
