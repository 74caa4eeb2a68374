import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  blueskyReplaySource,
  blueskySource,
  compileRule,
  profilesPathFor,
  replaySource,
  SynthStream,
  synthSource,
} from "../../ingest/index.ts";
import { type FakeAppView, startFakeAppView } from "../fakes/jetstream/appview.ts";
import { FRAMES, PROFILES } from "../fakes/jetstream/frames.ts";
import { type FakeJetstream, startFakeJetstream } from "../fakes/jetstream/server.ts";
import { runSourceContract } from "./source-contract.ts";

const dir = mkdtempSync(join(tmpdir(), "trends-sources-"));
const start = new Date("2026-11-26T04:00:00Z");
const xFile = join(dir, "x.ndjson");
writeFileSync(
  xFile,
  [...new SynthStream({ tweets: 50, seed: 7, start, minutes: 15, corrupt: 3 }).lines()].join("\r\n"),
);
const framesFile = join(dir, "frames.ndjson");
writeFileSync(framesFile, `${FRAMES.join("\n")}\n`);
writeFileSync(profilesPathFor(framesFile), JSON.stringify(PROFILES));
const RULES = [compileRule("acme", "acme")];

let js: FakeJetstream;
let appView: FakeAppView;
beforeAll(async () => {
  js = await startFakeJetstream(FRAMES);
  appView = await startFakeAppView(PROFILES);
});
afterAll(async () => {
  await js.close();
  await appView.close();
});

runSourceContract("replay", async () => ({ source: replaySource({ file: xFile }), events: 50 }));
runSourceContract("synth", async () => ({
  source: synthSource({ tweets: 40, seed: 3, start, minutes: 15 }),
  events: 40,
}));
runSourceContract("bluesky-replay", async () => ({
  source: blueskyReplaySource({ file: framesFile, rules: RULES, mapper: { likeCopyMs: 0 } }),
  events: 7,
}));
runSourceContract("bluesky", async () => {
  js.script([{ idle: true }]);
  return {
    source: blueskySource({
      rules: RULES,
      endpoints: [js.url],
      profiles: { appViewUrl: appView.url, minIntervalMs: 0 },
      mapper: { likeCopyMs: 0 },
    }),
    events: 7,
  };
});
