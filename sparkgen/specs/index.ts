/**
 * The shipped specs: the metrics of docs/contracts.md and the job that runs them. `windowJob` is
 * every spec module of this folder that is not a draft (`sparkgen/load`); the named exports are
 * for tests and readers of one spec. Import this module only where specs are needed, lazily from
 * commands, so a broken spec does not stop the others.
 */
import { loadJob } from "../load/index.ts";
import type { JobSpec } from "../spec/kinds.ts";

export { domainWindow } from "./domain-window.ts";
export { emojiWindow } from "./emoji-window.ts";
export { hashtagWindow } from "./hashtag-window.ts";
export { influencerWindow } from "./influencer-window.ts";
export { languageWindow } from "./language-window.ts";
export { mentionWindow } from "./mention-window.ts";
export { sentimentAlert } from "./sentiment-alert.ts";
export { sentimentWindow } from "./sentiment-window.ts";
export { shareOfVoiceWindow } from "./share-of-voice-window.ts";
export { ENGLISH_STOP_WORDS } from "./stop-words.ts";
export { trendingHashtagAlert } from "./trending-hashtag-alert.ts";
export { volumeAlert } from "./volume-alert.ts";
export { volumeMinute } from "./volume-minute.ts";
export { wordWindow } from "./word-window.ts";

export const windowJob: JobSpec = await loadJob();
