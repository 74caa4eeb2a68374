import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runInProcess } from "./in-process.ts";

/**
 * A guard for every command's flags: whatever a user types, the CLI answers with an exit code
 * scripts can trust (0, 2, 3 or 4), a one-line error plus its fix on stderr (never a stack or
 * "unexpected error", which would be exit 1) and no file left behind when it fails.
 *
 * Each generated command line carries one value that must fail validation (a number beyond its
 * bounds, an impossible date, a negative duration, a path of the wrong kind) next to random
 * values of the other flags, so no case starts real work: no Spark, no PostgreSQL, no network.
 */
const work = mkdtempSync(join(tmpdir(), "trends-fuzz-"));
const P = {
  file: join(work, "a-file"),
  dir: join(work, "a-dir"),
  missing: join(work, "not-there"),
  dangling: join(work, "dangling"),
  devnull: "/dev/null",
  noParent: join(work, "no-such-dir", "x"),
};
writeFileSync(P.file, "{}\n");
mkdirSync(P.dir);
/** Rules files: one valid, and hand-edited ones each breaking the schema `rules add` applies. */
const rulesFile = (name: string, content: unknown) => {
  writeFileSync(join(work, name), typeof content === "string" ? content : JSON.stringify(content));
  return join(work, name);
};
const entry = { id: "r1", source: "bluesky", tag: "acme", value: "acme" };
const goodRules = rulesFile("rules-ok.json", { rules: [entry] });
const badRules = fc.constantFrom(
  P.dir,
  join(P.file, "rules.json"),
  rulesFile("rules-null.json", "null"),
  rulesFile("rules-bad-json.json", "{rules"),
  rulesFile("rules-long-tag.json", { rules: [{ ...entry, tag: "a".repeat(70) }] }),
  rulesFile("rules-no-source.json", { rules: [{ ...entry, source: undefined }] }),
  rulesFile("rules-big-value.json", { rules: [{ ...entry, value: "w ".repeat(20_000) }] }),
  rulesFile("rules-null-entry.json", { rules: [entry, null] }),
);
symlinkSync(join(work, "nowhere"), P.dangling);
const anyPath = fc.constantFrom(...Object.values(P));

const pad = (n: number) => String(n).padStart(2, "0");
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** Well-formed ISO-8601 but not a real instant: Feb 30, month 13, 24:00, minute 60 … */
const impossibleDate = fc
  .record({
    y: fc.integer({ min: 1970, max: 2100 }),
    m: fc.integer({ min: 1, max: 12 }),
    which: fc.constantFrom("day", "month", "hour", "minute"),
    over: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ y, m, which, over }) => {
    const day = which === "day" ? Math.min(daysIn(y, m) + 1 + over, 99) : 1;
    const month = which === "month" ? 13 + over : m;
    const hour = which === "hour" ? 24 + over : 0;
    const minute = which === "minute" ? 60 + over : 0;
    return `${y}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00Z`;
  });
const validDate = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => new Date(Math.floor(d.getTime() / 900_000) * 900_000).toISOString());
const anyString = fc.string({ maxLength: 40 }).filter((s) => !s.startsWith("-"));
const anyDate = fc.oneof(validDate, impossibleDate, anyString);
/** Values beyond [min, max] (or not numbers at all) for a numeric flag. */
const badNumber = (min: number, max: number) =>
  fc.oneof(
    max < Number.MAX_SAFE_INTEGER
      ? fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }).map(String)
      : fc.constant("1e16"),
    fc.constantFrom(String(max + 1), "1e12", "1e308", "Infinity", "NaN", "abc", "", `${min}.5`),
    fc.integer({ min: -1e9, max: min - 1 }).map(String),
  );
const anyNumber = (min: number, max: number) =>
  fc.oneof(fc.constantFrom(String(min), String(max)), badNumber(min, max), fc.integer().map(String));
