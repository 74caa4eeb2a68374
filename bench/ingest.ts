/**
 * The ingest pipeline end to end on one core: source → normalise → offline sentiment (vader, in
 * batches) → eventLine → packing → an in-process counting sink (MemorySink without keeping data),
 * through `runPipeline` itself, so batching, backpressure and counters are in the figure. Also
 * the Firehose bill per 1,000 tweets with packing vs one record per tweet (5 KB rounding).
 *
 *   npx tsx bench/ingest.ts [events=300000]      (pin to one core: taskset -c 0 npx tsx …)
 */
import { loadavg } from "node:os";
import {
  billedBytes,
  createAnalyser,
  eventLine,
  MemorySink,
  normalise,
  Packer,
  runPipeline,
  type Source,
} from "../ingest/index.ts";
import { SynthStream } from "../ingest/sources/synth/index.ts";

const N = Number(process.argv[2] ?? 300_000);
const POOL = 5_000;

// A pool of realistic messages, made before timing and cycled, so input memory stays small.
const pool = [
  ...new SynthStream({
    tweets: POOL,
    seed: "bench",
    start: new Date("2026-11-26T04:00:00Z"),
    minutes: 60,
  }).lines(),
];
const rawBytes = pool.reduce((a, m) => a + Buffer.byteLength(m), 0);

const cycled: Source = {
  name: "pool",
  async *messages(signal) {
    for (let i = 0; i < N && !signal.aborted; i++) yield pool[i % POOL]!;
  },
};

async function run(n: number) {
  const sink = new MemorySink({ keep: false });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runPipeline({
    source: { ...cycled, messages: (s) => take(cycled.messages(s), n) },
    analyser: createAnalyser("vader"),
    sink,
    progressMs: 0,
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { summary, wall, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function* take<T>(it: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  let i = 0;
  for await (const x of it) {
    if (i++ >= n) return;
    yield x;
  }
}

const rssBefore = process.memoryUsage().rss;
await run(30_000); // warm-up: JIT
const { summary, wall, cpuSeconds } = await run(N);
const s = summary.sinkStats;

// Billing per 1,000 tweets: the same 1,000 event lines, packed vs one record each.
const lines: string[] = [];
for (const m of pool) {
  if (lines.length === 1000) break;
  const r = normalise(m, "2026-11-26T04:15:04.000Z");
  if (r.ok) lines.push(eventLine(r.record, { score: 0.25, magnitude: 0.5 }, "vader"));
}
const lineBytes = lines.reduce((a, l) => a + Buffer.byteLength(l), 0);
const perTweet = lines.reduce((a, l) => a + billedBytes(Buffer.byteLength(l)), 0);
const packer = new Packer();
for (const l of lines) packer.add(l);
const packed = packer
  .takeAll()
  .flatMap((b) => b.records)
  .reduce((a, r) => a + billedBytes(r.length), 0);

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
console.log(`events                       ${fmt(summary.events)} (${fmt(summary.badMessages)} bad skipped)`);
console.log(
  `sentiment                    ${fmt(summary.scored)} scored, ${fmt(summary.unscored)} unscored (${fmt(summary.unscoredLanguage)} not English)`,
);
console.log(`wall                         ${wall.toFixed(2)} s → ${fmt(summary.events / wall)} events/s`);
console.log(
  `cpu (main thread + GC)       ${cpuSeconds.toFixed(2)} s → ${fmt(summary.events / cpuSeconds)} events per CPU-second`,
);
console.log(
  `peak RSS                     ${fmt(process.resourceUsage().maxRSS / 1024)} MiB (${fmt(rssBefore / 2 ** 20)} MiB before the first run: runtime, vader lexicon, input pool)`,
);
console.log(
  `sink                         ${fmt(s.records)} records, ${fmt(s.bytesSent / 1e6)} MB, billed/raw ${(s.billedBytes / s.bytesSent).toFixed(4)}`,
);
console.log(`per 1,000 tweets             ${fmt(lineBytes)} B of NDJSON`);
console.log(`  one record per tweet       ${fmt(perTweet)} B billed (×${(perTweet / lineBytes).toFixed(2)})`);
console.log(`  packed (one 1,000 KiB rec) ${fmt(packed)} B billed (×${(packed / lineBytes).toFixed(4)})`);
console.log(`input pool                   ${fmt(POOL)} messages, mean ${fmt(rawBytes / POOL)} B`);
console.log(`load average                 ${loadavg()[0]!.toFixed(1)} on 2 cores`);
