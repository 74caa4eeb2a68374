import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_TOPIC_LENGTH } from "../../sparkgen/index.ts";
import { ALERT_OWN_COLUMNS } from "../../sql/index.ts";
import { runInProcess } from "../in-process.ts";
import { formatTable } from "../output.ts";
import { alertDetails, rangeFrom } from "./query.ts";

const now = new Date("2026-11-26T12:00:00Z");
const TRENDS = join(import.meta.dirname, "../../bin/trends.js");

describe("rangeFrom", () => {
  it("defaults to the last 24 hours; --since counts back from --to", () => {
    expect(rangeFrom({}, now)).toEqual({ from: new Date("2026-11-25T12:00:00Z"), to: now });
    expect(rangeFrom({ since: "90m", to: "2026-11-26T06:00:00Z" }, now)).toEqual({
      from: new Date("2026-11-26T04:30:00Z"),
      to: new Date("2026-11-26T06:00:00Z"),
    });
    expect(rangeFrom({ from: "2026-11-20" }, now)).toEqual({
      from: new Date("2026-11-20T00:00:00Z"),
      to: now,
    });
  });

  it("rejects bad ranges as usage errors naming the flag", () => {
    const cases: Array<[Parameters<typeof rangeFrom>[0], string]> = [
      [{ since: "yesterday" }, '--since "yesterday" is not a duration'],
      [{ from: "26/11/2026" }, '--from "26/11/2026" is not an ISO-8601 time'],
      [{ to: "noon" }, '--to "noon" is not an ISO-8601 time'],
      [{ since: "1h", from: "2026-11-26" }, "--since and --from cannot be combined"],
      [
        { from: "2026-11-27T00:00:00Z" },
        "--from 2026-11-27T00:00:00.000Z is not before --to 2026-11-26T12:00:00.000Z",
      ],
    ];
    for (const [args, message] of cases) {
      expect(() => rangeFrom(args, now)).toThrow(expect.objectContaining({ message, exitCode: 2 }));
    }
  });
});

describe("formatTable", () => {
  it("aligns columns, right-aligns numbers, counts wide characters by code point", () => {
    const rows = [
      { w: "brand", n: 9 },
      { w: "café🎉", n: 120 },
    ];
    expect(
      formatTable(rows, [
        ["word", (r) => r.w],
        ["count", (r) => String(r.n), "right"],
      ]),
    ).toBe(["word   count", "brand      9", "café🎉    120"].join("\n"));
  });
});

describe("alertDetails", () => {
  it("renders every own column of the alerts view the generated list names, formatted by its type", () => {
    // One value of each column's type; a reader that named the shipped alerts' columns would miss a new spec's.
    const columns = Object.entries(ALERT_OWN_COLUMNS);
    const details = Object.fromEntries(columns.map(([c, o]) => [c, o.type === "double precision" ? 1.5 : 7]));
    expect(alertDetails(details)).toBe(
      columns.map(([c, o]) => `${c} ${o.type === "double precision" ? "1.500" : "7"}`).join(", "),
    );
    expect(alertDetails({ ratio: null })).toBe("ratio -");
    expect(alertDetails({})).toBe("-");
  });
});

describe("query --topic", () => {
  it("is capped at the API's MAX_TOPIC_LENGTH code points, before the database is opened", async () => {
    // An unreachable database: a topic past the check would end in "cannot reach" (exit 1).
    const noDb = ["--database-url", "postgres://nobody@127.0.0.1:1/none"];
    const r = await runInProcess([
      "query",
      "sentiment",
      "--topic",
      "🚀".repeat(MAX_TOPIC_LENGTH + 1),
      ...noDb,
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--topic is longer than ${MAX_TOPIC_LENGTH} characters`);
  });
});

describe("query metric --by", () => {
  const noDb = ["--database-url", "postgres://nobody@127.0.0.1:1/none"];

  it("refuses an alert read by range and an unknown --by, before the database is opened", async () => {
    const alert = await runInProcess(["query", "metric", "sentiment_alert", "--by", "range", ...noDb]);
    expect(alert.code, alert.stderr).toBe(2);
    expect(alert.stderr).toContain("sentiment_alert is an alert: its rows are read per window");
    expect(alert.stderr).toContain("fix: leave out --by range");
    const bad = await runInProcess(["query", "metric", "word_window", "--by", "day", ...noDb]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Argument: by, Given: "day", Choices: "range", "window"');
  });

  it("documents the roll-up in --help", async () => {
    const help = execFileSync("node", [TRENDS, "query", "metric", "--help"], { encoding: "utf8" });
    expect(help).toContain("--by");
    expect(help.replace(/\s+/g, " ")).toContain("re-derived from their stored numerators and denominators");
  });
});