const badDuration = fc.oneof(
  fc.constantFrom("-5h", "0m", "5", "h", "99999999999999d", "5 h", ""),
  anyString.filter((s) => !/^\s*\d+[smhd]\s*$/.test(s)),
);

type Flags = Record<string, fc.Arbitrary<string>>;
interface CommandSpec {
  argv: string[];
  /** Flags that, with the generated value, must fail validation before any work. */
  bad: Flags;
  /** Other flags with any value (valid or not). */
  any: Flags;
}

const noDb = ["--database-url", "postgres://nobody@127.0.0.1:1/none"];
const SPECS: CommandSpec[] = [
  {
    argv: ["synth", "--tweets", "10", "--start", "2026-11-26T04:00:00Z", "--out", join(work, "s.ndjson")],
    bad: {
      "--tweets": badNumber(1, 5_000_000),
      "--minutes": badNumber(1, 43_200),
      "--corrupt": badNumber(0, 1_000_000),
      "--start": fc.oneof(
        impossibleDate,
        anyString.filter((s) => !/^\d{4}-/.test(s)),
      ),
      "--out": fc.constantFrom(P.dir, P.devnull, P.dangling, P.noParent),
    },
    any: {
      "--seed": anyString,
      "--topics": anyString,
      "--crisis-at": anyDate,
      "--crisis-topic": anyString,
      "--minutes": anyNumber(1, 43_200),
      "--corrupt": anyNumber(0, 1_000_000),
    },
  },
  {
    argv: ["serve", ...noDb],
    bad: { "--port": badNumber(0, 65_535) },
    any: { "--host": anyString, "--token": anyString, "--token-file": anyPath },
  },
  ...["influencers", "sentiment", "words", "alerts"].map((sub) => ({
    argv: ["query", sub, ...noDb],
    bad: {
      "--from": impossibleDate,
      "--to": impossibleDate,
      "--since": badDuration,
      "--limit": badNumber(1, 10_000),
    },
    any: {
      "--topic": anyString,
      "--json": fc.constantFrom("true", "false"),
      "--limit": anyNumber(1, 10_000),
    },
  })),
  {
    argv: [
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
    ],
    bad: {
      "--window": impossibleDate,
      "--generated-dir": fc.constantFrom(P.file, P.devnull, P.dangling),
      "--from": fc.constant("2016-01-01T00:00:00Z --to 2026-01-01T00:00:00Z"),
    },
    any: { "--cluster": anyString, "--bucket": anyString, "--jdbc-secret": anyString },
  },
  {
    argv: ["run", "--from", "2026-11-26T04:00:00Z", "--to", "2026-11-26T05:00:00Z", ...noDb],
    bad: { "--from": impossibleDate, "--to": impossibleDate, "--max-attempts": badNumber(1, 100) },
    any: { "--input": anyPath, "--master": anyString, "--max-attempts": anyNumber(1, 100) },
  },
  {
    argv: ["schedule", "--once", ...noDb],
    bad: {
      "--every": badDuration,
      "--retry-delay": badDuration,
      "--recheck": badDuration,
      "--from": impossibleDate,
      "--max-attempts": badNumber(1, 100),
    },
    any: { "--input": anyPath, "--cluster": anyString, "--bucket": anyString },
  },
  {
    argv: ["ingest", "--source", "replay", "--sink", "dir"],
    bad: {
      "--tweets": badNumber(1, 5_000_000),
      "--minutes": badNumber(1, 43_200),
      "--flush-ms": badNumber(1, 3_600_000),
      "--progress-ms": badNumber(0, 86_400_000),
      "--max-events": badNumber(1, Number.MAX_SAFE_INTEGER),
      "--file": fc.constantFrom(P.dir, P.devnull, P.dangling, P.missing),
    },
    any: {
      "--out": anyPath,
      "--speed": anyString,
      "--seed": anyString,
      "--start": anyDate,
      "--progress-ms": anyNumber(0, 86_400_000),
    },
  },
  {
    argv: ["ingest", "--source", "bluesky", "--sink", "dir", "--out", join(work, "bsky-out")],
    bad: {
      "--rules-file": badRules,
      "--cursor-file": fc.constantFrom(P.dir, P.devnull, join(P.file, "cursor"), P.noParent),
      "--flush-ms": badNumber(1, 3_600_000),
    },
    any: { "--rules-file": fc.constant(goodRules), "--sentiment": fc.constantFrom("none", "vader") },
  },
  {
    argv: ["rules", "add", "--source", "bluesky", "--tag", "acme", "--value", "acme"],
    bad: { "--rules-file": badRules },
    any: { "--json": fc.constantFrom("true", "false"), "--tag": anyString, "--value": anyString },
  },
  {
    argv: ["demo"],
    bad: {
      "--minutes": badNumber(1, 43_200),
      "--tweets": badNumber(1, 5_000_000),
      "--seed": badNumber(0, Number.MAX_SAFE_INTEGER),
      "--pace": badNumber(1, 900),
    },
    any: {
      "--keep": fc.constantFrom("true", "false"),
      "--seed": anyNumber(0, 2 ** 40),
      "--live": fc.constantFrom("true", "false"),
    },
  },
  {
    argv: ["rules", "add", "--value", "acme lang:en", "--dry-run"],
    bad: {
      "--tag": fc.oneof(
        fc.constantFrom("two words", "a".repeat(65), "", "x/y"),
        fc.string({ minLength: 65 }),
      ),
    },
    any: { "--value": anyString, "--json": fc.constantFrom("true", "false") },
  },
];

