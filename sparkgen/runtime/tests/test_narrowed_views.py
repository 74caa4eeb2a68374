"""An alert recomputed for one window reads that window's views; the batch's are back afterwards."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from pyspark.sql.types import StringType, TimestampType

from trends_step.batch import narrowed_views
from trends_step.frames import local_frame

W = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)
M15 = timedelta(minutes=15)
WINDOWS = [(W, W + M15), (W + M15, W + 2 * M15), (W + 2 * M15, W + 3 * M15)]


def test_the_views_are_narrowed_in_the_block_and_restored_after_an_error(spark):
    plan = SimpleNamespace(views={"params": "window_params"})
    rows = [(s, e, "*") for s, e in WINDOWS]
    df = local_frame(
        spark, [("window_start", TimestampType()), ("window_end", TimestampType()), ("topic", StringType())], rows
    )
    source = SimpleNamespace(metric=SimpleNamespace(name="baseline_metric"), view=df)

    def counts():
        return spark.table("window_params").count(), spark.table("baseline_metric").count()

    with pytest.raises(RuntimeError, match="boom"):
        with narrowed_views(spark, plan, WINDOWS, WINDOWS[1], source):
            assert counts() == (1, 1)
            assert spark.table("baseline_metric").first()["window_start"] == WINDOWS[1][0].replace(tzinfo=None)
            raise RuntimeError("boom")
    assert counts() == (3, 3)
