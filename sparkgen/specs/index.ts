/** The shipped specs: the metrics of docs/contracts.md and the job that runs them. */
export { influencerWindow } from "./influencer-window.ts";
export { sentimentAlert } from "./sentiment-alert.ts";
export { sentimentWindow } from "./sentiment-window.ts";
export { ENGLISH_STOP_WORDS } from "./stop-words.ts";
export { volumeAlert } from "./volume-alert.ts";
export { windowJob } from "./window-job.ts";
export { wordWindow } from "./word-window.ts";
