/** The shipped specs: the metrics of docs/contracts.md and the job that runs them. */
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
export { volumeAlert } from "./volume-alert.ts";
export { volumeMinute } from "./volume-minute.ts";
export { windowJob } from "./window-job.ts";
export { wordWindow } from "./word-window.ts";
