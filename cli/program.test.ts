import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, runInProcess } from "./in-process.ts";

const dir = mkdtempSync(join(tmpdir(), "trends-cli-"));
const start = ["--start", "2026-11-26T04:00:00Z"];
const submit = [
  "emr",
  "submit",
  "--cluster",
  "j-ABC123",
  "--bucket",
  "my-trends",
  "--jdbc-url",
  "jdbc:postgresql://db:5432/trends",
  "--jdbc-secret",
  "trends/db",
  "--dry-run",
];
// Never starts a local PostgreSQL: a slip past validation would fail to connect, not do work.
const noDb = ["--database-url", "postgres://nobody@127.0.0.1:1/none"];

/** One line naming the problem, one with the fix, exit 2 — and no stack. */
function expectUsage(r: CliResult, message: string | RegExp, code = 2): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^trends: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^ {2}fix: \S/);
}

describe("user input is refused in one line, never with a stack (issue 15)", () => {
  it("synth --tweets 1e12 and --minutes 1e12 are out of range and leave no file", async () => {
    const out = join(dir, "big.ndjson");
    expectUsage(
      await runInProcess(["synth", "--tweets", "1e12", ...start, "--out", out]),
      "--tweets 1000000000000 is out of range",
    );
    expectUsage(
      await runInProcess(["synth", "--tweets", "10", "--minutes", "1e12", ...start, "--out", out]),
      "--minutes 1000000000000 is out of range",
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith("big"))).toEqual([]);
  });

  it("serve --port 99999, -1 and abc are usage errors", async () => {
    for (const [port, says] of [
      ["99999", "--port 99999 is out of range"],
      ["-1", "--port -1 is out of range"],
      ["abc", "--port needs a number"],
    ] as const)
      expectUsage(await runInProcess(["serve", "--port", port, ...noDb]), says);
  });

  it("serve --host with an address this machine lacks is a usage error (EADDRNOTAVAIL)", async () => {
    const r = await runInProcess([
      "serve",
      "--host",
      "192.0.2.1", // TEST-NET-1: never assigned to a machine
      "--port",
      "0",
      "--token",
      "a-long-enough-test-token-123",
      ...noDb,
    ]);
    expectUsage(r, "cannot listen on 192.0.2.1");
    expect(r.stderr).toContain("EADDRNOTAVAIL");
  });

  it("serve --host with a name that does not resolve is a usage error, not 'cannot reach'", async () => {
    const r = await runInProcess([
      "serve",
      "--host",
      "no-such-host.invalid", // RFC 2606: .invalid never resolves
      "--port",
      "0",
      "--token",
      "a-long-enough-test-token-123",
      ...noDb,
    ]);
    expectUsage(r, "--host no-such-host.invalid does not resolve");
  });

  it("emr submit --generated-dir refuses a file and a directory with a dangling link", async () => {
    const w = ["--window", "2026-11-26T04:00:00Z"];
    expectUsage(
      await runInProcess([...submit, ...w, "--generated-dir", "/etc/passwd"]),
      "--generated-dir /etc/passwd is a file",
    );
    const gen = join(dir, "generated");
    mkdirSync(join(gen, "steps"), { recursive: true });
    writeFileSync(join(gen, "steps", "window_job.py"), "print(1)\n");
    symlinkSync(join(dir, "nowhere"), join(gen, "steps", "gone.py"));
    expectUsage(
      await runInProcess([...submit, ...w, "--generated-dir", gen]),
      /gone\.py, which is a link to nothing/,
    );
  });

  it("refuses 2026-02-30 in query --from, synth --start and emr submit --window", async () => {
    const bad = "2026-02-30T00:00:00Z";
    const says = `"${bad}" is not a real date and time`;
    expectUsage(await runInProcess(["query", "sentiment", "--from", bad, ...noDb]), `--from ${says}`);
    expectUsage(
      await runInProcess(["synth", "--tweets", "10", "--start", bad, "--out", join(dir, "feb30")]),
      `--start ${says}`,
    );
    expectUsage(await runInProcess([...submit, "--window", bad]), `--window ${says}`);
    expect(existsSync(join(dir, "feb30"))).toBe(false);
  });

  it("query --since -5h is refused, not read as -5 -h (help, exit 0)", async () => {
    const r = await runInProcess(["query", "sentiment", "--since", "-5h", ...noDb]);
    expectUsage(r, '--since "-5h" is negative');
    expect(r.stdout).toBe("");
  });

  it("a flag given twice is refused, not handed to the command as an array", async () => {
    expectUsage(
      await runInProcess(["query", "sentiment", "--since", "1h", "--since=2h", ...noDb]),
      "--since is given more than once",
    );
    // A flag declared as a list may repeat: this one reaches the next check (--out's kind).
    const list = ["--jetstream-url", "ws://127.0.0.1:1/a", "--jetstream-url", "ws://127.0.0.1:1/b"];
    expectUsage(
      await runInProcess(["ingest", "--source", "bluesky", ...list, "--out", "/dev/null"]),
      "--out /dev/null is not a regular file",
    );
  });

  it("emr submit --from 2016 --to 2026 is refused with the fix, not printed", async () => {
    const r = await runInProcess([
      ...submit,
      "--from",
      "2016-01-01T00:00:00Z",
      "--to",
      "2026-01-01T00:00:00Z",
    ]);
    expectUsage(r, "--from/--to hold 350688 windows; at most 256");
    expect(r.stderr).toContain("--to 2016-01-03T16:00:00.000Z");
    expect(r.stdout).toBe("");
  });

  it("neutralises control characters and bidi overrides in error lines", async () => {
    const hostile = "/nowhere/\u001b]8;;http://evil\u0007x\u202e\r\nforged/out";
    const r = await runInProcess(["synth", "--tweets", "10", ...start, "--out", hostile]);
    expectUsage(
      r,
      "--out /nowhere/\\x1b]8;;http://evil\\x07x\\u202e\\x0d\\x0aforged/out: its directory does not exist",
    );
    expect(r.stderr).not.toMatch(/[\u001b\u0007\r\u202e]/);
  });
});

