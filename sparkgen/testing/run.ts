import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { createDatabase } from "../../runtime/postgres/index.ts";
import { type SparkInstall, sparkSubmit } from "../../runtime/spark/index.ts";
import { migrateToLatest, openDb } from "../../sql/index.ts";
import { compileJob } from "../compile/index.ts";
import { GENERATED_DIR, generate, STEP_ENTRY_PATH, WINDOW_JOB_PLAN_PATH } from "../generate.ts";
import { diffSchemas, schemaOf } from "../print/ddl.ts";
import type { JobSpec, SpecCases } from "../spec/index.ts";
import { type CaseResult, compareCase } from "./compare.ts";
import { layOut } from "./layout.ts";

const STEP = STEP_ENTRY_PATH;
export const CASES_PLAN = WINDOW_JOB_PLAN_PATH;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface CaseRunOptions {
  cases: readonly SpecCases[];
  spark: SparkInstall;
  /** A database URL whose user may create databases: a scratch database is made there and dropped. */
  adminUrl: string;
  windowMinutes: number;
  /** The generated job plan (default the window job's). */
  plan?: string;
  /**
   * A job of another spec folder (`trends sparkgen test --specs DIR`): its plan is generated into
   * the scratch folder, and its tables the migrated scratch database lacks are created from its
   * specs (a table named like a shipped one must have the shipped one's columns).
   */
  job?: JobSpec;
  onLine?: (line: string) => void;
}

export interface CaseRun {
  results: CaseResult[];
  /** Windows the one range step computed, gaps included. */
  windows: number;
  events: number;
  /** The step's exit code and output tail when it failed (then `results` is empty). */
  failure?: string;
}

/** `job`'s step files generated under `root`; the path of its plan. */
function generatedPlan(job: JobSpec, root: string): string {
  const files = generate(job).filter((f) => f.path.startsWith(`${GENERATED_DIR}/`));
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.text);
  }
  return join(root, GENERATED_DIR, "steps", `${job.name}.json`);
}

/** The metrics that read other windows' rows, and the empty windows that keep cases of them apart. */
function historyOf(planPath: string): { historic: Set<string>; gap: number } {
  const plan = JSON.parse(readFileSync(planPath, "utf8")) as {
    metrics: { name: string; history?: { before: number; after: number } }[];
  };
  const historic = new Set(plan.metrics.filter((m) => m.history).map((m) => m.name));
  const reach = Math.max(0, ...plan.metrics.map((m) => (m.history ? m.history.before + m.history.after : 0)));
  return { historic, gap: reach + 1 };
}

/**
 * Every case of `cases` through the generated step in ONE Spark application (one range step over
 * all cases' windows) into a scratch database, then each case's rows compared with its expectation.
 */
export async function runCases(o: CaseRunOptions): Promise<CaseRun> {
  const dir = mkdtempSync(join(tmpdir(), "trends-cases-"));
  const plan = o.job ? generatedPlan(o.job, join(dir, "generated")) : (o.plan ?? CASES_PLAN);
  const windowMs = o.windowMinutes * 60_000;
  const { historic, gap } = historyOf(plan);
  const layout = layOut(
    o.cases.map((s) => ({ spec: s.spec, cases: s.cases })),
    windowMs,
    gap,
    historic,
  );
  const name = `trends_cases_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client(o.adminUrl);
  await admin.connect();
  try {
    mkdirSync(join(dir, "raw"));
    writeFileSync(
      join(dir, "raw", "cases.ndjson"),
      layout.events.map((e) => `${JSON.stringify(e)}\n`).join(""),
    );
    const url = new URL(await createDatabase(o.adminUrl, name));
    const db = openDb(url.toString());
    try {
      await migrateToLatest(db);
      if (o.job) {
        const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema()`.execute(db);
        const present = new Set(rows.map((r) => r.name));
        const missing = schemaOf(compileJob(o.job)).filter((t) => !present.has(t.name));
        for (const statement of diffSchemas([], missing)) await sql.raw(statement).execute(db);
      }
    } finally {
      await db.destroy();
    }
    const end = new Date(layout.start.getTime() + windowMs);
    const res = await sparkSubmit({
      spark: o.spark,
      script: STEP,
      args: [
        "--plan",
        plan,
        "--window-start",
        layout.start.toISOString(),
        "--window-end",
        end.toISOString(),
        "--windows",
        String(layout.windows),
        "--input",
        `file://${join(dir, "raw")}/`,
        "--jdbc-url",
        `jdbc:postgresql://${url.host}${url.pathname}`,
      ],
      master: "local[2]",
      env: {
        TRENDS_JDBC_USER: decodeURIComponent(url.username),
        TRENDS_JDBC_PASSWORD: decodeURIComponent(url.password),
      },
      ...(o.onLine ? { onLine: o.onLine } : {}),
    });
    const base = { windows: layout.windows, events: layout.events.length };
    if (res.code !== 0)
      return {
        ...base,
        results: [],
        failure: `exit ${res.code}\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-4000)}`,
      };
    const results: CaseResult[] = [];
    const c = new pg.Client(url.toString());
    await c.connect();
    try {
      for (const p of layout.placements) {
        if (!IDENTIFIER.test(p.spec)) throw new Error(`${p.spec} is not a table name`);
        const from = new Date(layout.start.getTime() + p.firstWindow * windowMs);
        const to = new Date(from.getTime() + p.windows * windowMs);
        const { rows } = await c.query(
          `select * from "${p.spec}" where window_start >= $1 and window_start < $2`,
          [from, to],
        );
        const source = o.cases.find((s) => s.spec === p.spec)?.source ?? p.spec;
        results.push(compareCase(p, source, rows, windowMs, layout.start.getTime()));
      }
    } finally {
      await c.end();
    }
    return { ...base, results };
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
