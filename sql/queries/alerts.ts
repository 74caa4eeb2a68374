/**
 * Alerts are read as the generated row types (sql/generated/tables.ts), under their SQL names:
 * what the step stored, threshold and rule included, so no reader re-derives or renames anything.
 */
import type { Kysely, Selectable } from "kysely";
import type {
  AlertDetails,
  AlertKind,
  AlertOwnColumn,
  AlertsView,
  Database,
  SentimentAlert,
  Views,
} from "../database.ts";
import { ALERT_OWN_COLUMNS } from "../generated/tables.ts";
import { checkRange, type RangeQuery } from "./range.ts";

export interface AlertsQuery extends RangeQuery {
  /** Every topic instead of `topic`. */
  allTopics?: boolean;
}

/** Sentiment alerts over a range, newest first (then topic); default limit 100. */
export async function sentimentAlerts(db: Kysely<Database>, q: AlertsQuery): Promise<SentimentAlert[]> {
  const { topic, limit } = checkRange(q, 100);
  let query = db
    .selectFrom("sentiment_alert")
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to);
  if (!q.allTopics) query = query.where("topic", "=", topic);
  return query.selectAll().orderBy("window_start", "desc").orderBy("topic", "asc").limit(limit).execute();
}

/**
 * One row of the `alerts` view: every kind of alert in one shape, with the entity of a trend
 * alert (`dimension`, `entity`), and its kind's own columns in `details` instead of beside the
 * others' NULLs.
 */
export type AnyAlertRow = Omit<Selectable<AlertsView>, AlertOwnColumn> & { details: AlertDetails };

/** The view's own columns, from the generated list: a new alert spec's columns come with it. */
const OWN = Object.entries(ALERT_OWN_COLUMNS) as [AlertOwnColumn, { kinds: readonly string[] }][];

export interface AnyAlertsQuery extends AlertsQuery {
  /** Only this kind. */
  kind?: AlertKind;
}

/** Every alert of every kind over a range (the `alerts` view), newest first, then topic, kind and entity; default limit 100. */
export async function allAlerts(db: Kysely<Database>, q: AnyAlertsQuery): Promise<AnyAlertRow[]> {
  const { topic, limit } = checkRange(q, 100);
  let query = db
    .withTables<Views>()
    .selectFrom("alerts")
    .where("window_start", ">=", q.from)
    .where("window_start", "<", q.to);
  if (!q.allTopics) query = query.where("topic", "=", topic);
  if (q.kind !== undefined) query = query.where("kind", "=", q.kind);
  const rows = await query
    .selectAll()
    .orderBy("window_start", "desc")
    .orderBy("topic", "asc")
    .orderBy("kind", "asc")
    .orderBy("entity", "asc")
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const common = Object.fromEntries(
      Object.entries(r).filter(([c]) => !Object.hasOwn(ALERT_OWN_COLUMNS, c)),
    );
    const details = Object.fromEntries(
      OWN.filter(([, o]) => o.kinds.includes(r.kind)).map(([c]) => [c, r[c]]),
    );
    return { ...(common as Omit<typeof r, AlertOwnColumn>), details };
  });
}