describe("flags of the new surfaces are checked before anything runs (issue 29)", () => {
  const w = ["--window", "2026-11-26T04:00:00Z"];
  const serverless = [
    "emr-serverless",
    "submit",
    "--application",
    "00fabcdexample09",
    "--execution-role",
    "arn:aws:iam::123456789012:role/trends-job",
    ...submit.slice(4),
    ...w,
  ];

  it("emr and emr-serverless submit --runtime-dir: missing, or without the runtime, is one line", async () => {
    for (const args of [[...submit, ...w], serverless])
      expectUsage(
        await runInProcess([...args, "--runtime-dir", join(dir, "nonexistent")]),
        "--runtime-dir /",
      );
    expectUsage(
      await runInProcess([...submit, ...w, "--runtime-dir", dir]),
      `--runtime-dir ${dir} holds no window_step.py`,
    );
  });

  it("emr-serverless submit --log-uri must be an s3:// prefix", async () => {
    for (const uri of ["http://evil/", "s3://my-trends/logs with space/"])
      expectUsage(
        await runInProcess([...serverless, "--log-uri", uri]),
        `--log-uri ${JSON.stringify(uri)} is not an s3://bucket/prefix/ URI`,
      );
  });

  it("submit --jdbc-url with white space or another scheme is refused", async () => {
    for (const url of ["jdbc:postgresql://db:5432/tr ends", "jdbc:mysql://db/trends"]) {
      const r = await runInProcess([...submit.slice(0, 6), ...submit.slice(8), ...w, "--jdbc-url", url]);
      expectUsage(r, "is not jdbc:postgresql://host:port/database");
      expect(r.stdout).toBe("");
    }
  });
});
