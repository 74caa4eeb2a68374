import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FirehoseSink, runPipeline } from "../../ingest/index.ts";
import { createFirehose } from "../../runtime/aws/index.ts";
import { validateEvent } from "../../sparkgen/schema/index.ts";
import { localAws } from "../support/services.ts";
import { freshStream, readBucket } from "./aws.ts";
import { lengthAnalyser, listSource, tweetId, xMessage } from "./messages.ts";
import { runSinkContract, splitLines } from "./sink-contract.ts";

const spoolDir = () => mkdtempSync(join(tmpdir(), "trends-spool-"));

runSinkContract("firehose (moto)", async (o) => {
  const { bucket, stream, s3 } = await freshStream();
  const sink = new FirehoseSink({
    ...o,
    client: createFirehose({ ...localAws(), maxAttempts: 1 }),
    stream,
    spoolDir: spoolDir(),
  });
  return { sink, objects: async () => (await readBucket(s3, bucket)).map((x) => x.body) };
});

describe("firehose sink over moto", () => {
  it("lands every event in S3 as exactly one NDJSON line that passes the v1 validator", async () => {
    const { bucket, stream, s3 } = await freshStream();
    const n = 1200;
    const messages = Array.from({ length: n }, (_, i) => xMessage(i));
    // Two malformed messages in the middle: counted and skipped, the stream goes on.
    messages.splice(500, 0, "{not json", JSON.stringify({ data: { id: "x" } }));
    const sink = new FirehoseSink({
      client: createFirehose({ ...localAws(), maxAttempts: 1 }),
      stream,
      spoolDir: spoolDir(),
      // Small records so the run makes several records and calls.
      limits: { maxRecordBytes: 16 * 1024, maxBatchRecords: 500, maxBatchBytes: 64 * 1024 },
    });
    const summary = await runPipeline({
      source: listSource(messages),
      analyser: lengthAnalyser,
      sink,
      progressMs: 0,
    });
    expect(summary).toMatchObject({ messages: n + 2, events: n, badMessages: 2, stoppedBy: "end" });
    expect(summary.badReasons).toEqual({ "bad JSON": 1, "missing author_id": 1 });

    const objects = await readBucket(s3, bucket);
    expect(objects.length).toBe(summary.sinkStats.calls);
    for (const o of objects)
      expect(o.key).toMatch(new RegExp(`^raw/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${stream}-1-`));
    const lines = splitLines(objects.map((o) => o.body));
    expect(lines).toHaveLength(n);
    const ids = lines.map((l) => {
      const v = validateEvent(JSON.parse(l));
      expect(v.ok ? "ok" : v.reason).toBe("ok");
      return (JSON.parse(l) as { id: string }).id;
    });
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: n }, (_, i) => tweetId(i))));
    const first = JSON.parse(lines.find((l) => l.includes(`"id":"${tweetId(3)}"`))!);
    expect(first).toMatchObject({
      author_id: "u3",
      ref_type: "retweeted",
      ref_id: "r3",
      ref_author_id: "u99",
      ref_author_followers: 5000,
      rules: ["acme"],
      sentiment_source: "test",
    });
    expect(summary.sinkStats.billedBytes).toBeGreaterThanOrEqual(summary.sinkStats.bytesSent);
  });

  it("replays a spool left by an earlier run on start", async () => {
    const { bucket, stream, s3 } = await freshStream();
    const dir = spoolDir();
    const left = ['{"id":"a"}\n', '{"id":"b"}\n', '{"id":"c"}\n'];
    writeFileSync(join(dir, "spool-000000000000001-1-000000.ndjson"), left.join(""));
    const sink = new FirehoseSink({
      client: createFirehose({ ...localAws(), maxAttempts: 1 }),
      stream,
      spoolDir: dir,
    });
    sink.write('{"id":"d"}\n');
    await sink.close();
    const lines = splitLines((await readBucket(s3, bucket)).map((o) => o.body));
    expect(lines.sort()).toEqual([...left, '{"id":"d"}\n']);
    expect(sink.stats().linesReplayed).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("stops with a one-line error and keeps the data when the stream does not exist", async () => {
    const dir = spoolDir();
    const sink = new FirehoseSink({
      client: createFirehose({ ...localAws(), maxAttempts: 1 }),
      stream: "no-such-stream",
      spoolDir: dir,
    });
    sink.write('{"id":"a"}\n');
    await expect(sink.close()).rejects.toThrow(/firehose PutRecordBatch to no-such-stream failed/);
    expect(sink.stats().linesSpooled).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1);
  });
});
