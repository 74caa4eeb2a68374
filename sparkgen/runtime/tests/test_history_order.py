"""The order two reads of a history are compared in (history.canonical)."""

from datetime import datetime, timezone

from trends_step.history import canonical

W0 = datetime(2026, 11, 26, 4, 0, tzinfo=timezone.utc)
W1 = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)


def test_rows_of_one_window_and_topic_compare_equal_in_any_read_order():
    # A trend alert's history: several rows per window and topic, one per tag, with a NULL measure.
    rows = [
        (W0, W1, "acme", "zeta", None),
        (W0, W1, "acme", "acme", 3),
        (W0, W1, "*", "acme", 5),
    ]
    assert canonical(rows) == canonical(list(reversed(rows)))
    assert [r[3] for r in canonical(rows) if r[2] == "acme"] == ["acme", "zeta"]


def test_a_null_sorts_before_a_value_without_comparing_them():
    assert canonical([(W0, W1, "acme", 2.5), (W0, W1, "acme", None)]) == [
        (W0, W1, "acme", None),
        (W0, W1, "acme", 2.5),
    ]
