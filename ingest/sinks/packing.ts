/**
 * Packs NDJSON lines into Firehose records and records into PutRecordBatch calls.
 *
 * Firehose bills every record rounded up to 5 KB and joins records with nothing between them, so
 * one tweet per record pays ~5× its size; many complete lines per record pays ~1×. Limits:
 * https://docs.aws.amazon.com/firehose/latest/dev/limits.html (1,000 KiB per record, 500 records
 * and 4 MiB per PutRecordBatch).
 */

export interface PackingLimits {
  /** Largest record, in bytes; a line larger than this cannot be sent and is rejected. */
  readonly maxRecordBytes: number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
}

export const FIREHOSE_LIMITS: PackingLimits = Object.freeze({
  maxRecordBytes: 1000 * 1024,
  maxBatchRecords: 500,
  maxBatchBytes: 4 * 1024 * 1024,
});

/** Firehose bills each record rounded up to a multiple of 5 KB (https://aws.amazon.com/firehose/pricing/). */
export const BILLING_UNIT_BYTES = 5 * 1024;

export const billedBytes = (recordBytes: number): number =>
  Math.max(1, Math.ceil(recordBytes / BILLING_UNIT_BYTES)) * BILLING_UNIT_BYTES;

/** One PutRecordBatch worth of records; each record is complete lines, concatenated. */
export interface Batch {
  readonly records: Buffer[];
  readonly bytes: number;
  readonly lines: number;
}

/**
 * Accumulates lines into the open record; sealed records go into the open batch; a batch is
 * emitted when the next record would not fit in it. Lines are kept as strings until a record is
 * sealed, so packing costs one `Buffer.byteLength` per line and one copy per record.
 */
export class Packer {
  private parts: string[] = [];
  private partBytes = 0;
  private records: Buffer[] = [];
  private recordLines: number[] = [];
  private batchBytes = 0;
  private readonly ready: Batch[] = [];
  private buffered = 0;

  constructor(readonly limits: PackingLimits = FIREHOSE_LIMITS) {}

  /** Adds one line (ending in `\n`); false when it is larger than a record and was not added. */
  add(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    if (bytes > this.limits.maxRecordBytes) return false;
    if (this.partBytes + bytes > this.limits.maxRecordBytes) this.sealRecord();
    this.parts.push(line);
    this.partBytes += bytes;
    this.buffered += bytes;
    return true;
  }

  /** Bytes held in the open record and the open batch (taken batches are the sink's). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  get isEmpty(): boolean {
    return this.buffered === 0;
  }

  /** Batches that are full (the next record would not fit); the rest stays open. */
  takeFull(): Batch[] {
    return this.ready.splice(0);
  }

  /** Seals everything and returns all batches, full or not (a timed or final flush). */
  takeAll(): Batch[] {
    this.sealRecord();
    this.sealBatch();
    return this.ready.splice(0);
  }

  private sealRecord(): void {
    if (this.parts.length === 0) return;
    const record = Buffer.from(this.parts.join(""));
    const lines = this.parts.length;
    this.parts = [];
    this.partBytes = 0;
    if (this.batchBytes + record.length > this.limits.maxBatchBytes) this.sealBatch();
    this.records.push(record);
    this.recordLines.push(lines);
    this.batchBytes += record.length;
    if (this.records.length >= this.limits.maxBatchRecords) this.sealBatch();
  }

  private sealBatch(): void {
    if (this.records.length === 0) return;
    const lines = this.recordLines.reduce((a, b) => a + b, 0);
    this.ready.push({ records: this.records, bytes: this.batchBytes, lines });
    this.buffered -= this.batchBytes;
    this.records = [];
    this.recordLines = [];
    this.batchBytes = 0;
  }
}

/** Counts the lines of a record (its `\n`s) without decoding it. */
export function countLines(data: Uint8Array): number {
  let n = 0;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Packs a finite list of lines into batches, each with `end`: the index one past its last line
 * (for resumable replays). Lines larger than a record are skipped (they were rejected on write).
 */
export function packLines(
  lines: readonly string[],
  limits: PackingLimits = FIREHOSE_LIMITS,
): { batch: Batch; end: number }[] {
  const packer = new Packer(limits);
  const out: { batch: Batch; end: number }[] = [];
  const accepted: number[] = [];
  let packed = 0;
  const take = (batches: Batch[]) => {
    for (const batch of batches) {
      packed += batch.lines;
      out.push({ batch, end: accepted[packed - 1]! + 1 });
    }
  };
  for (let i = 0; i < lines.length; i++) {
    if (packer.add(lines[i]!)) accepted.push(i);
    take(packer.takeFull());
  }
  take(packer.takeAll());
  return out;
}
