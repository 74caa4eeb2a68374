import type { Window } from "../../runtime/windows/index.ts";
import type { RunStatus } from "../../sql/index.ts";
import type { StepRunner } from "../runners/step-runner.ts";
import type { RunsDb } from "../runs/records.ts";
import type { InputSource } from "./input.ts";
import type { Reason } from "./queue.ts";

/** What processing a window needs; the scheduler and `trends run` both build one. */
export interface ProcessDeps {
  readonly db: RunsDb;
  readonly runner: StepRunner;
  readonly input: InputSource;
  /** `jdbc:postgresql://host:port/db`, without credentials (the runner passes those). */
  readonly jdbcUrl: string;
  readonly windowMinutes: number;
  readonly latenessMinutes: number;
  /** Failed attempts allowed per window before it is left failed. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per failure (`retryDelay`). */
  readonly retryDelayMs: number;
  /** Who runs the attempts (`host:pid:random`), stored in `pipeline_run.owner`. */
  readonly owner: string;
  /** Aborted on SIGINT/SIGTERM: the in-flight step is cancelled and recorded `interrupted`. */
  readonly signal?: AbortSignal | undefined;
  /** `s3://…/artifacts/<hash>/` the runner's steps run (EMR), recorded with each attempt. */
  readonly artifactsUri?: string | undefined;
  /** Called after every attempt (progress output). */
  readonly onAttempt?: ((a: AttemptOutcome) => void) | undefined;
  /**
   * At most this many consecutive queued windows run in one step (one Spark application, see
   * `processRange`); 1 (the default) runs one step per window.
   */
  readonly rangeWindows?: number | undefined;
  /**
   * The SQL hashes of the plan the runner runs (`planSqlHashes` of sparkgen/changes), recorded with
   * every attempt so `trends sparkgen plan` knows which windows ran which SQL.
   */
  readonly sqlHashes?: Readonly<Record<string, string>> | undefined;
}

/** One attempt of one window, as recorded in `pipeline_run`. */
export interface AttemptOutcome {
  readonly window: Window;
  readonly reason: Reason;
  readonly runId: number;
  readonly attempt: number;
  readonly status: RunStatus;
  readonly stepId?: string | undefined;
  readonly error?: string | undefined;
  readonly inputObjects: number;
  readonly events?: number | undefined;
  readonly rowsRead?: number | null | undefined;
  readonly badRecords?: number | null | undefined;
  readonly duplicates?: number | null | undefined;
  readonly seconds: number;
  /** It ran a step its previous owner had started (a scheduler that died mid-window). */
  readonly adopted?: boolean;
}

/** A window's fate in one pass: its final status and every attempt made for it. */
export interface WindowOutcome {
  readonly window: Window;
  readonly reason: Reason;
  /** `locked`: another process holds the window (it is running there); nothing was done. */
  readonly status: RunStatus | "locked";
  readonly attempts: readonly AttemptOutcome[];
}
