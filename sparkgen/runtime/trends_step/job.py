"""One Spark application for a range of windows: read and classify once, then per window
dedup, metrics and one write transaction of its own (a failure in window k leaves the windows
before k committed)."""

import json

from .db import Database, jdbc_credentials
from .frames import local_frame
from .history import read_history, register_history
from .inputs import INPUT_COLUMN, classified_inputs, read_text
from .log import Phases, log, set_prefix
from .plan import load_plan
from .write import SMALL_RESULT, Result, small_rows, write_window

STATS = ("rows_read", "bad_records", "duplicates", "events")
# At least the partitions of any metric's result (spark.sql.shuffle.partitions: 4 locally, 200 on EMR).
LIMIT_PARTITIONS = 100_000
EVENTS_PER_PARTITION = 200_000


def input_counts(classified, plan, request):
    """Per prefix index: (lines, bad lines); per (window, prefix): valid lines in that window. One action."""
    from pyspark.sql import functions as F

    first, last = request.span
    seconds = int(request.length.total_seconds())
    t = F.col(plan.event_time)
    valid = F.col("violation").isNull() & (t >= F.lit(first)) & (t < F.lit(last))
    slot = F.when(valid, F.floor((F.unix_timestamp(t) - int(first.timestamp())) / seconds))
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
    return lines, bad, valid_in


def log_violations(classified):
    from pyspark.sql import functions as F

    reasons = classified.where(F.col("violation").isNotNull()).groupBy("violation").count().collect()
    if reasons:
        ordered = sorted(reasons, key=lambda r: -r["count"])
        log("bad records (all inputs): " + ", ".join(f"{r['violation']}: {r['count']}" for r in ordered))


def window_params(spark, plan, window):
    from pyspark.sql.types import TimestampType

    fields = [("window_start", TimestampType()), ("window_end", TimestampType())]
    local_frame(spark, fields, [window]).createOrReplaceTempView(plan.views["params"])


def run_window(spark, db, jdbc, plan, request, k, classified, counts, phases):
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    start, end = request.windows[k]
    mine = request.window_inputs[k]
    lines, bad, valid_in = counts
    window_params(spark, plan, (start, end))
    classified.where(F.col(INPUT_COLUMN).isin(list(mine))).drop(INPUT_COLUMN).createOrReplaceTempView(
        plan.views["classified"]
    )
    valid = sum(valid_in.get((k, i), 0) for i in mine)
    cached = []
    try:
        events = spark.sql(plan.window_events_sql)
        # Every metric scans the window's events: as few partitions (tasks) as its size needs, not one
        # per shuffle partition. Measured (BENCHMARKS.md "Small windows: one action per metric, …"):
        # 4 × 1,000-event windows 139.4 → 120.9 CPU-s, every metric's phase shorter; 100k unchanged.
        events = events.coalesce(max(1, -(-valid // EVENTS_PER_PARTITION))).persist(StorageLevel.MEMORY_AND_DISK)
        cached.append(events)
        events.createOrReplaceTempView(plan.views["events"])
        n_events = events.count()
        stats = {
            "rows_read": sum(lines.get(i, 0) for i in mine),
            "bad_records": sum(bad.get(i, 0) for i in mine),
            "duplicates": valid - n_events,
            "events": n_events,
        }
        phases.done("window events")
        results = []

        def compute(metric, history_rows):
            if metric["history"]:
                register_history(spark, metric["history"], history_rows)
            df = spark.sql(metric["sql"]).persist(StorageLevel.MEMORY_AND_DISK)
            cached.append(df)
            df.createOrReplaceTempView(metric["name"])
            return df

        for metric in plan.metrics:
            rows = read_history(db, metric["history"], start, end - start) if metric["history"] else None
            df = compute(metric, rows)
            r = Result(metric, df, rows, small_rows(df, metric["columns"]))
            results.append(r)
            log(f"{metric['name']}: {len(r.rows) if r.rows is not None else f'more than {SMALL_RESULT:,}'} rows")
            phases.done(metric["name"])
        write_window(db, jdbc, (start, end), results, stats, request.run_ids[k], compute)
        phases.done("write")
        return stats
    finally:
        for df in cached:
            df.unpersist()


def run(request):
    from pyspark import StorageLevel
    from pyspark.sql import SparkSession

    user, password = jdbc_credentials(request.jdbc_secret)
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

        classified = classified_inputs(spark, plan, request.inputs).persist(StorageLevel.MEMORY_AND_DISK)
        counts = input_counts(classified, plan, request)
        if sum(counts[1].values()):
            log_violations(classified)
        phases.done("read and classify")

        totals = dict.fromkeys(STATS, 0)
        for k, window in enumerate(request.windows):
            stats = run_window(spark, db, jdbc, plan, request, k, classified, counts, phases)
            line = {"window_start": window[0].isoformat().replace("+00:00", "Z"), **stats}
            print("TRENDS_WINDOW_RESULT " + json.dumps(line, sort_keys=True), flush=True)
            for key in STATS:
                totals[key] += stats[key]
        classified.unpersist()
        print("TRENDS_STEP_RESULT " + json.dumps(totals, sort_keys=True), flush=True)
    finally:
        if db is not None:
            db.close()
        spark.stop()
