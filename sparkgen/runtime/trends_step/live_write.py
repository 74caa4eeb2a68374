"""A refresh's write: one transaction per open window, replacing its provisional rows and alerts.

The window's `live_window` row is locked first (`FOR UPDATE`); the final commit of the window takes
the same row's lock when it marks it final (live_settle.py). So either this transaction commits
first and the final one deletes what it wrote, or the final one commits first and this one finds
the window final and writes nothing. No provisional row outlives its final. The tables:
sql/migrations/0016_live_windows.ts; the contract: docs/contracts.md, "Live windows".
"""

OPEN_SQL = (
    'INSERT INTO "live_window" ("window_start", "window_end") VALUES (?, ?) ON CONFLICT ("window_start") DO NOTHING'
)
LOCK_SQL = 'SELECT CAST("final" AS text) FROM "live_window" WHERE "window_start" = ? FOR UPDATE'
DELETE_ROWS_SQL = 'DELETE FROM "provisional_row" WHERE "window_start" = ?'
INSERT_ROWS_SQL = (
    'INSERT INTO "provisional_row" ("metric", "window_start", "window_end", "topic", "row") '
    "SELECT ?, ?, ?, e ->> 'topic', e FROM jsonb_array_elements(CAST(? AS jsonb)) AS e"
)
# Alerts that no longer hold on this refresh go; those that still hold keep their first_seen_at.
DELETE_ALERTS_SQL = (
    'DELETE FROM "live_alert" WHERE "window_start" = ? AND "state" = \'provisional\' '
    "AND (\"kind\", \"topic\") NOT IN (SELECT a ->> 'kind', a ->> 'topic' FROM jsonb_array_elements(CAST(? AS jsonb)) AS a)"
)
UPSERT_ALERTS_SQL = (
    'INSERT INTO "live_alert" ("kind", "window_start", "window_end", "topic", "state", "severity", '
    '"elapsed_minutes", "rate_scale", "row") '
    "SELECT a ->> 'kind', ?, ?, a ->> 'topic', 'provisional', a ->> 'severity', ?, ?, a -> 'row' "
    "FROM jsonb_array_elements(CAST(? AS jsonb)) AS a "
    'ON CONFLICT ("kind", "window_start", "topic") DO UPDATE SET "severity" = excluded."severity", '
    '"elapsed_minutes" = excluded."elapsed_minutes", "rate_scale" = excluded."rate_scale", '
    '"row" = excluded."row", "updated_at" = now() WHERE "live_alert"."state" = \'provisional\''
)
REFRESHED_SQL = 'UPDATE "live_window" SET "events" = ?, "refreshed_at" = now() WHERE "window_start" = ?'


def write_provisional(db, window, metric_rows, alerts, elapsed_minutes, rate_scale, events):
    """Replaces the window's provisional rows (`metric_rows`: {metric: JSON array of row objects})
    and alerts (`alerts`: JSON array of {kind, topic, severity, row}). Returns False, writing
    nothing, when the window is already final."""
    start, end = db.instant(window[0]), db.instant(window[1])
    db.conn.setAutoCommit(False)
    try:
        db.update(OPEN_SQL, [start, end])
        if db.query(LOCK_SQL, [start], 1) == [("true",)]:
            db.conn.rollback()
            return False
        db.update(DELETE_ROWS_SQL, [start])
        for metric, rows in metric_rows.items():
            db.update(INSERT_ROWS_SQL, [metric, start, end, rows])
        db.update(DELETE_ALERTS_SQL, [start, alerts])
        db.update(UPSERT_ALERTS_SQL, [start, end, float(elapsed_minutes), float(rate_scale), alerts])
        db.update(REFRESHED_SQL, [events, start])
        db.conn.commit()
        return True
    except Exception:
        db.conn.rollback()
        raise
    finally:
        db.conn.setAutoCommit(True)
