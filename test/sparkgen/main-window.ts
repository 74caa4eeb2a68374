import { fixtureRoot, windowOf } from "./support.ts";

/*
 * The generated window step over test/fixtures/sparkgen/main (records in generate.ts), checked
 * against results worked out by hand from docs/contracts.md, "Metrics". Three spark-submits: the window,
 * its rerun, and an empty window.
 *
 * Window W = [2026-11-26T04:45Z, 05:00Z); inputs 03/ (missing), 04/, 05/.
 * Input: 30 lines = 8 bad (2 unparseable, 6 breaking the contract: v=2, score 1.5, null id,
 * ref_type "liked", followers "many", created_at "26/11/2026 04:50") + 22 records; 1001 is
 * delivered twice (the 05/ copy, ingested later, wins) and 1003 twice (identical) → 2 duplicates;
 * 1007 (05:00:00.000, the end), 1008 (04:44:59.999) and 1009 (04:30) are outside W → 17 events.
 *
 * Records in W (topics):
 *   1001 alice  (acme)       score  0.5  mag 0.5   rt 4  likes 12  followers 1010 (1020 in the lost copy)
 *   1002 bob    (acme,zeta)  score -0.5  mag 0.75  likes 1, followers 200, reply to 1001
 *                            (reports 1001: rt 5, likes 12, alice's followers 1010)
 *   1003 carol  (acme)       score  0.5  mag 0.5   retweet of 1001 (reports rt 4, likes 12, 1010)
 *   1004 carol_c(acme)       score null            retweet of rex's 777 (reports rt 100, likes 300, 20000)
 *   1005 bob    (acme)       score  0.25 mag 0.25  likes 2, followers 210
 *   1006 dave   ()           score null            followers 0
 *   1010 erin   (zeta)       score  0.75 mag 1     rt 2, likes 3, followers 7
 *   501…510 uma/vic (chain)  score 0 mag 0.5, followers 300; 501 quotes rita's 500 (reports rt 40,
 *                            likes 90, followers 5000); 50k replies to/quotes 50(k-1)
 */
export const W = windowOf("2026-11-26T04:45:00.000Z");
export const MAIN = fixtureRoot("main");
const END = W.end.toISOString();

/** ln values used below (natural log). */
// ln 2 = 0.693147, ln 3 = 1.098612, ln 4 = 1.386294, ln 6 = 1.791759, ln 8 = 2.079442, ln 9 = 2.197225,
// ln 13 = 2.564949, ln 41 = 3.713572, ln 51 = 3.931826, ln 91 = 4.510860, ln 101 = 4.615121,
// ln 201 = 5.303305, ln 211 = 5.351858, ln 301 = 5.707110, ln 1011 = 6.918695, ln 5001 = 8.517393,
// ln 20001 = 9.903538

export const EXPECTED_STATS = { rows_read: 30, bad_records: 8, duplicates: 2, events: 17 };

export const EXPECTED_SENTIMENT = [
  // *: 17 tweets; scored: 0.5, -0.5, 0.5, 0.25, 0.75 and ten 0 → 15; avg 1.5/15 = 0.1;
  // magnitudes 0.5+0.75+0.5+0.25+1+10·0.5 = 8 → 8/15; ≥ 0.25: 1001, 1003, 1005, 1010 → 4/15; ≤ −0.25: 1002 → 1/15
  {
    topic: "*",
    window_end: END,
    n_tweets: 17,
    n_scored: 15,
    avg_score: 0.1,
    avg_magnitude: 0.533333333,
    pos_share: 0.266666667,
    neg_share: 0.066666667,
  },
  // acme: 1001…1005 → 5; scored 0.5, -0.5, 0.5, 0.25 → 4; avg 0.75/4 = 0.1875; mag 2/4 = 0.5;
  // pos: 0.5, 0.5, 0.25 (the boundary counts) → 3/4; neg: -0.5 → 1/4
  {
    topic: "acme",
    window_end: END,
    n_tweets: 5,
    n_scored: 4,
    avg_score: 0.1875,
    avg_magnitude: 0.5,
    pos_share: 0.75,
    neg_share: 0.25,
  },
  // chain: ten tweets scored 0, magnitude 0.5
  {
    topic: "chain",
    window_end: END,
    n_tweets: 10,
    n_scored: 10,
    avg_score: 0,
    avg_magnitude: 0.5,
    pos_share: 0,
    neg_share: 0,
  },
  // zeta: 1002 (-0.5, 0.75) and 1010 (0.75, 1) → avg 0.125, mag 0.875, pos 1/2, neg 1/2
  {
    topic: "zeta",
    window_end: END,
    n_tweets: 2,
    n_scored: 2,
    avg_score: 0.125,
    avg_magnitude: 0.875,
    pos_share: 0.5,
    neg_share: 0.5,
  },
];

