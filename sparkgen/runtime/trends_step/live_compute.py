"""A refresh's computation: the open windows' rows from the events held so far, with the window
step's own functions and the same generated plan (batch.step_events, batch.step_outputs), then
each alert's generated SQL on the window so far, rate-scaled.

Provisional alerts (docs/contracts.md, "Live windows"): an open window's `n_tweets` is projected to
the whole window at its per-minute rate (× window minutes / elapsed minutes, `scales`) in the view
the alerts' SQL reads of it (sources.register_view), so the volume alert compares tweets per
elapsed minute with the baseline's tweets per minute, with the thresholds of its spec; the
sentiment alert reads the window's mean and its real `n_scored`, so it fires once the minimum number
of posts is scored.
"""

import json
from datetime import timedelta
from typing import NamedTuple

from .batch import step_events, step_outputs
from .log import Phases, log
from .tuning import EVENT_BYTES, size_shuffles
from .write import rows_json

# A window younger than this is scaled as if this old: a first post seconds after the start would
# otherwise project to hundreds.
MIN_ELAPSED = timedelta(minutes=1)


class WindowsRequest(NamedTuple):
    """What batch.step_events reads of a step's request, for consecutive open windows that all read
    the held events (one virtual input, index 0)."""

    windows: list
    window_inputs: list
    length: timedelta

    @property
    def span(self):
        return self.windows[0][0], self.windows[-1][1]


class HeldCounts(NamedTuple):
    """batch.InputCounts of the held events: no bad lines (held events are valid)."""

    lines: dict
    bad: dict
    valid_in: dict


class WindowResult(NamedTuple):
    window: tuple
    # {metric: JSON array of its rows}
    metric_rows: dict
    # JSON array of {kind, topic, severity, row}
    alerts: str
    elapsed_minutes: float
    rate_scale: float
    events: int


def elapsed(window, clock, length):
    """How much of the window has passed at `clock`, between MIN_ELAPSED and its length."""
    return min(length, max(MIN_ELAPSED, clock - window[0]))


def scales(windows, clock, length):
    """{window start epoch: the factor that projects its count so far to the whole window}."""
    return {int(w[0].timestamp()): length / elapsed(w, clock, length) for w in windows}


def own_rows(output, window):
    """The rows a window's own commit writes for it: a metric's rows of the window; of an alert,
    the rows about the window itself (its commit also rewrites later windows' alerts)."""
    epoch = int(window[0].timestamp())
    if output.rows is None:
        log(f"{output.metric.name}: too many rows to hold as provisional; left out this refresh")
        return None
    return [r for r in output.rows.get(epoch, []) if r[0] == epoch]


def alert_objects(outputs, window):
    out = []
    for o in outputs:
        rows = own_rows(o, window) or []
        names = ["window_start", "window_end", *o.metric.columns]
        for obj in json.loads(rows_json(o.metric.columns, rows, o.timestamps)):
            assert list(obj) == names
            out.append({"kind": o.metric.name, "topic": obj["topic"], "severity": obj["severity"], "row": obj})
    return json.dumps(out, ensure_ascii=False, allow_nan=False)


def recompute(spark, db, plan, held, counts, starts, clock, length):
    """Every metric and alert of the open windows starting at `starts` from `held` (the classified
    valid events of the open windows, all of input 0); `counts`: {window start: held events}. One
    WindowResult per window of `starts`."""
    first, last = min(starts), max(starts)
    n = int((last - first) / length) + 1
    windows = [(first + length * k, first + length * (k + 1)) for k in range(n)]
    request = WindowsRequest(windows, [(0,)] * n, length)
    valid_in = {(k, 0): counts.get(w[0], 0) for k, w in enumerate(windows)}
    held_counts = HeldCounts({0: sum(valid_in.values())}, {0: 0}, valid_in)
    phases = Phases()
    # As a step sizes its shuffles by its input, a refresh sizes them by what it holds: left at
    # Spark's 200, a refresh of a few thousand events ran 200 tasks per shuffle (BENCHMARKS.md,
    # "Live mode: shuffles sized by the held events").
    size_shuffles(spark, sum(counts.values()) * EVENT_BYTES)
    events, stats = step_events(spark, plan, request, list(range(n)), held, held_counts)
    cached = [events]
    try:
        computed = step_outputs(spark, db, plan, windows, phases, scales(windows, clock, length))
        cached += [o.df for o in computed]
        outputs = [o for o in computed if o.metric.history is None]
        alerts = [o for o in computed if o.metric.history is not None]
        results = []
        for k, w in enumerate(windows):
            if w[0] not in starts:
                continue
            metric_rows = {}
            for o in outputs:
                rows = own_rows(o, w)
                if rows is not None:
                    metric_rows[o.metric.name] = rows_json(o.metric.columns, rows, o.timestamps)
            spent = elapsed(w, clock, length)
            results.append(
                WindowResult(
                    w,
                    metric_rows,
                    alert_objects(alerts, w),
                    spent / timedelta(minutes=1),
                    length / spent,
                    stats[k]["events"],
                )
            )
        return results
    finally:
        for df in cached:
            df.unpersist()
