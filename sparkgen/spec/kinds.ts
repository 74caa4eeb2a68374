/**
 * The kinds of metric a spec can declare. Each kind is a typed value; `compile/` turns it into
 * a Spark SQL tree. Parameters (weights, thresholds, caps, top N, stop words) live here, in the
 * spec values, never in the compiler.
 */
import type { EventSchema } from "../schema/index.ts";
import type { AlertSpec } from "./alert-kind.ts";
import type {
  AnyColumn,
  Measure,
  NumericColumns,
  RequiredArrayColumns,
  StringColumns,
  TimestampColumns,
} from "./dsl.ts";
import type { GeneralMetricSpec } from "./metric-kind.ts";

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

/** A spec of any kind: what a job's `metrics` hold (`GeneralMetricSpec` is the one of kind `metric`). */
export type MetricSpec = AggregateSpec | InfluencerSpec | AlertSpec | GeneralMetricSpec;

/** The step that computes every metric for one window, as its module declares it (no metrics). */
export interface JobSettings {
  readonly name: string;
  readonly source: string;
  readonly description: string;
  /** Default window size; must divide a day. */
  readonly windowMinutes: number;
  readonly eventTime: TimestampColumns<Ev>;
  /**
   * One event per `key` per window: the copy with the latest `latest`, then the highest `ties`
   * (copies delivered at the same instant are the same delivery; the ties only make the pick
   * deterministic).
   */
  readonly dedup: {
    readonly key: AnyColumn<Ev>;
    readonly latest: TimestampColumns<Ev>;
    readonly ties: readonly AnyColumn<Ev>[];
  };
  /** Topic of every event (`all`) plus one per tag in `column`. */
  readonly topics: { readonly all: string; readonly column: RequiredArrayColumns<Ev> };
}

/** A job: its settings and its metrics, each after the metrics it reads. */
export interface JobSpec extends JobSettings {
  readonly metrics: readonly MetricSpec[];
}