const inf = (
  topic: string,
  rank: number,
  author_id: string,
  username: string,
  score: number,
  tweets: number,
  retweets: number,
  favourites: number,
  followers: number,
  depth: number,
) => ({ topic, rank, author_id, username, score, tweets, retweets, favourites, followers, depth });

/*
 * Influencers. Per author: tweets = own records; retweets = Σ rt(P), rt(P) = max(reported retweet
 * counts of P, retweets of P in (W,T)); favourites = Σ max reported likes; followers = max reported;
 * depth = longest reference chain ending at one of the author's tweets, capped at 8.
 * score = 0.35·c(rt) + 0.25·c(fav) + 0.25·c(followers) + 0.15·c(depth), c(x) = ln(1+x)/ln(1+max x).
 */
export const EXPECTED_INFLUENCERS = [
  // * — max rt 100 (rex), fav 300 (rex), followers 20000 (rex), depth 8 (the chain)
  // rex:   0.35·1 + 0.25·1 + 0.25·1 + 0.15·ln2/ln9 (0.315465) = 0.897320
  inf("*", 1, "202", "rex", 0.897319732, 0, 100, 300, 20000, 1),
  // rita:  0.35·ln41/ln101 (0.804653) + 0.25·ln91/ln301 (0.790393) + 0.25·ln5001/ln20001 (0.860035) + 0.15·1
  //        = 0.281629 + 0.197598 + 0.215009 + 0.15 = 0.844236  (depth: 510→…→501→500 is 10, capped at 8)
  inf("*", 2, "201", "rita", 0.844235749, 0, 40, 90, 5000, 8),
  // alice: 1001: rt = max(4, 5 reported by 1002, 4 by 1003, 1 retweet) = 5; likes max(12, 12, 12) = 12;
  //        followers max(1010, 1010, 1010) = 1010 (the lost copy's 1020 must not count); depth 1
  //        0.35·ln6/ln101 (0.388237) + 0.25·ln13/ln301 (0.449430) + 0.25·ln1011/ln20001 (0.698608)
  //        + 0.15·ln2/ln9 (0.315465) = 0.135883 + 0.112358 + 0.174652 + 0.047320 = 0.470212
  inf("*", 3, "101", "alice", 0.47021234, 1, 5, 12, 1010, 1),
  // uma and vic: 0.25·ln301/ln20001 (0.576270) + 0.15·1 = 0.294067; equal scores and followers →
  // author_id ascending as text: "1000" < "900". uma's 501 heads a 9-record chain, vic's 502 an
  // 8-record one: both 8.
  inf("*", 4, "1000", "uma", 0.294067467, 5, 0, 0, 300, 8),
  inf("*", 5, "900", "vic", 0.294067467, 5, 0, 0, 300, 8),
  // erin: 0.35·ln3/ln101 (0.238046) + 0.25·ln4/ln301 (0.242907) + 0.25·ln8/ln20001 (0.209970)
  //       = 0.083316 + 0.060727 + 0.052493 = 0.196535
  inf("*", 6, "105", "erin", 0.196535225, 1, 2, 3, 7, 0),
  // bob: likes 1 + 2 = 3, followers max(200, 210) = 210:
  //      0.25·ln4/ln301 (0.242907) + 0.25·ln211/ln20001 (0.540399) = 0.060727 + 0.135100 = 0.195826
  inf("*", 7, "102", "bob", 0.195826291, 2, 0, 3, 210, 0),
  // carol: only retweets (their metrics are the originals'): 0.25·ln51/ln20001 (0.397012) = 0.099253;
  //        username of her latest record (1004): carol_c
  inf("*", 8, "103", "carol_c", 0.09925306, 2, 0, 0, 50, 0),
  // dave: everything 0
  inf("*", 9, "104", "dave", 0, 1, 0, 0, 0, 0),

  // acme — max rt 100, fav 300, followers 20000, depth 1
  inf("acme", 1, "202", "rex", 1, 0, 100, 300, 20000, 1),
  // alice: 0.35·0.388237 + 0.25·0.449430 + 0.25·0.698608 + 0.15·ln2/ln2 = 0.572893
  inf("acme", 2, "101", "alice", 0.572892608, 1, 5, 12, 1010, 1),
  inf("acme", 3, "102", "bob", 0.195826291, 2, 0, 3, 210, 0),
  inf("acme", 4, "103", "carol_c", 0.09925306, 2, 0, 0, 50, 0),

  // chain — max rt 40, fav 90, followers 5000, depth 8
  inf("chain", 1, "201", "rita", 1, 0, 40, 90, 5000, 8),
  // 0.25·ln301/ln5001 (0.670054) + 0.15 = 0.317513, a tie broken by author_id as text
  inf("chain", 2, "1000", "uma", 0.317513409, 5, 0, 0, 300, 8),
  inf("chain", 3, "900", "vic", 0.317513409, 5, 0, 0, 300, 8),

  // zeta (1002, 1010) — alice is known only through 1002's reference: rt 5, likes 12, followers 1010,
  // depth 1 — all the maxima → 1
  inf("zeta", 1, "101", "alice", 1, 0, 5, 12, 1010, 1),
  // erin: 0.35·ln3/ln6 (0.613147) + 0.25·ln4/ln13 (0.540476) + 0.25·ln8/ln1011 (0.300554) = 0.424859
  inf("zeta", 2, "105", "erin", 0.424859095, 1, 2, 3, 7, 0),
  // bob (1002 only): 0.25·ln2/ln13 (0.270238) + 0.25·ln201/ln1011 (0.766518) = 0.259189
  inf("zeta", 3, "102", "bob", 0.259189056, 1, 0, 1, 200, 0),
];

