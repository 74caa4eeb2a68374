"""One Spark application for a range of windows: read and classify once, compute every metric of
every window in one pass (one SQL run and one action per metric, whatever the number of windows:
a Spark job's fixed cost was most of a small window's time), then one write transaction per window,
in order (a failure in window k leaves the windows before k committed)."""

import json

from .db import Database, jdbc_credentials
from .frames import local_frame
from .history import History, register_history
from .inputs import INPUT_COLUMN, classified_inputs, read_text
from .log import Phases, log, set_prefix
from .plan import load_plan
from .write import SMALL_RESULT, Output, drop_staging, epoch_select, write_window

STATS = ("rows_read", "bad_records", "duplicates", "events")
# At least the partitions of any metric's result (spark.sql.shuffle.partitions: 4 locally, 200 on EMR).
LIMIT_PARTITIONS = 100_000
EVENTS_PER_PARTITION = 200_000
# The window index of a classified row, while the step picks each window's own inputs.
SLOT_COLUMN = "_trends_slot"


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


def window_params(spark, plan, windows):
    from pyspark.sql.types import TimestampType

    fields = [("window_start", TimestampType()), ("window_end", TimestampType())]
    local_frame(spark, fields, windows).createOrReplaceTempView(plan.views["params"])


def own_inputs(spark, plan, request, classified):
    """The classified rows each window may read: those of its own input prefixes, as a step of that
    window alone reads (a late record in a later prefix than its window's is not its window's)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType, LongType

    pairs = [(i, k) for k, mine in enumerate(request.window_inputs) for i in mine]
    allowed = local_frame(spark, [(INPUT_COLUMN, IntegerType()), (SLOT_COLUMN, LongType())], pairs)
    first, _ = request.span
    seconds = int(request.length.total_seconds())
    slot = F.floor((F.unix_timestamp(F.col(plan.event_time)) - int(first.timestamp())) / seconds)
    tagged = classified.withColumn(SLOT_COLUMN, slot)
    return tagged.join(F.broadcast(allowed), [INPUT_COLUMN, SLOT_COLUMN], "left_semi").drop(INPUT_COLUMN, SLOT_COLUMN)


def step_events(spark, plan, request, classified, counts):
    """The events of every window of the step (cached), and each window's input stats. One action."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    lines, bad, valid_in = counts
    window_params(spark, plan, request.windows)
    own_inputs(spark, plan, request, classified).createOrReplaceTempView(plan.views["classified"])
    valid = [sum(valid_in.get((k, i), 0) for i in mine) for k, mine in enumerate(request.window_inputs)]
    # Every metric scans the events: as few partitions (tasks) as their size needs, not one per
    # shuffle partition. Measured (BENCHMARKS.md "Small windows: one action per metric, …"):
    # 4 × 1,000-event windows 139.4 → 120.9 CPU-s, every metric's phase shorter; 100k unchanged.
    events = spark.sql(plan.window_events_sql)
    events = events.coalesce(max(1, -(-sum(valid) // EVENTS_PER_PARTITION))).persist(StorageLevel.MEMORY_AND_DISK)
    per_window = {r[0]: r[1] for r in events.groupBy(F.expr("unix_seconds(window_start)")).count().collect()}
    stats = []
    for k, (start, _) in enumerate(request.windows):
        mine = request.window_inputs[k]
        n = per_window.get(int(start.timestamp()), 0)
        stats.append(
            {
                "rows_read": sum(lines.get(i, 0) for i in mine),
                "bad_records": sum(bad.get(i, 0) for i in mine),
                "duplicates": valid[k] - n,
                "events": n,
            }
        )
    events.createOrReplaceTempView(plan.views["events"])
    return events, stats


def step_outputs(spark, db, plan, request, phases):
    """Every metric of every window of the step: one SQL run and one action per metric."""
    from pyspark import StorageLevel

    outputs = []
    for metric in plan.metrics:
        history = History(db, metric["history"], request.windows) if metric["history"] else None
        if history is not None:
            register_history(spark, metric["history"], history.rows)
        df = spark.sql(metric["sql"]).persist(StorageLevel.MEMORY_AND_DISK)
        df.createOrReplaceTempView(metric["name"])
        o = Output(metric, df, history)
        outputs.append(o)
        n = o.collect(len(request.windows))
        log(f"{metric['name']}: {n if n is not None else f'more than {SMALL_RESULT * len(request.windows):,}'} rows")
        phases.done(metric["name"])
    return outputs


def recompute_alert(spark, plan, request, outputs):
    """`write_window`'s recompute: an alert's rows of one commit from the history stored now, as a
    step of that window alone computes them (its baseline metric's view narrowed to the window)."""
    from pyspark.sql import functions as F

    by_name = {o.metric["name"]: o for o in outputs}

    def recompute(o, window, fresh):
        spec = o.metric["history"]
        source = by_name[spec["table"]]
        try:
            window_params(spark, plan, [window])
            register_history(spark, spec, fresh)
            source.df.where(F.col("window_start") == F.lit(window[0])).createOrReplaceTempView(spec["table"])
            df = spark.sql(o.metric["sql"])
            rows = epoch_select(df, o.metric["commit_column"], o.metric["columns"], o.timestamps).collect()
            return [tuple(r)[1:] for r in rows]
        finally:
            window_params(spark, plan, request.windows)
            source.df.createOrReplaceTempView(spec["table"])

    return recompute


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

        events, stats = step_events(spark, plan, request, classified, counts)
        cached = [events]
        phases.done("window events")
        outputs = step_outputs(spark, db, plan, request, phases)
        cached += [o.df for o in outputs]
        try:
            for o in outputs:
                if o.rows is None:
                    o.stage(jdbc)
            recompute = recompute_alert(spark, plan, request, outputs)
            totals = dict.fromkeys(STATS, 0)
            for k, window in enumerate(request.windows):
                write_window(db, window, outputs, stats[k], request.run_ids[k], recompute)
                line = {"window_start": window[0].isoformat().replace("+00:00", "Z"), **stats[k]}
                print("TRENDS_WINDOW_RESULT " + json.dumps(line, sort_keys=True), flush=True)
                for key in STATS:
                    totals[key] += stats[k][key]
            phases.done("write")
        finally:
            drop_staging(db, outputs)
            for df in cached:
                df.unpersist()
        classified.unpersist()
        print("TRENDS_STEP_RESULT " + json.dumps(totals, sort_keys=True), flush=True)
    finally:
        if db is not None:
            db.close()
        spark.stop()
