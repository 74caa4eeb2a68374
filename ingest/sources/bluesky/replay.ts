import { readFileSync } from "node:fs";
import { isValidDid, isValidHandle } from "@atproto/syntax";
import { z } from "zod";
import { usageError } from "../../../runtime/errors/index.ts";
import { isCount } from "../../normalise/index.ts";
import type { Source } from "../../types.ts";
import { type ReplaySpeed, replaySource } from "../replay/index.ts";
import { ProfileCache } from "./handles.ts";
import { BlueskyMapper, type MapperOptions } from "./mapper.ts";
import type { CompiledRule } from "./rules.ts";
import { timeUsOf } from "./source.ts";

/**
 * Profiles recorded beside a frames file (`FILE.profiles.json`): DID → handle and followers, each
 * checked as the AppView's answers are (a handle by the AT Protocol's syntax, a count in range).
 */
const RecordedProfiles = z.record(
  z.string().refine(isValidDid, "not a DID"),
  z.strictObject({
    handle: z.string().refine(isValidHandle, "not a handle"),
    followers: z.custom<number>(isCount, "not a follower count (an integer ≥ 0)"),
  }),
);
export type RecordedProfiles = z.infer<typeof RecordedProfiles>;

/** The profiles file, or none when there is no such file; a broken one is the user's to fix. */
function readProfiles(path: string): RecordedProfiles {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw usageError(
      `${path} cannot be read (${(e as NodeJS.ErrnoException).code})`,
      "re-record it or delete it",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError(`${path} is not JSON`, "re-record it or delete it");
  }
  const parsed = RecordedProfiles.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // The entry is named by its position: its key is file content, not safe to echo.
  const at =
    issue.path.length > 0
      ? `entry ${Object.keys(json as object).indexOf(String(issue.path[0])) + 1}`
      : "the file";
  throw usageError(`${path}: ${at}: ${issue.message}`, "re-record it or fix that entry");
}

export const profilesPathFor = (file: string): string => file.replace(/(\.ndjson)?$/, ".profiles.json");

export interface BlueskyReplayOptions {
  /** Recorded Jetstream frames, one JSON text per line. */
  file: string;
  rules: readonly CompiledRule[];
  speed?: ReplaySpeed;
  mapper?: Pick<MapperOptions, "likeCopyMs" | "maxTracked" | "trackMs" | "now">;
}

/**
 * `--source bluesky-replay`: recorded Jetstream frames through the same mapper as the live source,
 * offline: handles and followers come from `FILE.profiles.json` (recorded with the frames) instead
 * of the AppView; a DID missing there keeps 0 followers and its DID as username.
 */
export function blueskyReplaySource(o: BlueskyReplayOptions): Source {
  const inner = replaySource({
    file: o.file,
    speed: o.speed ?? "max",
    eventTime: (line) => {
      const us = timeUsOf(line);
      return us === undefined ? undefined : us / 1000;
    },
  });
  const profiles = new ProfileCache({ preload: readProfiles(profilesPathFor(o.file)), offline: true });
  let mapper: BlueskyMapper | undefined;
  return {
    name: "bluesky-replay",
    messages: (signal) => inner.messages(signal),
    normaliser() {
      const m = new BlueskyMapper({ ...o.mapper, rules: o.rules, handles: profiles });
      mapper = m;
      return (raw) => m.map(raw);
    },
    heldBack: () => mapper?.flush() ?? [],
    stats: () => ({ ...profiles.summary() }),
    enrich: (records, signal) => profiles.enrich(records, signal),
  };
}
