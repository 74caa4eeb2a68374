export { FRAME_LIMITS } from "./connection.ts";
export { CursorFile, defaultCursorPath, lockCursor } from "./cursor.ts";
export { checkAppViewUrl, checkJetstreamUrl } from "./endpoints.ts";
export { COLLECTIONS, entitiesOf } from "./frames.ts";
export { type HandlesOptions, PROFILES_PER_CALL, ProfileCache, PUBLIC_APPVIEW } from "./handles.ts";
export { BlueskyMapper, type MapperOptions } from "./mapper.ts";
export {
  type BlueskyReplayOptions,
  blueskyReplaySource,
  profilesPathFor,
  type RecordedProfiles,
} from "./replay.ts";
export { type CompiledRule, compileRule, type LocalRule, matchRules } from "./rules.ts";
export { RULES_LIMITS, RulesFile } from "./rules-file.ts";
export {
  type BlueskyOptions,
  type BlueskyStats,
  blueskySource,
  JETSTREAM_ENDPOINTS,
  subscribeUrl,
  timeUsOf,
} from "./source.ts";
