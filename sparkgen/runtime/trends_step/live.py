"""Live mode: one Spark application, one Structured Streaming query over the arrival-hour prefixes
of the raw tree. Each micro-batch (at most one per `--refresh`, and only when files arrived) holds
its new events of the open windows and recomputes the windows it touched (live_compute.py), then
writes each one's provisional rows in its own transaction (live_write.py).

- File discovery, the trigger and restart state are Spark's: the file source lists the arrival
  hours of three days at each trigger, ROOT/{day before,day,day after}/* around the newest day in
  the tree at start, and its checkpoint records the files processed. `maxFileAge` only bounds what
  it remembers; the listing costs what the glob covers (a year of hours under ROOT/*/*/*/* took
  ~40 s per trigger: BENCHMARKS.md, "Live mode"), so the glob is three days, and once the event
  clock is an hour into the day after, the application stops (exit 0) and its supervisor starts it
  again with the next three days (once a day: a JVM start and the bootstrap read below).
- Nothing is read twice while the application lives: the held events of the open windows stay in
  Spark's block store (a local checkpoint: memory, then disk) and each batch adds its files' events.
  After a restart the checkpoint skips the files already seen, so the held events are first read
  again from the prefixes that can hold open windows (`bootstrap`); a file both read there and in
  the first batch is deduplicated by id like any Firehose duplicate.
- Memory: only events of open windows are held (a window is open until its close plus lateness on
  the event clock, at most (window + lateness) / window + 1 windows); beyond `--max-held-events`
  the oldest windows stop refreshing (their finals still come from the scheduler).

The clock is the newest event time seen, never ahead of the wall clock: live, that is now; in a
replay of older data it follows the replay.
"""

from datetime import datetime, timedelta, timezone

from .db import Database, jdbc_credentials
from .inputs import INPUT_COLUMN, event_schema, read_text
from .job import LIMIT_PARTITIONS
from .live_compute import recompute
from .live_write import write_provisional
from .log import log, set_prefix
from .plan import load_plan
from .slots import window_start_column

DAY_FORMAT = "%Y/%m/%d"


def day_glob(root, day):
    """The arrival hours of the day before `day`, `day` and the day after (a window plus lateness
    never spans more): ROOT/{YYYY/MM/DD,…}/*. Hadoop expands braces across path components."""
    days = [(day + timedelta(days=k)).strftime(DAY_FORMAT) for k in (-1, 0, 1)]
    return f"{root}/{{{','.join(days)}}}/*"


def newest_day(spark, root, now):
    """The newest YYYY/MM/DD under `root`, three short listings (never the whole tree); `now`'s day
    when there is none."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(root)
    fs = path.getFileSystem(conf)
    parts = []
    for width in (4, 2, 2):
        try:
            names = [st.getPath().getName() for st in fs.listStatus(path) if st.isDirectory()]
        except Exception:  # noqa: BLE001 - a missing root is an empty tree
            names = []
        names = [n for n in names if len(n) == width and n.isdigit()]
        if not names:
            return now.date()
        parts.append(max(names))
        path = jvm.org.apache.hadoop.fs.Path(path, parts[-1])
    return datetime.strptime("/".join(parts), DAY_FORMAT).date()


def classify(spark, plan, raw):
    """The valid events of raw lines, as the plan's classify SQL has them, all of input 0."""
    from pyspark.sql import functions as F

    raw.createOrReplaceTempView(plan.views["raw"])
    classified = spark.sql(plan.classify_sql)
    return classified.where(F.col("violation").isNull()).withColumn(INPUT_COLUMN, F.lit(0))


