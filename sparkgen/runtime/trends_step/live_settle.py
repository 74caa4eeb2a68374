"""What a window's final commit does to its live rows, inside that commit's transaction
(write.write_window calls `settle` before it commits).

- `live_window.final` is set (inserted when live mode never saw the window), which takes the row's
  lock: a refresh of the same window waits for this transaction, then finds the window final and
  writes nothing (live_write.py), so no provisional row outlives its final.
- The window's provisional rows are deleted.
- Each provisional alert of the window becomes `confirmed` when the final alert tables (the `alerts`
  view) have the same kind, window and topic, else `withdrawn`.

The storage contract: docs/contracts.md, "Live windows"; the tables: sql/migrations/0016_live_windows.ts.
"""

MARK_FINAL_SQL = (
    'INSERT INTO "live_window" ("window_start", "window_end", "final") VALUES (?, ?, true) '
    'ON CONFLICT ("window_start") DO UPDATE SET "final" = true, "refreshed_at" = now()'
)
DELETE_PROVISIONAL_SQL = 'DELETE FROM "provisional_row" WHERE "window_start" = ?'
SETTLE_ALERTS_SQL = (
    'UPDATE "live_alert" AS a SET "state" = CASE WHEN EXISTS (SELECT 1 FROM "alerts" AS f '
    'WHERE f."kind" = a."kind" AND f."window_start" = a."window_start" AND f."topic" = a."topic") '
    "THEN 'confirmed' ELSE 'withdrawn' END, \"settled_at\" = now() "
    'WHERE a."window_start" = ? AND a."state" = \'provisional\''
)


def settle(db, window):
    """In the caller's transaction, after the window's final rows are written."""
    start, end = db.instant(window[0]), db.instant(window[1])
    db.update(MARK_FINAL_SQL, [start, end])
    db.update(DELETE_PROVISIONAL_SQL, [start])
    db.update(SETTLE_ALERTS_SQL, [start])