/** One command line: the spec's base, one bad flag and up to three other flags. */
const commandLine = fc.constantFrom(...SPECS).chain((spec) =>
  fc.constantFrom(...Object.keys(spec.bad)).chain((flag) => {
    // Other flags never repeat the bad one: the last value would win and could be valid.
    const others = Object.keys(spec.any).filter((f) => f !== flag);
    return fc
      .tuple(
        spec.bad[flag]!,
        fc
          .subarray(others, { maxLength: Math.min(3, others.length) })
          .chain((flags) => fc.tuple(...flags.map((f) => spec.any[f]!.map((v) => [f, v] as const)))),
        fc.option(fc.constantFrom("stray", "--no-such-flag"), { nil: undefined, freq: 8 }),
        fc.boolean(),
      )
      .map(([value, extras, stray, repeat]) => {
        // The base's own value of the bad flag is dropped, so the bad one is the only one.
        const base = [...spec.argv];
        const at = base.indexOf(flag);
        if (at >= 0) base.splice(at, 2);
        const [first, to] = value.split(" --to ");
        const bad = to === undefined ? [flag, value] : [flag, first!, "--to", to];
        const args = [...base, ...bad, ...extras.flatMap(([f, v]) => [`${f}=${v}`])];
        // A flag given twice (yargs would hand the handler an array).
        if (repeat && extras[0]) args.push(`${extras[0][0]}=${extras[0][1]}`);
        return stray === undefined ? args : [...args, stray];
      });
  }),
);

const listing = () => readdirSync(work).sort();

describe("every command's flags (property-based)", () => {
  it("exit 0/2/3/4, one error line plus a fix, nothing left behind", { timeout: 120_000 }, async () => {
    const before = listing();
    await fc.assert(
      fc.asyncProperty(commandLine, async (args) => {
        const r = await runInProcess(args);
        expect([0, 2, 3, 4], `${JSON.stringify(args)}\n${r.stderr}`).toContain(r.code);
        if (r.code === 0) return;
        const lines = r.stderr.trimEnd().split("\n");
        expect(lines, `${JSON.stringify(args)}\n${r.stderr}`).toHaveLength(2);
        expect(lines[0]).toMatch(/^trends: \S/);
        expect(lines[1]).toMatch(/^ {2}fix: \S/);
        expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
        expect(listing(), JSON.stringify(args)).toEqual(before);
      }),
      { numRuns: 200, seed: Number(process.env.FC_SEED ?? 15) },
    );
  });
});