def recent_hours(spark, glob, span):
    """The arrival-hour prefixes of `glob` within `span` of the newest one (the restart's bootstrap)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    pattern = jvm.org.apache.hadoop.fs.Path(glob)
    found = pattern.getFileSystem(conf).globStatus(pattern) or []
    hours = {}
    for status in found:
        path = status.getPath().toString()
        try:
            y, mo, d, h = path.rstrip("/").split("/")[-4:]
            hours[datetime(int(y), int(mo), int(d), int(h), tzinfo=timezone.utc)] = path
        except ValueError:
            continue
    if not hours:
        return []
    newest = max(hours)
    return [hours[t] for t in sorted(hours) if newest - t <= span]


class Live:
    def __init__(self, spark, db, plan, request, day):
        self.spark = spark
        # The newest day at start: the glob covers it and the days either side of it.
        self.day = day
        self.glob = day_glob(request.root, day)
        # Set once the event clock is an hour into the day after: the application then restarts.
        self.next_day = False
        self.db = db
        self.plan = plan
        self.request = request
        self.held = None
        # {window start (datetime): held events}
        self.counts = {}
        self.clock = None
        self.booted = False

    def bootstrap(self, spark, batch_id):
        """After a restart (the checkpoint has batches), the open windows' events from their prefixes."""
        self.booted = True
        if batch_id == 0:
            return None
        r = self.request
        paths = recent_hours(spark, self.glob, r.length * 2 + r.lateness + timedelta(hours=1))
        if not paths:
            return None
        log(f"restart: reading {len(paths)} recent hour prefixes for the open windows")
        raw = spark.read.schema(event_schema(self.plan)).option("mode", "PERMISSIVE")
        return classify(spark, self.plan, raw.option("columnNameOfCorruptRecord", self.plan.corrupt_column).json(paths))

    def refresh(self, batch_df, batch_id):
        from pyspark.sql import functions as F

        spark = batch_df.sparkSession
        r = self.request
        new = classify(spark, self.plan, batch_df)
        if not self.booted:
            boot = self.bootstrap(spark, batch_id)
            if boot is not None:
                new = new.unionByName(boot)
        start = window_start_column(self.plan, r.length)
        arrived = {
            row["ws"]: (row["n"], row["latest"])
            for row in new.groupBy(start.alias("ws"))
            .agg(F.count(F.lit(1)).alias("n"), F.max(self.plan.event_time).alias("latest"))
            .collect()
        }
        if not arrived:
            return
        latest = max(v[1] for v in arrived.values()).replace(tzinfo=timezone.utc)
        now = datetime.now(timezone.utc)
        self.clock = min(now, max(latest, self.clock or latest))
        # An hour into the day after (its prefix surely holds objects by then, so the restart finds
        # it newest); the glob covers that day meanwhile.
        self.next_day = (self.clock - timedelta(hours=1)).date() > self.day
        as_time = {ws: datetime.fromtimestamp(ws, timezone.utc) for ws in arrived}
        open_starts = {t for t in set(as_time.values()) | set(self.counts) if t + r.length + r.lateness > self.clock}
        for ws, (n, _) in arrived.items():
            if as_time[ws] in open_starts:
                self.counts[as_time[ws]] = self.counts.get(as_time[ws], 0) + n
        self.counts = {t: n for t, n in self.counts.items() if t in open_starts}
        self.evict()
        keep = [int(t.timestamp()) for t in self.counts]
        rows = new.where(start.isin(keep))
        if self.held is not None:
            rows = self.held.where(start.isin(keep)).unionByName(rows)
        old, self.held = self.held, rows.localCheckpoint(eager=True)
        if old is not None:
            # The previous local checkpoint's blocks are freed by Spark's ContextCleaner once the
            # JVM collects its RDD; a collection now keeps at most two generations held.
            spark.sparkContext._jvm.java.lang.System.gc()
        touched = {as_time[ws] for ws in arrived} & set(self.counts)
        if not touched:
            return
        results = recompute(spark, self.db, self.plan, self.held, self.counts, touched, self.clock, r.length)
        for res in results:
            if write_provisional(
                self.db, res.window, res.metric_rows, res.alerts, res.elapsed_minutes, res.rate_scale, res.events
            ):
                log(
                    f"refresh {batch_id}: window {res.window[0].isoformat()} provisional, {res.events} events, {res.elapsed_minutes:.1f} min elapsed"
                )
            else:
                log(f"refresh {batch_id}: window {res.window[0].isoformat()} is final; no longer held")
                self.counts.pop(res.window[0], None)

    def evict(self):
        """Beyond --max-held-events, the oldest open windows stop refreshing."""
        total = sum(self.counts.values())
        for t in sorted(self.counts):
            if total <= self.request.max_held_events or len(self.counts) == 1:
                break
            log(f"holding {total} events, over --max-held-events; window {t.isoformat()} stops refreshing")
            total -= self.counts.pop(t)


def run(request):
    from pyspark.sql import SparkSession

    user, password = jdbc_credentials(request.jdbc_secret)
    spark = SparkSession.builder.appName("trends live").getOrCreate()
    db = None
    try:
        plan = load_plan(request.plan, lambda uri: read_text(spark, uri))
        set_prefix("live")
        for key, value in plan.session.items():
            spark.conf.set(key, value)
        spark.conf.set("spark.sql.limit.initialNumPartitions", str(LIMIT_PARTITIONS))
        db = Database(spark.sparkContext._jvm, request.jdbc_url, user, password)
        live = Live(spark, db, plan, request, newest_day(spark, request.root, datetime.now(timezone.utc)))
        reader = spark.readStream.schema(event_schema(plan)).option("mode", "PERMISSIVE")
        reader = reader.option("columnNameOfCorruptRecord", plan.corrupt_column)
        reader = reader.option("maxFileAge", f"{int(request.max_file_age.total_seconds())}s")
        query = (
            reader.json(live.glob)
            .writeStream.foreachBatch(live.refresh)
            .trigger(processingTime=f"{int(request.refresh.total_seconds())} seconds")
            .option("checkpointLocation", request.checkpoint)
            .start()
        )
        log(f"started: {live.glob}, refresh every {request.refresh}")
        print("TRENDS_LIVE_STARTED", flush=True)
        # Stopped from here, never from inside a batch: a query cannot stop itself in foreachBatch.
        while not query.awaitTermination(5):
            if live.next_day:
                log(f"the event clock entered {live.clock.date()}: restarting with its days' glob")
                query.stop()
                break
    finally:
        if db is not None:
            db.close()
        spark.stop()
