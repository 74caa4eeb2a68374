"""A range step's windows are computed in batches of a bounded number of events."""

import pytest

from trends_step.batch import BATCH_EVENTS, batch_events, batches
from trends_step.errors import UsageError


def test_consecutive_windows_fill_a_batch_up_to_the_limit_and_a_window_never_splits():
    assert batches([4, 4, 4, 20, 0, 3], 10) == [[0, 1], [2], [3], [4, 5]]
    assert batches([0, 0, 0], 10) == [[0, 1, 2]]


def test_the_limit_comes_from_the_environment_or_is_a_million_events():
    assert batch_events({}) == BATCH_EVENTS == 1_000_000
    assert batch_events({"TRENDS_BATCH_EVENTS": "50"}) == 50
    for bad in ["0", "-3", "1e6", "many"]:
        with pytest.raises(UsageError, match="TRENDS_BATCH_EVENTS"):
            batch_events({"TRENDS_BATCH_EVENTS": bad})
