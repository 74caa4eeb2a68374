"""A metric's reference depths (sparkgen/compile/reference-depth.ts): each tweet's longest chain of
records referencing it, per key (window and topic), capped. A loop here rather than SQL: Spark 3.5
has no WITH RECURSIVE, and a statement unrolled to the cap runs every level's self-join for every
window, most of them on empty frontiers (BENCHMARKS.md, "Reference depth by frontier").

Level 1 is the edges statement's rows (key…, id, ref_id). Level k+1 is the edges of level k whose
record is itself referenced within level k (a left semi join on the key and id = ref_id). An edge
is in level k exactly when a chain of k records ends at its tweet through it, so a tweet's depth is
the last level that references it. Each level is materialised by a local checkpoint (one small
job; its count is read from the checkpointed blocks), which also tells the loop when to stop:
- an empty level: no chain is longer;
- a level as large as the one before: the same edges (a level is a subset of the one before), so
  every later level is this one (records referencing each other in a cycle): its tweets reach the
  cap;
- the cap.

A checkpoint, not a cache: it cuts the lineage. A cached level keeps its plan, which holds the level
before it twice (both sides of the semi join), so the plan, and the string Spark renders of it for
every adaptive re-plan, grows fourfold a level: at the cap, a 1 GiB driver ran out of heap
rendering it.
"""

import time
from functools import reduce

from .frames import LITERAL_ROWS, local_frame
from .log import log

# Up to this many edges the levels are computed on the driver from the collected edges: two Spark
# jobs a level cost a small window more than the unrolled joins did (BENCHMARKS.md, "Reference
# depth by frontier"), and the result (a row per referenced tweet, at most one per edge) stays a
# literal frame (frames.py).
DRIVER_EDGES = LITERAL_ROWS


def levels_on_driver(edges, cap):
    """The same loop over collected edges [(key, id, ref_id)]: ({(key, tweet): depth}, level sizes)."""
    level, depths, sizes = set(edges), {}, []
    for k in range(1, cap + 1):
        if not level:
            break
        sizes.append(len(level))
        for key, _, ref in level:
            depths[(key, ref)] = k
        referenced = {(key, ref) for key, _, ref in level}
        deeper = {(key, i, ref) for key, i, ref in level if (key, i) in referenced}
        if len(deeper) == len(level):
            for key, _, ref in deeper:
                depths[(key, ref)] = cap
            break
        level = deeper
    return depths, sizes


def reference_depths(spark, key, loop, driver_edges=DRIVER_EDGES):
    """Registers the temp view `loop.view` (key…, tweet_id, depth) from the edges of `loop.sql`.
    Returns the levels, for the caller to `release` once the metric reading the view is computed
    (its own cache keeps what it read)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType

    def kept(df):
        df = df.localCheckpoint(eager=True)
        return df, df.count()

    def tweets_at(level, depth):
        return level.select(*key, F.col("ref_id").alias("tweet_id"), F.lit(depth).alias("depth"))

    t0 = time.monotonic()
    level = spark.sql(loop.sql).localCheckpoint(eager=True)
    # A small window's edges come to the driver in the job that tells they are few.
    head = level.limit(driver_edges + 1).collect()
    if len(head) <= driver_edges:
        collected = [(tuple(r[c] for c in key), r["id"], r["ref_id"]) for r in head]
        depths, sizes = levels_on_driver(collected, loop.cap)
        types = {f.name: f.dataType for f in level.schema.fields}
        fields = [(c, types[c]) for c in key] + [("tweet_id", types["ref_id"]), ("depth", IntegerType())]
        rows = [(*k, tweet, d) for (k, tweet), d in depths.items()]
        local_frame(spark, fields, rows).createOrReplaceTempView(loop.view)
        log(
            f"{loop.view}: edges per level {', '.join(f'{x:,}' for x in sizes)} on the driver ({time.monotonic() - t0:.2f} s)"
        )
        return [level]
    n = level.count()
    cached, found = [level], [tweets_at(level, 1)]
    sizes = [n]
    for k in range(2, loop.cap + 1):
        if not n:
            break
        referenced = level.select(*key, F.col("ref_id").alias("id"))
        deeper, m = kept(level.join(referenced, [*key, "id"], "left_semi"))
        cached.append(deeper)
        sizes.append(m)
        if m == n:
            found.append(tweets_at(deeper, loop.cap))
            break
        found.append(tweets_at(deeper, k))
        level, n = deeper, m
    log(f"{loop.view}: edges per level {', '.join(f'{x:,}' for x in sizes)} ({time.monotonic() - t0:.2f} s)")
    depths = reduce(lambda a, b: a.unionByName(b), found)
    depths.groupBy(*key, "tweet_id").agg(F.max("depth").alias("depth")).createOrReplaceTempView(loop.view)
    return cached


def release(levels):
    """Drops the levels' checkpointed blocks now rather than when the driver's garbage collector
    finds them (the live application runs for days). A checkpointed frame is a scan of the RDD its
    checkpoint persisted, so unpersisting that RDD is the release."""
    for level in levels:
        level._jdf.queryExecution().logical().rdd().unpersist(False)
