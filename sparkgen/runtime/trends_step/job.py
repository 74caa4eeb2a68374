"""One Spark application for a range of windows: read and classify once, then the windows in
batches (batch.py), each computed in one pass and committed window by window."""

import json
from typing import NamedTuple

from .batch import Step, batch_events, batches, run_batch, valid_lines
from .db import Database, jdbc_credentials
from .inputs import INPUT_COLUMN, classified_inputs, read_text
from .log import Phases, log, set_prefix
from .plan import load_plan
from .slots import window_slot
from .tuning import size_shuffles

STATS = ("rows_read", "bad_records", "duplicates", "events")
# At least the partitions of any metric's result (spark.sql.shuffle.partitions: 4 locally, 200 on EMR).
LIMIT_PARTITIONS = 100_000


class InputCounts(NamedTuple):
    """What the step read, from one action over the classified inputs."""

    # {prefix index: lines}
    lines: dict
    # {prefix index: bad lines}
    bad: dict
    # {(window index, prefix index): valid lines in that window}
    valid_in: dict


def input_counts(classified, plan, request):
    """Per prefix index: (lines, bad lines); per (window, prefix): valid lines in that window. One action."""
    from pyspark.sql import functions as F

    first, last = request.span
    t = F.col(plan.event_time)
    valid = F.col("violation").isNull() & (t >= F.lit(first)) & (t < F.lit(last))
    slot = F.when(valid, window_slot(plan, request))
    rows = classified.groupBy(INPUT_COLUMN, slot.alias("slot")).agg(
        F.count(F.lit(1)).alias("lines"), F.count("violation").alias("bad")
    )
    lines, bad, valid_in = {}, {}, {}
    for r in rows.collect():
        i = r[INPUT_COLUMN]
        lines[i] = lines.get(i, 0) + r["lines"]
        bad[i] = bad.get(i, 0) + r["bad"]
        if r["slot"] is not None:
            valid_in[(int(r["slot"]), i)] = r["lines"]
    return InputCounts(lines, bad, valid_in)


def log_violations(classified):
    from pyspark.sql import functions as F

    reasons = classified.where(F.col("violation").isNotNull()).groupBy("violation").count().collect()
    if reasons:
        ordered = sorted(reasons, key=lambda r: -r["count"])
        log("bad records (all inputs): " + ", ".join(f"{r['violation']}: {r['count']}" for r in ordered))


def run(request):
    from pyspark import StorageLevel
    from pyspark.sql import SparkSession

    user, password = jdbc_credentials(request.jdbc_secret)
    limit = batch_events()
    phases = Phases()
    first = request.windows[0][0].isoformat()
    spark = SparkSession.builder.appName(f"trends step {first} ×{len(request.windows)}").getOrCreate()
    db = None
    try:
        plan = load_plan(request.plan, lambda uri: read_text(spark, uri))
        set_prefix(plan.name)
        for key, value in plan.session.items():
            spark.conf.set(key, value)
        # write.small_rows: a limited collect scans all of a metric's partitions in one job (Spark's
        # default, 1, runs a second job for the rest whenever the result is below the limit).
        spark.conf.set("spark.sql.limit.initialNumPartitions", str(LIMIT_PARTITIONS))
        db = Database(spark.sparkContext._jvm, request.jdbc_url, user, password)
        jdbc = {"url": request.jdbc_url, "user": user, "password": password}
        phases.done("start")

        classified, input_bytes = classified_inputs(spark, plan, request.inputs)
        partitions = size_shuffles(spark, input_bytes)
        log(f"input {input_bytes:,} bytes; {partitions} shuffle partitions")
        classified = classified.persist(StorageLevel.MEMORY_AND_DISK)
        counts = input_counts(classified, plan, request)
        if sum(counts.bad.values()):
            log_violations(classified)
        phases.done("read and classify")

        totals = dict.fromkeys(STATS, 0)

        def committed(k, stats):
            line = {"window_start": request.windows[k][0].isoformat().replace("+00:00", "Z"), **stats}
            print("TRENDS_WINDOW_RESULT " + json.dumps(line, sort_keys=True), flush=True)
            for key in STATS:
                totals[key] += stats[key]

        step = Step(spark, db, jdbc, plan, request, classified, counts, phases, committed)
        todo = batches(valid_lines(request, counts), limit)
        for n, ks in enumerate(todo, start=1):
            run_batch(step, ks, last=n == len(todo))
        print("TRENDS_STEP_RESULT " + json.dumps(totals, sort_keys=True), flush=True)
    finally:
        if db is not None:
            db.close()
        spark.stop()
