import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createXClient, deleteRules, listRules } from "../../ingest/index.ts";
import { loadConfig } from "../../runtime/config/index.ts";
import { vaderDir } from "../../runtime/vader/index.ts";
import { validateEvent } from "../../sparkgen/schema/index.ts";
import { type FakeXServer, startFakeXServer } from "../fakes/x-stream/index.ts";
import { localAws } from "../support/services.ts";
import { freshStream, readBucket } from "./aws.ts";
import { tweetId, xMessage } from "./messages.ts";

const BIN = fileURLToPath(new URL("../../bin/trends.js", import.meta.url));
const TOKEN = "cli-test-token";

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `trends …` as a child process; `onStderr` sees stderr as it arrives. */
function trends(
  args: string[],
  o: {
    env?: Record<string, string>;
    onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void;
  } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, TRENDS_LOG_LEVEL: "info", ...o.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b.toString();
      o.onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let x: FakeXServer;
beforeAll(async () => {
  x = await startFakeXServer({ token: TOKEN, heartbeatMs: 50 });
});
afterAll(() => x.close());

const xEnv = { X_BEARER_TOKEN: TOKEN };

describe("trends rules", () => {
  it("adds rules (dry run, then for real), lists and deletes them; tags are topics", async () => {
    const url = ["--x-api-url", x.url];
    const dry = await trends(
      ["rules", "add", "--value", "acme lang:en", "--tag", "acme", "--dry-run", "--json", ...url],
      { env: xEnv },
    );
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, created: 1, notCreated: 0, errors: [] });
    expect(x.rules).toEqual([]);

    const add = await trends(["rules", "add", "--value", "acme lang:en", "--tag", "acme", ...url], {
      env: xEnv,
    });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe("1 created, 0 not created\n  1  acme  acme lang:en\n");

    // list and delete through the same stage API the command calls (one child process less each).
    const client = createXClient({ bearerToken: TOKEN, apiUrl: x.url });
    expect(await listRules(client)).toEqual([{ id: "1", value: "acme lang:en", tag: "acme" }]);
    expect(await deleteRules(client, ["1", "99"])).toMatchObject({ deleted: 1, notDeleted: 1 });
    expect(x.rules).toEqual([]);
  });

  it("without a bearer token: one line, exit 3, no stack", async () => {
    const r = await trends(["rules", "list", "--x-api-url", x.url], { env: { X_BEARER_TOKEN: "" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      "trends: no X bearer token configured\n  fix: set X_BEARER_TOKEN (an app-only bearer token from the X developer portal)\n",
    );
  });
});

describe("trends ingest", () => {
  it("replays a file into Firehose (moto): every event lands once, valid; the summary is JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trends-cli-"));
    const file = join(dir, "payloads.ndjson");
    const n = 500;
    const msgs = Array.from({ length: n }, (_, i) => xMessage(i));
    msgs.splice(100, 0, "{bad json", '{"data":{"id":"1"}}');
    writeFileSync(file, msgs.map((m) => `${m}\r\n`).join(""));
    const { bucket, stream, s3 } = await freshStream();
    const aws = localAws();
    // This run's own cache (for its spool) shares the installed VADER lexicons instead of
    // installing them again.
    symlinkSync(vaderDir(loadConfig().cacheDir), vaderDir(dir));
    const r = await trends(
      [
        "ingest",
        "--source",
        "replay",
        "--file",
        file,
        "--sentiment",
        "vader",
        "--sink",
        "firehose",
        "--stream",
        stream,
        "--json",
      ],
      {
        env: {
          TRENDS_AWS_ENDPOINT: aws.endpoint,
          AWS_REGION: aws.region,
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          TRENDS_CACHE_DIR: dir,
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      source: "replay",
      sentiment: "vader",
      sink: "firehose",
      events: n,
      badMessages: 2,
      unscoredLanguage: 0,
    });
    expect(r.stderr).toContain("skipped a malformed stream message");
    const lines = (await readBucket(s3, bucket)).flatMap((o) =>
      o.body.toString().split("\n").filter(Boolean),
    );
    expect(lines).toHaveLength(n);
    const ids = lines.map((l) => {
      const e = JSON.parse(l);
      const v = validateEvent(e);
      expect(v.ok ? "ok" : v.reason).toBe("ok");
      expect(e.sentiment_source).toBe("vader");
      return e.id as string;
    });
    expect(ids.sort()).toEqual(Array.from({ length: n }, (_, i) => tweetId(i)).sort());
  });

  it("from the X stream into a directory; SIGINT flushes what was read and exits 130", async () => {
    const out = mkdtempSync(join(tmpdir(), "trends-cli-out-"));
    x.script([{ steps: Array.from({ length: 40 }, (_, i) => ({ send: xMessage(i) })) }]);
    let signalled = false;
    const r = await trends(
      [
        "ingest",
        "--source",
        "x",
        "--x-api-url",
        x.url,
        "--sentiment",
        "none",
        "--sink",
        "dir",
        "--out",
        out,
        "--flush-ms",
        "60000",
        "--progress-ms",
        "100",
      ],
      {
        env: xEnv,
        // Interrupt once the progress line shows all 40 events read (and still buffered: flush-ms is long).
        onStderr: (text, kill) => {
          if (!signalled && /"events":40\b/.test(text)) {
            signalled = true;
            kill("SIGINT");
          }
        },
      },
    );
    expect(r.code, r.stderr.slice(-2000)).toBe(130);
    expect(r.stdout).toMatch(/^ingested 40 events from x in .* stopped: interrupted/);
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter(
      (d) => d.isFile() && !d.name.startsWith("."),
    );
    const ids = files.flatMap((d) =>
      readFileSync(join(d.parentPath, d.name), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { id: string; sentiment_score: null }).id),
    );
    expect(ids.sort()).toEqual(Array.from({ length: 40 }, (_, i) => tweetId(i)).sort());
  });

  it("names the missing flag: --sink dir without --out exits 2", async () => {
    const r = await trends(["ingest", "--source", "synth", "--tweets", "10", "--sink", "dir"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^trends: --sink dir needs --out DIR\n/);
  });
});
