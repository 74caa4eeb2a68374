"""The final commit's live part: in the window's transaction, after its final rows."""

from datetime import datetime, timezone

from fake_db import FakeDb

from trends_step import live_settle

WINDOW = (datetime(2026, 11, 26, 4, 0, tzinfo=timezone.utc), datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc))


def test_settle_marks_the_window_final_then_drops_its_provisional_rows_then_settles_its_alerts():
    db = FakeDb(stored=[])
    live_settle.settle(db, WINDOW)
    statements = [e for e in db.log if e[0] == "update"]
    assert [s[1] for s in statements] == ["INSERT", "DELETE", "UPDATE"]
    assert statements[0][2] == [WINDOW[0], WINDOW[1]]
    assert all(s[2][0] == WINDOW[0] for s in statements)


def test_a_settled_alert_is_confirmed_only_by_a_final_alert_of_its_kind_window_and_topic():
    sql = live_settle.SETTLE_ALERTS_SQL
    for column in ('"kind"', '"window_start"', '"topic"'):
        assert f"f.{column} = a.{column}" in sql
    assert "'confirmed'" in sql and "'withdrawn'" in sql and "\"state\" = 'provisional'" in sql
