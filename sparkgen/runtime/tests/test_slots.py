"""The window of an event: half-open windows from the step's first start (window_events.sql's rule)."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from pyspark.sql.types import TimestampType

from trends_step.frames import local_frame
from trends_step.slots import window_slot

START = datetime(2026, 11, 26, 4, 15, tzinfo=timezone.utc)
M15 = timedelta(minutes=15)


def test_an_event_belongs_to_the_window_that_holds_it_start_inclusive_end_exclusive(spark):
    request = SimpleNamespace(span=(START, START + 2 * M15), length=M15)
    plan = SimpleNamespace(event_time="created_at")
    times = [START - timedelta(seconds=1), START, START + M15 - timedelta(seconds=1), START + M15, START + 2 * M15]
    df = local_frame(spark, [("created_at", TimestampType())], [(t,) for t in times])
    assert [r[0] for r in df.select(window_slot(plan, request)).collect()] == [-1, 0, 0, 1, 2]
