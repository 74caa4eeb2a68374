import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OVERSIZED_MESSAGE } from "../../types.ts";
import { MAX_LINE_BYTES, parseSpeed, replaySource } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "replay-"));
const msg = (id: string, at: string) => JSON.stringify({ data: { id, created_at: at } });

async function collect(src: ReturnType<typeof replaySource>, signal = new AbortController().signal) {
  const out: string[] = [];
  for await (const m of src.messages(signal)) out.push(m);
  return out;
}

describe("replay source", () => {
  it("yields every message of a CRLF or LF file, skipping keep-alive blank lines", async () => {
    const file = join(dir, "mixed.ndjson");
    const a = msg("1", "2026-11-26T04:00:00.000Z");
    const b = msg("2", "2026-11-26T04:00:01.000Z");
    writeFileSync(file, `${a}\r\n\r\n${b}\n{broken\r\n\r\n${a}`);
    expect(await collect(replaySource({ file }))).toEqual([a, b, "{broken", a]);
  });

  it("skips a line over the cap unread, standing in OVERSIZED_MESSAGE, and goes on", async () => {
    const file = join(dir, "huge.ndjson");
    const a = msg("1", "2026-11-26T04:00:00.000Z");
    const atCap = `"${"y".repeat(1000 - 2)}"`;
    // 300 KiB: several read chunks, so the cap is crossed in the middle of the line.
    writeFileSync(file, `${a}\r\n${"x".repeat(300 * 1024)}\r\n${atCap}\n${a}\n${"z".repeat(1001)}`);
    const out = await collect(replaySource({ file, maxLineBytes: 1000 }));
    expect(out).toEqual([a, OVERSIZED_MESSAGE, atCap, a, OVERSIZED_MESSAGE]);
  });

  it("caps lines at 1 MiB by default", async () => {
    const file = join(dir, "mib.ndjson");
    const a = msg("1", "2026-11-26T04:00:00.000Z");
    writeFileSync(file, `${"x".repeat(MAX_LINE_BYTES)}\n${"x".repeat(MAX_LINE_BYTES + 1)}\n${a}`);
    const out = await collect(replaySource({ file }));
    expect(out.map((l) => l.length)).toEqual([MAX_LINE_BYTES, OVERSIZED_MESSAGE.length, a.length]);
    expect(out[1]).toBe(OVERSIZED_MESSAGE);
  });

  it("keeps the recorded pace divided by the speed", async () => {
    const file = join(dir, "paced.ndjson");
    writeFileSync(
      file,
      [
        msg("1", "2026-11-26T04:00:00.000Z"),
        msg("2", "2026-11-26T04:00:02.000Z"),
        "not json",
        msg("3", "2026-11-26T04:00:05.000Z"),
        msg("4", "2026-11-26T04:00:04.000Z"),
      ].join("\r\n"),
    );
    let clock = 50_000;
    const sleeps: number[] = [];
    const src = replaySource({
      file,
      speed: 2,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect(await collect(src)).toHaveLength(5);
    // 2 s and 5 s after the first at speed 2: waits of 1 s, then 1.5 s; the late one goes at once.
    expect(sleeps).toEqual([1_000, 1_500]);
  });

  it("stops when aborted", async () => {
    const file = join(dir, "many.ndjson");
    writeFileSync(
      file,
      Array.from({ length: 100 }, (_, i) => msg(String(i), "2026-11-26T04:00:00.000Z")).join("\r\n"),
    );
    const ac = new AbortController();
    const out: string[] = [];
    for await (const m of replaySource({ file }).messages(ac.signal)) {
      out.push(m);
      if (out.length === 3) ac.abort();
    }
    expect(out).toHaveLength(3);
  });

  it("names the file and the speed flag when they are wrong", () => {
    expect(() => replaySource({ file: join(dir, "nope") })).toThrow(
      `--file ${join(dir, "nope")} is not a readable file`,
    );
    expect([parseSpeed("max"), parseSpeed("2.5"), parseSpeed(undefined)]).toEqual(["max", 2.5, "max"]);
    expect(() => parseSpeed("0")).toThrow('--speed 0 is not "max" or a positive number');
    expect(() => parseSpeed("fast")).toThrow('--speed fast is not "max" or a positive number');
  });
});
