import { readFileSync } from "node:fs";
import { usageError } from "../../../runtime/errors/index.ts";
import type { Source } from "../../types.ts";
import { type ReplaySpeed, replaySource } from "../replay/index.ts";
import { ProfileCache } from "./handles.ts";
import { BlueskyMapper, type MapperOptions } from "./mapper.ts";
import type { CompiledRule } from "./rules.ts";
import { timeUsOf } from "./source.ts";

/** Profiles recorded beside a frames file (`FILE.profiles.json`): DID → handle and followers. */
export type RecordedProfiles = Record<string, { handle: string; followers: number }>;

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
  let preload: RecordedProfiles = {};
  const path = profilesPathFor(o.file);
  try {
    preload = JSON.parse(readFileSync(path, "utf8")) as RecordedProfiles;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw usageError(`${path} is not a profiles file`, "re-record it or delete it");
  }
  const profiles = new ProfileCache({ preload, offline: true });
  return {
    name: "bluesky-replay",
    messages: (signal) => inner.messages(signal),
    normaliser() {
      const mapper = new BlueskyMapper({ ...o.mapper, rules: o.rules, handles: profiles });
      return (raw) => mapper.map(raw);
    },
    enrich: (records, signal) => profiles.enrich(records, signal),
  };
}
