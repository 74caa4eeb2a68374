"""The reference-depth loop (trends_step/depth.py) against the definition, worked out in plain
Python: a tweet's depth is the longest chain of records r1 → tweet, r2 → r1, … (each record
referencing the one before), counted up to the cap, per key."""

import random

import pytest

from trends_step.depth import reference_depths, release
from trends_step.plan import ReferenceDepth

KEY = ("window_start", "window_end", "topic")


def longest_chains(edges, cap):
    """{(key, tweet): depth} by the definition: depth(t) = 1 + max over records r referencing t of
    the depth of r (0 when nothing references r), capped; a cycle reaches the cap."""
    referencing = {}
    for key, record, tweet in edges:
        referencing.setdefault((key, tweet), set()).add(record)

    def depth(key, tweet, budget):
        if budget == 0:
            return 0
        below = [depth(key, r, budget - 1) for r in referencing.get((key, tweet), ())]
        return 1 + max(below) if below else 0

    return {(key, tweet): depth(key, tweet, cap) for key, tweet in referencing}


def computed(spark, edges, cap, driver_edges):
    rows = [(*key, record, tweet) for key, record, tweet in edges]
    schema = "window_start string, window_end string, topic string, id string, ref_id string"
    spark.createDataFrame(rows, schema).createOrReplaceTempView("test_edges")
    persistent = spark.sparkContext._jsc.getPersistentRDDs().size()
    loop = ReferenceDepth("test_depth", cap, "SELECT DISTINCT * FROM test_edges")
    levels = reference_depths(spark, KEY, loop, driver_edges)
    out = {((r[0], r[1], r[2]), r[3]): r[4] for r in spark.table("test_depth").collect()}
    release(levels)
    # Every level's blocks are gone.
    assert spark.sparkContext._jsc.getPersistentRDDs().size() == persistent
    return out


W1, W2 = ("09:00", "09:15", "*"), ("09:00", "09:15", "acme")
# Both ways of running the loop: the levels in Spark (no edge on the driver), and on the driver.
WAYS = pytest.mark.parametrize("driver_edges", [0, 10_000], ids=["spark", "driver"])


@pytest.mark.parametrize(
    ("edges", "cap", "expected"),
    [
        pytest.param([], 8, {}, id="no reference"),
        pytest.param(
            [(W1, "b", "a"), (W1, "c", "b"), (W1, "d", "c"), (W1, "e", "a")],
            8,
            {(W1, "a"): 3, (W1, "b"): 2, (W1, "c"): 1},
            id="a reply to a quote of a retweet",
        ),
        pytest.param(
            [(W1, "b", "a"), (W1, "c", "b"), (W1, "d", "c"), (W1, "e", "d")],
            2,
            {(W1, "a"): 2, (W1, "b"): 2, (W1, "c"): 2, (W1, "d"): 1},
            id="capped",
        ),
        pytest.param(
            [(W1, "a", "b"), (W1, "b", "a"), (W1, "c", "a")],
            8,
            {(W1, "a"): 8, (W1, "b"): 8},
            id="a cycle reaches the cap",
        ),
        pytest.param(
            [(W1, "b", "a"), (W2, "c", "b")],
            8,
            {(W1, "a"): 1, (W2, "b"): 1},
            id="chains never cross a topic",
        ),
    ],
)
@WAYS
def test_worked_cases(spark, edges, cap, expected, driver_edges):
    assert computed(spark, edges, cap, driver_edges) == expected
    assert longest_chains(edges, cap) == expected


@WAYS
@pytest.mark.parametrize("seed", range(4))
def test_random_graphs_match_the_definition(spark, seed, driver_edges):
    rng = random.Random(seed)
    records = [f"r{k}" for k in range(60)]
    edges = {(rng.choice((W1, W2)), rng.choice(records), rng.choice(records)) for _ in range(90)}
    # A record references at most one tweet (its ref_id), as in the event record.
    one_each = list({(key, record): (key, record, tweet) for key, record, tweet in edges if record != tweet}.values())
    cap = rng.choice((3, 8))
    assert computed(spark, one_each, cap, driver_edges) == longest_chains(one_each, cap)


@WAYS
def test_windows_as_timestamps(spark, driver_edges):
    # The step's key is (timestamp, timestamp, string): collected back on the driver, the bounds are
    # naive datetimes, and the view keeps them the instants they were.
    from datetime import datetime, timezone

    start, end = datetime(2026, 11, 26, 4, 45, tzinfo=timezone.utc), datetime(2026, 11, 26, 5, 0, tzinfo=timezone.utc)
    schema = "window_start timestamp, window_end timestamp, topic string, id string, ref_id string"
    spark.createDataFrame([(start, end, "*", "b", "a"), (start, end, "*", "c", "b")], schema).createOrReplaceTempView(
        "test_edges"
    )
    levels = reference_depths(spark, KEY, ReferenceDepth("test_depth", 8, "SELECT * FROM test_edges"), driver_edges)
    stored = spark.sql("SELECT unix_seconds(window_start), unix_seconds(window_end), tweet_id, depth FROM test_depth")
    assert sorted(tuple(r) for r in stored.collect()) == [
        (int(start.timestamp()), int(end.timestamp()), "a", 2),
        (int(start.timestamp()), int(end.timestamp()), "b", 1),
    ]
    release(levels)
