/**
 * The ingest hot path on one core: normalise (X API v2 message → v1 fields) + offline VADER
 * sentiment (vaderSentiment 3.3.2's rules and full lexicons) + serialise + pack into Firehose
 * records. Input: synthetic messages made in memory
 * first (not timed). Prints events per CPU-second (process CPU time, GC threads included: robust
 * when other work shares the machine) and per wall-clock second, per stage and for the whole
 * path, and the peak RSS.
 *
 *   npx tsx bench/ingest-normalise.ts [events=200000]
 */
import { Packer } from "../ingest/index.ts";
import { createNormaliser, eventLine } from "../ingest/normalise/index.ts";
import { createVaderAnalyser, vaderScores } from "../ingest/sentiment/index.ts";
import { SynthStream } from "../ingest/sources/synth/index.ts";

const N = Number(process.argv[2] ?? 200_000);
const messages = [
  ...new SynthStream({
    tweets: N,
    seed: "bench",
    start: new Date("2026-11-26T04:00:00Z"),
    minutes: 60,
  }).lines(),
];
const rawBytes = messages.reduce((a, m) => a + Buffer.byteLength(m), 0);
const normalise = createNormaliser();
const vader = createVaderAnalyser();

function time(label: string, rounds: number, f: () => number): number {
  f(); // warm-up: let the JIT see the code first
  let best = Number.POSITIVE_INFINITY;
  let bestWall = Number.POSITIVE_INFINITY;
  let n = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    n = f();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
    bestWall = Math.min(bestWall, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const rate = n / best;
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(10);
  console.log(`${label.padEnd(44)} ${fmt(rate)} events/CPU-s ${fmt(n / bestWall)} events/s wall`);
  return rate;
}

let sink = 0;
time("normalise", 3, () => {
  let ok = 0;
  for (const m of messages) if (normalise(m).ok) ok++;
  return ok;
});
const texts = messages.map((m) => {
  const r = normalise(m);
  return r.ok ? r.record.text! : "";
});
time("vader score (every text, full lexicon)", 3, () => {
  for (const t of texts) sink += vader.scoreText(t).score;
  return texts.length;
});
const recs = messages.flatMap((m) => {
  const r = normalise(m);
  return r.ok ? [r.record] : [];
});
time("serialise (JSON.stringify of the record)", 3, () => {
  for (const r of recs)
    sink += JSON.stringify({
      ...r,
      sentiment_score: 0.5,
      sentiment_magnitude: 1,
      sentiment_source: "vader",
    }).length;
  return recs.length;
});
time("serialise (eventLine)", 3, () => {
  for (const r of recs) sink += eventLine(r, { score: 0.5, magnitude: 1 }, "vader").length;
  return recs.length;
});
const lines = recs.map((r) => eventLine(r, { score: 0.5, magnitude: 1 }, "vader"));
time("pack (Packer.add + takeFull)", 3, () => {
  const packer = new Packer();
  for (const l of lines) {
    packer.add(l);
    sink += packer.takeFull().length;
  }
  sink += packer.takeAll().length;
  return lines.length;
});
let notEnglish = 0;
const full = time("normalise + vader + eventLine + pack", 3, () => {
  const packer = new Packer();
  let n = 0;
  let records = 0;
  notEnglish = 0;
  for (const m of messages) {
    const r = normalise(m);
    if (!r.ok) continue;
    // As the analyser does: a text in another known language than English is left unscored.
    const english = vaderScores(r.record.lang);
    if (!english) notEnglish++;
    const s = english ? vader.scoreText(r.record.text!) : null;
    packer.add(eventLine(r.record, s, s ? "vader" : null));
    for (const b of packer.takeFull()) records += b.records.length;
    n++;
  }
  records += packer.takeAll().reduce((a, b) => a + b.records.length, 0);
  sink += records;
  return n;
});
console.log(`messages: ${N.toLocaleString("en-US")}, mean raw message ${Math.round(rawBytes / N)} B`);
console.log(`left unscored as not English (full path): ${notEnglish.toLocaleString("en-US")}`);
console.log(`load average while measuring: ${(await import("node:os")).loadavg()[0]!.toFixed(1)} on 2 cores`);
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (messages held in memory)`);
// Printing the checksum keeps the JIT from dropping work whose result is unused.
console.log(`checksum ${Math.round(sink)}`);
console.log(`target ≥ 50,000 events/s on one core (per CPU-second): ${full >= 50_000 ? "met" : "NOT met"}`);
