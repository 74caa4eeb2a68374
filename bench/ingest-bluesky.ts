/**
 * The ingest pipeline on Bluesky frames, the figure beside bench/ingest.ts's X one: Jetstream
 * frames → the Bluesky mapper (parse, local topic rules, facets, repost/like tracking) → profile
 * cache (preloaded, no network) → offline sentiment (vader) → eventLine → packing → a counting
 * sink, through `runPipeline`. Input: the synthetic stream converted to frames (posts, reposts,
 * likes) before timing. Frames cannot be cycled (the mapper skips URIs it has seen), so the
 * stream is generated at the size asked for.
 *
 *   taskset -c 0 npx tsx bench/ingest-bluesky.ts [tweets=60000]
 */
import { loadavg } from "node:os";
import { createAnalyser, MemorySink, ProfileCache, runPipeline, type Source } from "../ingest/index.ts";
import { BlueskyMapper } from "../ingest/sources/bluesky/mapper.ts";
import { compileRule } from "../ingest/sources/bluesky/rules.ts";
import { SynthStream, toJetstream } from "../ingest/sources/synth/index.ts";

const TWEETS = Number(process.argv[2] ?? 60_000);
const TOPICS = ["acme", "globex", "initech"];

function recording(tweets: number, seed: string) {
  return toJetstream(
    new SynthStream({
      tweets,
      seed,
      start: new Date("2026-11-26T04:00:00Z"),
      minutes: 60,
      topics: TOPICS,
    }).lines(),
  );
}

function source(
  frames: readonly string[],
  profiles: Record<string, { handle: string; followers: number }>,
): Source {
  const cache = new ProfileCache({ preload: profiles, offline: true });
  return {
    name: "bluesky-frames",
    async *messages(signal) {
      for (const f of frames) {
        if (signal.aborted) return;
        yield f;
      }
    },
    normaliser() {
      const mapper = new BlueskyMapper({ rules: TOPICS.map((t) => compileRule(t, t)), handles: cache });
      return (raw) => mapper.map(raw);
    },
    enrich: (records, signal) => cache.enrich(records, signal),
  };
}

async function run(
  frames: readonly string[],
  profiles: Record<string, { handle: string; followers: number }>,
) {
  const sink = new MemorySink({ keep: false });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runPipeline({
    source: source(frames, profiles),
    analyser: createAnalyser("vader"),
    sink,
    progressMs: 0,
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { summary, wall, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const warm = recording(10_000, "warm");
await run(warm.frames, warm.profiles); // warm-up: JIT
const rec = recording(TWEETS, "bench");
const bytes = rec.frames.reduce((a, f) => a + Buffer.byteLength(f), 0);
const { summary, wall, cpuSeconds } = await run(rec.frames, rec.profiles);

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
console.log(
  `frames                       ${fmt(summary.messages)} (mean ${fmt(bytes / rec.frames.length)} B)`,
);
console.log(
  `events                       ${fmt(summary.events)} (${fmt(summary.skipped)} not events, ${fmt(summary.badMessages)} bad)`,
);
console.log(`wall                         ${wall.toFixed(2)} s → ${fmt(summary.events / wall)} events/s`);
console.log(
  `cpu (main thread + GC)       ${cpuSeconds.toFixed(2)} s → ${fmt(summary.events / cpuSeconds)} events per CPU-second, ${fmt(summary.messages / cpuSeconds)} frames per CPU-second`,
);
console.log(`peak RSS                     ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
console.log(`load average                 ${loadavg()[0]!.toFixed(1)} on 2 cores`);
