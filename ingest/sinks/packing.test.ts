import { describe, expect, it } from "vitest";
import { billedBytes, countLines, FIREHOSE_LIMITS, Packer, packLines } from "./packing.ts";

const line = (bytes: number, c = "a"): string => `${c.repeat(bytes - 1)}\n`;

describe("packing", () => {
  it("bills every record rounded up to 5 KB", () => {
    expect(billedBytes(1)).toBe(5120);
    expect(billedBytes(5120)).toBe(5120);
    expect(billedBytes(5121)).toBe(10240);
    expect(billedBytes(0)).toBe(5120);
  });

  it("fills records up to maxRecordBytes with whole lines", () => {
    const p = new Packer({ maxRecordBytes: 10, maxBatchRecords: 500, maxBatchBytes: 1000 });
    for (const l of [line(4), line(4), line(4), line(10)]) expect(p.add(l)).toBe(true);
    const [batch, ...rest] = p.takeAll();
    expect(rest).toEqual([]);
    // 4+4 fit in 10; the third 4 opens a record; the 10-byte line needs its own.
    expect(batch!.records.map((r) => r.toString())).toEqual([line(4) + line(4), line(4), line(10)]);
    expect(batch!.lines).toBe(4);
    expect(batch!.bytes).toBe(22);
  });

  it("rejects a line larger than a record", () => {
    const p = new Packer({ maxRecordBytes: 10, maxBatchRecords: 500, maxBatchBytes: 1000 });
    expect(p.add(line(11))).toBe(false);
    expect(p.isEmpty).toBe(true);
  });

  it("counts bytes, not UTF-16 units", () => {
    const p = new Packer({ maxRecordBytes: 8, maxBatchRecords: 500, maxBatchBytes: 1000 });
    expect(p.add("é🎉\n")).toBe(true); // 2 + 4 + 1 = 7 bytes
    expect(p.bufferedBytes).toBe(7);
    expect(p.add("é🎉é\n")).toBe(false); // 9 bytes
  });

  it("emits a full batch at 500 records and at 4 MiB", () => {
    const p = new Packer(FIREHOSE_LIMITS);
    // 501 records of one line each, made by lines that do not fit two to a record.
    const big = line(600 * 1024);
    for (let i = 0; i < 8; i++) p.add(big);
    const full = p.takeFull();
    // 4 MiB / 600 KiB: 6 records per batch; the 7th record started a second batch.
    expect(full.map((b) => b.records.length)).toEqual([6]);
    expect(p.takeAll().map((b) => b.records.length)).toEqual([2]);

    const q = new Packer({ ...FIREHOSE_LIMITS, maxRecordBytes: 10 });
    for (let i = 0; i < 1001; i++) q.add(line(10));
    expect(q.takeFull().map((b) => b.records.length)).toEqual([500, 500]);
    expect(q.takeAll().map((b) => b.records.length)).toEqual([1]);
  });

  it("packs 1,000 tweets into one record, billed at ≤ 1.01 × the raw bytes", () => {
    const p = new Packer(FIREHOSE_LIMITS);
    const tweet = line(900);
    for (let i = 0; i < 1000; i++) p.add(tweet);
    const batches = p.takeAll();
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(1);
    expect(billedBytes(records[0]!.length) / 900_000).toBeLessThan(1.01);
  });

  it("packLines notes where each batch ends, for resumable replays", () => {
    const lines = Array.from({ length: 7 }, (_, i) => line(5, String(i)));
    const out = packLines(lines, { maxRecordBytes: 10, maxBatchRecords: 2, maxBatchBytes: 100 });
    expect(out.map((b) => b.end)).toEqual([4, 7]);
    expect(out.map((b) => b.batch.lines)).toEqual([4, 3]);
  });

  it("countLines counts newlines in a record", () => {
    expect(countLines(Buffer.from("a\nb\nc\n"))).toBe(3);
    expect(countLines(Buffer.from(""))).toBe(0);
  });
});
