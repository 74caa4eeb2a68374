/** `trends sparkgen new NAME`: a working metric spec with one test case, to edit from. Pure. */

export const SPEC_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export const specFileOf = (name: string): string => `${name.replaceAll("_", "-")}.ts`;

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function scaffoldSpec(name: string): string {
  const v = camel(name);
  return `import { define } from "../spec/define.ts";
import { e } from "./events.ts";

/** ${name}: what it tells a listening team (one line; it heads the generated SQL). */
export const ${v} = define.metric(import.meta.url, {
  name: "${name}",
  description: "records and distinct authors per language, retweets excluded",
  where: e.differsFrom("ref_type", "retweeted"),
  dimensions: { lang: e.ifNull("lang", "und") },
  measures: { count: e.count(), authors: e.countDistinct("author_id") },
  rank: { top: 10, by: "count" },
});

/** \`trends sparkgen test ${name}\` runs these (sparkgen/README.md, "Spec tests"). */
export const ${v}Cases = define.cases(import.meta.url, ${v}, [
  {
    name: "counts records and distinct authors; a retweet does not count",
    given: [
      { author_id: "alice" },
      { author_id: "alice", at: "05:00" },
      { author_id: "bob", lang: "fr" },
      { author_id: "carol", ref_type: "retweeted" },
    ],
    where: { topic: "*" },
    expect: [
      { lang: "en", count: 2, authors: 1, rank: 1 },
      { lang: "fr", count: 1, authors: 1, rank: 2 },
    ],
  },
]);
`;
}
