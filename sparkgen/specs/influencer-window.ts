import { define } from "../spec/define.ts";
import { EXPECTED_INFLUENCERS, MAIN_CASE } from "./fixtures/main.ts";

/** docs/contracts.md "Influencers": retweets, favourites, followers and reference depth, normalised and weighted. */
export const influencerWindow = define.influencer(import.meta.url, {
  name: "influencer_window",
  description: "who is influential: authors ranked by normalised retweets, favourites, followers and depth",
  columns: {
    id: "id",
    author: "author_id",
    username: "author_username",
    followers: "author_followers",
    retweetCount: "retweet_count",
    likeCount: "like_count",
    relation: "ref_type",
    refId: "ref_id",
    refAuthor: "ref_author_id",
    refUsername: "ref_author_username",
    refFollowers: "ref_author_followers",
    refRetweetCount: "ref_retweet_count",
    refLikeCount: "ref_like_count",
    eventTime: "created_at",
    ingestedAt: "ingested_at",
  },
  retweetRelation: "retweeted",
  weights: { retweets: 0.35, favourites: 0.25, followers: 0.25, depth: 0.15 },
  depthCap: 8,
  topN: 100,
});

/** The main fixture, worked out by hand beside its records (sparkgen/specs/fixtures/main.ts). */
export const influencerWindowCases = define.cases(import.meta.url, influencerWindow, [
  { name: "the main fixture, by hand", ...MAIN_CASE, expect: EXPECTED_INFLUENCERS },
]);
