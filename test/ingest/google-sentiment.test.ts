import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyserContract } from "../../ingest/sentiment/contract.ts";
import { createGoogleAnalyser, type GoogleAnalyserOptions } from "../../ingest/sentiment/index.ts";
import { type FakeGoogleNl, startFakeGoogleNl, wordScores } from "../fakes/google-nl/server.ts";

// The Google adapter over its real transport (gRPC, the client library's own stubs) against a
// local server built from the package's protos. Scripted behaviour is keyed on the text.
let fake: FakeGoogleNl;

beforeAll(async () => {
  // No Google credentials here: stop google-auth from probing the GCE metadata server.
  process.env.METADATA_SERVER_DETECTION = "none";
  fake = await startFakeGoogleNl((req, seenBefore) => {
    if (req.content.startsWith("flaky")) {
      return seenBefore < 2 ? { code: grpc.status.UNAVAILABLE, details: "try again" } : wordScores(req);
    }
    if (req.content.startsWith("down")) return { code: grpc.status.UNAVAILABLE };
    if (req.content.startsWith("rejected")) return { code: grpc.status.INVALID_ARGUMENT, details: "no" };
    return wordScores(req);
  });
});
afterAll(() => fake.close());

const local = (over: GoogleAnalyserOptions = {}) =>
  createGoogleAnalyser({
    apiEndpoint: "127.0.0.1",
    port: fake.port,
    sslCreds: grpc.credentials.createInsecure(),
    requestsPerMinute: 0,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
    ...over,
  });

analyserContract("google (local gRPC fake)", () => local(), { nullable: "sometimes", name: "google" });

describe("google analyser", () => {
  it.each(["v2", "v1"] as const)("scores texts in order over %s, with language hints", async (version) => {
    const a = local({ version, concurrency: 3 });
    const before = fake.requests.length;
    const out = await a.analyse([
      { text: "what a good day", lang: "en" },
      { text: "this is bad", lang: "en" },
      { text: "apa kabar", lang: "in" },
      { text: "hyvää päivää", lang: "fi" },
      { text: "   ", lang: "en" },
      { text: "🙂", lang: "und" },
    ]);
    await a.close();
    expect(out).toEqual([
      { score: 0.75, magnitude: 1.5 },
      { score: -0.5, magnitude: 1.25 },
      { score: 0, magnitude: 0.125 },
      null,
      null,
      { score: 0, magnitude: 0.125 },
    ]);
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => [r.version, r.content, r.language]).sort()).toEqual(
      [
        [version, "what a good day", "en"],
        [version, "this is bad", "en"],
        [version, "apa kabar", "id"],
        [version, "🙂", ""],
      ].sort(),
    );
    expect(a.metrics()).toEqual({ requests: 4, retries: 0, failed: 0, skipped: 2 });
  });

  it("gives null when v2 detects a language it cannot score", async () => {
    const a = local();
    const out = await a.analyse([
      { text: "klingon nuqneH", lang: null },
      { text: "good", lang: "en" },
    ]);
    await a.close();
    expect(out).toEqual([null, { score: 0.75, magnitude: 1.5 }]);
    expect(a.metrics()).toEqual({ requests: 2, retries: 0, failed: 0, skipped: 1 });
  });

  it("retries UNAVAILABLE with backoff and then scores", async () => {
    const a = local();
    const out = await a.analyse([{ text: "flaky but good", lang: "en" }]);
    await a.close();
    expect(out).toEqual([{ score: 0.75, magnitude: 1.5 }]);
    expect(a.metrics()).toEqual({ requests: 3, retries: 2, failed: 0, skipped: 0 });
  });

  it("gives null after the last attempt, and at once on a permanent error, without failing the batch", async () => {
    const a = local({ maxAttempts: 3 });
    const out = await a.analyse([
      { text: "down for good", lang: "en" },
      { text: "rejected text", lang: "en" },
      { text: "love it", lang: "en" },
    ]);
    await a.close();
    expect(out).toEqual([null, null, { score: 0.75, magnitude: 1.5 }]);
    expect(a.metrics()).toEqual({ requests: 5, retries: 2, failed: 2, skipped: 0 });
    expect(fake.requests.filter((r) => r.content === "down for good")).toHaveLength(3);
    expect(fake.requests.filter((r) => r.content === "rejected text")).toHaveLength(1);
  });
});