const words = (topic: string, list: [string, number][]) =>
  list.map(([word, count], i) => ({ topic, rank: i + 1, word, count }));

/*
 * Words: retweets (1003, 1004) excluded; URLs and @mentions dropped; split on anything but letters,
 * digits, _, # and '; ' trimmed ('great' → great); 3+ characters not counting # (#ab dropped);
 * digits-only (2026) and short (ok, at, is) dropped; stop words (the, and) dropped.
 *   1001: loving, shiny, #acme, phone            (the, https://acme.com/p/1, @bob dropped)
 *   1002: battery ×2, drains, fast, awful         (@alice, the, is dropped)
 *   1005: acme's, support, team's, great, tips, b2b, #acme, fans   (#acme-fans → #acme, fans)
 *   1006: zzz, quiet, night      1010: zeta ×3, launch      501…510: chain ×10, reaction ×10
 * Ranked by count desc, then word asc (byte order: # < digits < letters).
 */
const ONES_ACME: [string, number][] = [
  ["acme's", 1],
  ["awful", 1],
  ["b2b", 1],
  ["drains", 1],
  ["fans", 1],
  ["fast", 1],
  ["great", 1],
  ["loving", 1],
  ["phone", 1],
  ["shiny", 1],
  ["support", 1],
  ["team's", 1],
  ["tips", 1],
];
export const EXPECTED_WORDS = [
  ...words("*", [
    ["chain", 10],
    ["reaction", 10],
    ["zeta", 3],
    ["#acme", 2],
    ["battery", 2],
    ["acme's", 1],
    ["awful", 1],
    ["b2b", 1],
    ["drains", 1],
    ["fans", 1],
    ["fast", 1],
    ["great", 1],
    ["launch", 1],
    ["loving", 1],
    ["night", 1],
    ["phone", 1],
    ["quiet", 1],
    ["shiny", 1],
    ["support", 1],
    ["team's", 1],
    ["tips", 1],
    ["zzz", 1],
  ]),
  ...words("acme", [["#acme", 2], ["battery", 2], ...ONES_ACME]),
  ...words("chain", [
    ["chain", 10],
    ["reaction", 10],
  ]),
  ...words("zeta", [
    ["zeta", 3],
    ["battery", 2],
    ["awful", 1],
    ["drains", 1],
    ["fast", 1],
    ["launch", 1],
  ]),
];
