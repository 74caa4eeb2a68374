import type { S3Client } from "@aws-sdk/client-s3";
import { awsOptionsFrom, createS3 } from "../../runtime/aws/index.ts";
import type { Settings } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import { openDatabase } from "../../runtime/postgres/index.ts";
import { ensureSpark } from "../../runtime/spark/index.ts";
import { migrateToLatest, openDb } from "../../sql/index.ts";
import { LocalStepRunner } from "../runners/local.ts";
import { jdbcFromDatabaseUrl } from "../runners/step-args.ts";
import type { StepRunner } from "../runners/step-runner.ts";
import { newOwner } from "../runs/owner.ts";
import type { RunsDb } from "../runs/records.ts";
import { type InputSource, inputSource } from "./input.ts";
import type { ProcessDeps } from "./process.ts";

export interface PipelineOptions {
  readonly runner: "local" | "emr";
  /** `--input`; defaults to `s3://<bucket>/<rawPrefix>` when a bucket is configured. */
  readonly input?: string | undefined;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Spark master of the local runner (default `local[*]`). */
  readonly master?: string | undefined;
  /** Builds the EMR runner (the emr commands own cluster/bucket/artifact handling). */
  readonly emrRunner?: ((s: Settings, db: RunsDb) => Promise<StepRunner>) | undefined;
}

export interface Pipeline {
  readonly deps: ProcessDeps;
  close(): Promise<void>;
}

/**
 * Everything `trends run` and `trends schedule` need, from the settings: the results database
 * (migrated), the raw input, a step runner and the JDBC URL the step writes to. Credentials go to
 * the runner (the step's environment or a Secrets Manager id), never into step arguments.
 */
export async function openPipeline(s: Settings, o: PipelineOptions): Promise<Pipeline> {
  const root = o.input ?? (s.bucket ? `s3://${s.bucket}/${s.rawPrefix.replace(/^\/+/, "")}` : undefined);
  if (!root)
    throw usageError("no input given", "pass --input DIR or s3://bucket/raw/ (or set TRENDS_BUCKET)");
  let s3: S3Client | undefined;
  const input: InputSource = inputSource(root, () => {
    s3 ??= createS3(awsOptionsFrom(s));
    return s3;
  });
  const handle = await openDatabase(s);
  const db = openDb(handle.url, {
    poolSize: s.databasePoolSize,
    statementTimeoutMs: s.databaseStatementTimeoutMs,
    ...(s.databaseCaFile ? { caFile: s.databaseCaFile } : {}),
    applicationName: "trends-scheduler",
  });
  const close = async () => {
    await db.destroy();
    s3?.destroy();
    await handle.release();
  };
  try {
    await migrateToLatest(db);
    const jdbc = jdbcFromDatabaseUrl(handle.url);
    let runner: StepRunner;
    if (o.runner === "emr") {
      if (!o.emrRunner)
        throw usageError("the EMR runner is not available in this command", "use --runner local");
      runner = await o.emrRunner(s, db);
    } else {
      const spark = await ensureSpark({ cacheDir: s.cacheDir, sparkHome: s.sparkHome });
      runner = new LocalStepRunner({
        spark,
        ...(o.master ? { master: o.master } : {}),
        jdbcUser: jdbc.user,
        jdbcPassword: jdbc.password,
      });
    }
    const deps: ProcessDeps = {
      db,
      runner,
      input,
      jdbcUrl: jdbc.jdbcUrl,
      windowMinutes: s.windowMinutes,
      latenessMinutes: s.latenessMinutes,
      maxAttempts: o.maxAttempts,
      retryDelayMs: o.retryDelayMs,
      owner: newOwner(),
      signal: o.signal,
    };
    return { deps, close };
  } catch (e) {
    await close();
    throw e;
  }
}
