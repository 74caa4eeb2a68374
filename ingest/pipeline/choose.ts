import type { Settings } from "../../runtime/config/index.ts";
import { usageError } from "../../runtime/errors/index.ts";
import {
  blueskyReplaySource,
  blueskySource,
  checkAppViewUrl,
  checkJetstreamUrl,
  defaultCursorPath,
  RulesFile,
} from "../sources/bluesky/index.ts";
import { parseSpeed, replaySource } from "../sources/replay/index.ts";
import { synthOptionsFrom, synthSource } from "../sources/synth/index.ts";
import { type XBackoff, xStreamSource } from "../sources/x-stream/index.ts";
import type { Source } from "../types.ts";

export const SOURCE_KINDS = ["x", "replay", "synth", "bluesky", "bluesky-replay"] as const;

/** Where the local topic rules live unless `--rules-file` says otherwise. */
export const DEFAULT_RULES_FILE = "trends.rules.json";
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The flags of `trends ingest` that pick and configure the source. */
export interface SourceChoice {
  kind: SourceKind;
  /** Replay: the recorded payload file. */
  file?: string | undefined;
  /** Replay: `max`, `1` (recorded pace), `10`… */
  speed?: string | undefined;
  /** Synth: tweets, seed, start, minutes (as `trends synth`). */
  tweets?: number | undefined;
  seed?: string | undefined;
  start?: string | undefined;
  minutes?: number | undefined;
  /** X: another origin speaking X's API (tests, a proxy). */
  xApiUrl?: string | undefined;
  xBackoff?: Partial<XBackoff>;
  xKeepAliveMs?: number;
  /** Bluesky: the local rules file, Jetstream endpoints, AppView origin, cursor file. */
  rulesFile?: string | undefined;
  jetstreamUrl?: readonly string[] | undefined;
  appViewUrl?: string | undefined;
  cursorFile?: string | undefined;
  /** Bluesky: the sink and where it writes (`dir:/abs/out`, `firehose:NAME`); keys the default cursor. */
  sinkId?: string | undefined;
  /** The ingest clock (`--arrival event-time`): Bluesky replay's mapper stamps `ingested_at` with it. */
  now?: (() => number) | undefined;
  /** Bluesky: tests shorten the silence timeout and the backoff. */
  blueskySilenceMs?: number;
  blueskyBackoffMs?: number;
}

/** Bluesky's cursor file: `--cursor-file`, else one keyed by the rules and the sink. */
export const blueskyCursorPath = (c: SourceChoice, settings: Settings): string =>
  c.cursorFile ??
  defaultCursorPath(
    settings.cacheDir,
    new RulesFile(c.rulesFile ?? DEFAULT_RULES_FILE).list(),
    c.sinkId ?? "",
  );

/** Builds the source `--source` names; flags that do not fit it are usage errors. */
export function createSource(c: SourceChoice, settings: Settings): Source {
  switch (c.kind) {
    case "x":
      return xStreamSource({
        bearerToken: settings.xBearerToken,
        apiUrl: c.xApiUrl,
        ...(c.xBackoff ? { backoff: c.xBackoff } : {}),
        ...(c.xKeepAliveMs ? { keepAliveMs: c.xKeepAliveMs } : {}),
      });
    case "replay":
      if (!c.file) throw usageError("--source replay needs --file FILE", "add --file payloads.ndjson");
      return replaySource({ file: c.file, speed: parseSpeed(c.speed) });
    case "synth": {
      if (c.tweets === undefined)
        throw usageError(
          "--source synth needs --tweets N",
          "add --tweets 10000 (and --seed, --start, --minutes)",
        );
      const minutes = c.minutes ?? 60;
      const start =
        c.start ?? new Date(Math.floor(Date.now() / 60_000) * 60_000 - minutes * 60_000).toISOString();
      return synthSource(synthOptionsFrom({ tweets: c.tweets, seed: c.seed ?? "1", start, minutes }));
    }
    case "bluesky":
      // Before the rules file is read: a bad URL is named, not met at the first connect.
      for (const url of c.jetstreamUrl ?? []) checkJetstreamUrl(url);
      if (c.appViewUrl !== undefined) checkAppViewUrl(c.appViewUrl);
      return blueskySource({
        rules: new RulesFile(c.rulesFile ?? DEFAULT_RULES_FILE).compiled(),
        ...(c.jetstreamUrl ? { endpoints: c.jetstreamUrl } : {}),
        cursorFile: blueskyCursorPath(c, settings),
        ...(c.appViewUrl ? { profiles: { appViewUrl: c.appViewUrl } } : {}),
        ...(c.blueskySilenceMs ? { silenceMs: c.blueskySilenceMs } : {}),
        ...(c.blueskyBackoffMs
          ? { backoff: { baseMs: c.blueskyBackoffMs, maxMs: c.blueskyBackoffMs * 8 } }
          : {}),
      });
    case "bluesky-replay":
      if (!c.file)
        throw usageError(
          "--source bluesky-replay needs --file FILE",
          "add --file frames.ndjson (trends synth --format bluesky)",
        );
      return blueskyReplaySource({
        file: c.file,
        speed: parseSpeed(c.speed),
        rules: new RulesFile(c.rulesFile ?? DEFAULT_RULES_FILE).compiled(),
        ...(c.now ? { mapper: { now: c.now } } : {}),
      });
    default:
      throw usageError(`unknown source "${String(c.kind)}"`, `use one of ${SOURCE_KINDS.join(", ")}`);
  }
}
