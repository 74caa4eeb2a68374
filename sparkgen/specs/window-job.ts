import { define } from "../spec/define.ts";
import { domainWindow } from "./domain-window.ts";
import { emojiWindow } from "./emoji-window.ts";
import { hashtagWindow } from "./hashtag-window.ts";
import { influencerWindow } from "./influencer-window.ts";
import { languageWindow } from "./language-window.ts";
import { mentionWindow } from "./mention-window.ts";
import { sentimentAlert } from "./sentiment-alert.ts";
import { sentimentWindow } from "./sentiment-window.ts";
import { shareOfVoiceWindow } from "./share-of-voice-window.ts";
import { volumeAlert } from "./volume-alert.ts";
import { volumeMinute } from "./volume-minute.ts";
import { wordWindow } from "./word-window.ts";

/** The step run once per closed window (docs/contracts.md "Windows"). Order matters: the alerts read sentiment. */
export const windowJob = define.job(import.meta.url, {
  name: "window_job",
  description: "every metric of one window, written atomically to PostgreSQL",
  windowMinutes: 15,
  eventTime: "created_at",
  dedup: { key: "id", latest: "ingested_at" },
  topics: { all: "*", column: "rules" },
  metrics: [
    sentimentWindow,
    influencerWindow,
    wordWindow,
    hashtagWindow,
    mentionWindow,
    domainWindow,
    emojiWindow,
    languageWindow,
    shareOfVoiceWindow,
    volumeMinute,
    sentimentAlert,
    volumeAlert,
  ],
});
