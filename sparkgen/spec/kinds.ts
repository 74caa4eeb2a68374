/**
 * The kinds of metric a spec can declare. Each kind is a typed value; `compile/` turns it into
 * a Spark SQL tree. Parameters (weights, thresholds, caps, top N, stop words) live here, in the
 * spec values, never in the compiler.
 */
import type { EventSchema } from "../schema/index.ts";
import type {
  AnyColumn,
  Measure,
  NumericColumns,
  Predicate,
  RequiredArrayColumns,
  StringColumns,
  TimestampColumns,
} from "./dsl.ts";
import type { MetricKindSpec } from "./metric-kind.ts";

type Ev = EventSchema;

export interface SpecBase {
  /** Result table and temp view name: lower_snake_case. */
  readonly name: string;
  /** Repository path of the file declaring the spec; named by every error and generated header. */
  readonly source: string;
  /** One line for the generated header. */
  readonly description: string;
}

/** Per (window, topic): one row of aggregates over the topic's events. */
export interface AggregateSpec<
  M extends Readonly<Record<string, Measure>> = Readonly<Record<string, Measure>>,
> extends SpecBase {
  readonly kind: "aggregate";
  readonly measures: M;
}

/** Which event columns play which part in the influencer metric. */
export interface InfluencerColumns {
  readonly id: StringColumns<Ev>;
  readonly author: StringColumns<Ev>;
  readonly username: StringColumns<Ev>;
  readonly followers: NumericColumns<Ev>;
  readonly retweetCount: NumericColumns<Ev>;
  readonly likeCount: NumericColumns<Ev>;
  readonly relation: StringColumns<Ev>;
  readonly refId: StringColumns<Ev>;
  readonly refAuthor: StringColumns<Ev>;
  readonly refUsername: StringColumns<Ev>;
  readonly refFollowers: NumericColumns<Ev>;
  readonly refRetweetCount: NumericColumns<Ev>;
  readonly refLikeCount: NumericColumns<Ev>;
  readonly eventTime: TimestampColumns<Ev>;
  readonly ingestedAt: TimestampColumns<Ev>;
}

export interface InfluencerWeights {
  readonly retweets: number;
  readonly favourites: number;
  readonly followers: number;
  readonly depth: number;
}

/** Per (window, topic): authors ranked by a weighted score of normalised components. */
export interface InfluencerSpec extends SpecBase {
  readonly kind: "influencer";
  readonly columns: InfluencerColumns;
  /** The `relation` value of a retweet (its public metrics are the original's). */
  readonly retweetRelation: string;
  readonly weights: InfluencerWeights;
  /** Reference chains longer than this count as this long (unrolled joins, no WITH RECURSIVE). */
  readonly depthCap: number;
  readonly topN: number;
}

/** Per (window, topic): the most frequent words of a text column. */
export interface WordSpec extends SpecBase {
  readonly kind: "words";
  readonly text: StringColumns<Ev>;
  /** Which events contribute words. */
  readonly include: Predicate;
  /** Regular expressions (Java syntax) of spans removed before splitting: URLs, @mentions. */
  readonly drop: readonly string[];
  /** Characters that make up a token; everything else splits (a Java regex character class body). */
  readonly tokenChars: string;
  /** Characters trimmed from both ends of a token. */
  readonly trimChars: string;
  /** Minimum token length, not counting the characters in `notCounted`. */
  readonly minLength: number;
  readonly notCounted: string;
  /** Drop tokens made only of digits. */
  readonly dropNumbers: boolean;
  readonly stopWords: readonly string[];
  readonly topN: number;
}

export interface AlertLevel {
  /** The drop must be at least this much… */
  readonly minDrop: number;
  /** …and at least this many sample standard deviations of the baseline. */
  readonly sdFactor: number;
}

/** Per (window, topic): an alert when a score column drops against the previous windows. */
export interface AlertSpec<M extends Readonly<Record<string, Measure>> = Readonly<Record<string, Measure>>>
  extends SpecBase {
  readonly kind: "alert";
  /** The aggregate whose current row and stored history are compared. */
  readonly from: AggregateSpec<M>;
  readonly score: keyof M & string;
  readonly scored: keyof M & string;
  /** Both the window and each baseline window need at least this many scored events. */
  readonly minScored: number;
  /** How many windows before W are looked at… */
  readonly baselineWindows: number;
  /** …and how many of them (with enough scored events) are needed. */
  readonly minBaselineWindows: number;
  readonly warning: AlertLevel;
  readonly critical: AlertLevel;
}

export type MetricSpec = AggregateSpec | InfluencerSpec | WordSpec | AlertSpec | MetricKindSpec;

/** The step that computes every metric for one window. */
export interface JobSpec {
  readonly name: string;
  readonly source: string;
  readonly description: string;
  /** Default window size; must divide a day. */
  readonly windowMinutes: number;
  readonly eventTime: TimestampColumns<Ev>;
  readonly dedup: { readonly key: AnyColumn<Ev>; readonly latest: TimestampColumns<Ev> };
  /** Topic of every event (`all`) plus one per tag in `column`. */
  readonly topics: { readonly all: string; readonly column: RequiredArrayColumns<Ev> };
  readonly metrics: readonly MetricSpec[];
}
