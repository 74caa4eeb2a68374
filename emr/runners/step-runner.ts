import type { Window } from "../../runtime/windows/index.ts";

/**
 * One run of the window step (the static runtime `sparkgen/runtime/window_step.py` running the
 * generated plan) for one window, or for a range of consecutive windows in one Spark application.
 * Both runners build the same step arguments from it (see `stepArgs`), so a window runs the same
 * code locally and on EMR.
 */
export interface StepRequest {
  /** The window (the first one of a range). */
  readonly window: Window;
  /** Arrival-hour prefixes from `inputHourPrefixes()`, as URIs (`s3://…/raw/2026/11/26/04/`, `file://…`). */
  readonly inputs: readonly string[];
  /** `jdbc:postgresql://host:port/db` — never with a password in it; credentials travel separately. */
  readonly jdbcUrl: string;
  /** The `pipeline_run.id` the step updates with its stats, in the same transaction as the results. */
  readonly runId?: number;
  /** A human-readable step name; defaults to `trends window <start>`. */
  readonly name?: string;
  /**
   * More than one window: `count` consecutive windows from `window`, each its own transaction
   * (and `runIds[k]`, replacing `runId`), reading the `inputs` at its `windowInputs[k]` indexes.
   */
  readonly range?: StepRange;
}

export interface StepRange {
  readonly count: number;
  readonly windowInputs: readonly (readonly number[])[];
  readonly runIds?: readonly number[];
}

/** EMR's step states (https://docs.aws.amazon.com/emr/latest/APIReference/API_StepStatus.html). */
export type StepState = "PENDING" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED" | "INTERRUPTED";

export const TERMINAL_STATES: readonly StepState[] = ["COMPLETED", "FAILED", "CANCELLED", "INTERRUPTED"];
export const isTerminal = (s: StepState): boolean => TERMINAL_STATES.includes(s);

/** What the step reports on its `TRENDS_STEP_RESULT {json}` stdout line (or writes to `pipeline_run`). */
export interface StepResult {
  readonly rows_read: number;
  readonly bad_records: number;
  readonly duplicates: number;
  /** Events the window kept after dedup; absent when read from `pipeline_run`, which does not store it. */
  readonly events?: number;
}

export interface StepStatus {
  readonly id: string;
  readonly state: StepState;
  /** Why it failed or was cancelled, one line. */
  readonly reason?: string;
  readonly startedAt?: Date;
  readonly endedAt?: Date;
  /** Where the step's logs are (an S3 prefix on EMR, a local file for the local runner). */
  readonly logUri?: string;
  /** Present once COMPLETED when the runner could read the stats (stdout locally, `pipeline_run` on EMR). */
  readonly result?: StepResult;
  /** A range step's committed windows, by window start (ISO), when the runner sees stdout (local). */
  readonly windowResults?: Readonly<Record<string, StepResult>>;
  readonly name?: string;
}

/**
 * Runs window steps somewhere: EMR (`EmrStepRunner`), EMR Serverless (`EmrServerlessStepRunner`) or
 * local `spark-submit` (`LocalStepRunner`).
 * `submit` returns as soon as the step is accepted; `wait` polls until a terminal state (or the
 * signal aborts the wait — the step keeps running; call `cancel` to stop it).
 * An unknown id is a `TrendsError` (usage) from `status`, `wait` and `cancel`.
 */
export interface StepRunner {
  readonly kind: "local" | "emr" | "emr-serverless";
  submit(req: StepRequest): Promise<string>;
  status(id: string): Promise<StepStatus>;
  wait(id: string, signal?: AbortSignal): Promise<StepStatus>;
  cancel(id: string): Promise<void>;
  /** Recent steps, newest first. */
  list?(): Promise<StepStatus[]>;
  /**
   * How many steps can run at once (EMR: the cluster's StepConcurrencyLevel; local: its
   * `concurrency`). A scheduler keeps at most this many in flight; more wait PENDING.
   */
  capacity?(): Promise<number>;
}
