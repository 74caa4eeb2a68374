import { randomUUID } from "node:crypto";
import { prerequisiteError, usageError } from "../../runtime/errors/index.ts";
import { log } from "../../runtime/log/index.ts";
import { LIVE_SCRIPT_KEY, planFor } from "../artifacts/index.ts";
import { type EmrStepOptions, type EmrStepRunner, sparkSubmitStep } from "../runners/emr.ts";
import { type EmrServerlessStepRunner, sparkSubmitJobRun } from "../runners/emr-serverless.ts";
import type { StepStatus } from "../runners/step-runner.ts";
import { type LiveAppOptions, type LiveEnd, type LiveRun, liveAppArgs } from "./supervisor.ts";

/**
 * Live mode on AWS (emr/README.md, "Live mode"): the live application as one long-running EMR step
 * or one long EMR Serverless job run, of the same uploaded runtime as the window steps. The
 * scheduler supervises it like the local process (`superviseLive`): a step or run that ends is
 * started again with backoff, and the window steps keep running beside it.
 */

/** The name of the live step or job run: how a restarted scheduler finds one already running. */
export const LIVE_NAME = "trends-live";

/** EMR Serverless cancels a run after this long; the supervisor then starts the next one. */
export const LIVE_JOB_TIMEOUT_MINUTES = 720;

/** After a stop, how long the supervisor waits for the cancelled step or run to end. */
const STOP_WAIT_MS = 120_000;

/** The uploaded live script, or a prerequisite error when the artifacts predate live mode. */
function liveScript(artifacts: EmrStepOptions["artifacts"]): string {
  const uri = artifacts.uris?.[LIVE_SCRIPT_KEY];
  if (!uri)
    throw prerequisiteError(
      `the uploaded step runtime has no ${LIVE_SCRIPT_KEY}`,
      "upload this checkout's runtime (drop --runtime-dir, or point it at sparkgen/runtime)",
    );
  return uri;
}

/** The live application's EMR step: the window step's spark-submit with the live script and its arguments. */
export function liveEmrStep(
  app: LiveAppOptions,
  o: EmrStepOptions,
  target?: Parameters<typeof planFor>[1],
): ReturnType<typeof sparkSubmitStep> {
  return sparkSubmitStep(
    LIVE_NAME,
    liveScript(o.artifacts),
    liveAppArgs({ ...app, plan: planFor(o.artifacts, target), jdbcSecret: o.jdbcSecret }),
    o,
    { what: "the live step", fix: "use a shorter bucket and raw prefix" },
  );
}

/**
 * One run of the live step on the runner's cluster, adopting a live step already pending or
 * running there (a scheduler restarted while its step lived on), so the checkpoint has one
 * writer. Refuses a cluster at StepConcurrencyLevel 1: the step never ends, and every window step
 * would queue behind it.
 */
export async function emrLiveRun(runner: EmrStepRunner, app: LiveAppOptions): Promise<LiveRun> {
  const c = await runner.cluster();
  if (c.stepConcurrencyLevel < 2)
    throw usageError(
      `EMR cluster ${c.id} runs one step at a time (StepConcurrencyLevel ${c.stepConcurrencyLevel}): the live step never ends, so every window step would wait behind it`,
      `raise it while no step runs: aws emr modify-cluster --cluster-id ${c.id} --step-concurrency-level 2`,
    );
  return async (signal) => {
    const id =
      (await activeLive(runner)) ?? (await runner.submitStep((target, o) => liveEmrStep(app, o, target)));
    return follow(runner, id, signal);
  };
}

/** One run of the live job on the runner's EMR Serverless application, adopting one already in progress. */
export function serverlessLiveRun(runner: EmrServerlessStepRunner, app: LiveAppOptions): LiveRun {
  return async (signal) => {
    const id =
      (await activeLive(runner)) ??
      (await runner.startJobRun((o, target) =>
        sparkSubmitJobRun(
          {
            name: LIVE_NAME,
            script: liveScript(o.artifacts),
            args: liveAppArgs({ ...app, plan: planFor(o.artifacts, target), jdbcSecret: o.jdbcSecret }),
            clientToken: randomUUID(),
            what: "the live job run",
          },
          { ...o, executionTimeoutMinutes: LIVE_JOB_TIMEOUT_MINUTES },
        ),
      ));
    return follow(runner, id, signal);
  };
}

interface Follows {
  list(): Promise<StepStatus[]>;
  wait(id: string, signal?: AbortSignal): Promise<StepStatus>;
  cancel(id: string): Promise<void>;
}

async function activeLive(runner: Follows): Promise<string | undefined> {
  const found = (await runner.list()).find(
    (s) => s.name === LIVE_NAME && (s.state === "PENDING" || s.state === "RUNNING"),
  );
  if (found) log().info({ id: found.id }, "adopting the live application already running");
  return found?.id;
}

/** Waits for the step or run to end; a stop cancels it and waits (a while) for its end. */
async function follow(runner: Follows, id: string, signal: AbortSignal): Promise<LiveEnd> {
  log().info({ id }, "live application started");
  const giveUp = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    timer = setTimeout(() => giveUp.abort(new Error("no end after the cancel")), STOP_WAIT_MS);
    runner.cancel(id).catch((e: unknown) => {
      log().warn({ id, err: (e as Error).message }, "could not cancel the live application");
      giveUp.abort(e);
    });
  };
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  try {
    const s = await runner.wait(id, giveUp.signal);
    return { state: s.state, reason: s.reason };
  } catch (e) {
    if (giveUp.signal.aborted) return { reason: `stopped; ${(e as Error).message}` };
    throw e;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
  }
}
