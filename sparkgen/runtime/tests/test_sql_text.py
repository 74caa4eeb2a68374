from datetime import datetime, timedelta, timezone

import pytest

from trends_step.db import quote
from trends_step.history import history_bounds, history_query
from trends_step.write import replace_statements

W = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)


def test_identifiers_are_quoted_and_checked():
    assert quote("sentiment_window") == '"sentiment_window"'
    for bad in ['a"b', "a b", "naïve", "x;drop"]:
        with pytest.raises(ValueError):
            quote(bad)


def test_a_window_replaces_its_rows_from_staging_in_three_statements():
    stmts = replace_statements("word_window", ["topic", "word"], "trends_stage_word_window_ab12", W, W)
    assert [s.split()[0] for s, _ in stmts] == ["DELETE", "INSERT", "DROP"]
    assert stmts[0] == ('DELETE FROM "word_window" WHERE "window_start" >= ? AND "window_start" <= ?', [W, W])
    assert '"topic", "word" FROM "trends_stage_word_window_ab12"' in stmts[1][0]


def test_history_is_one_parameterised_query_over_the_baseline_range():
    h = {"table": "sentiment_window", "before": 8, "after": 8, "columns": [{"name": "window_start", "type": "timestamptz"}, {"name": "n_scored", "type": "bigint"}]}  # fmt: skip
    assert history_query(h) == (
        'SELECT "window_start", "n_scored" FROM "sentiment_window" WHERE "window_start" >= ? AND "window_start" <= ?'
    )
    lo, hi = history_bounds(h, W, timedelta(minutes=15))
    assert (W - lo, hi - W) == (timedelta(hours=2), timedelta(hours=2))
