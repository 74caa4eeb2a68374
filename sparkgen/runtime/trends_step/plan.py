"""The generated plan of a job (`sparkgen/generated/steps/<job>.json`) and the SQL files it names.

The plan holds only data: the order of the SQL, the views, the result tables and their columns,
the history specs, the session settings and the event schema. SQL text lives in the `.sql` files.

Its fields are those `sparkgen/print/plan.ts` writes, checked strictly on load (every field present,
none unknown, each of its type): a plan of another generator fails here, naming the field, not in
the middle of a window's commit.
"""

import json
import posixpath
from dataclasses import dataclass

PLAN_VERSION = 3


@dataclass(frozen=True)
class HistoryColumn:
    name: str
    type: str


@dataclass(frozen=True)
class HistorySpec:
    """A stored result table an alert reads back: `before`/`after` windows around each window."""

    table: str
    view: str
    before: int
    after: int
    columns: tuple[HistoryColumn, ...]


@dataclass(frozen=True)
class ReferenceDepth:
    """A view the step's loop computes before the metric's statement (depth.py): each tweet's
    longest reference chain per key, from the edges statement's (key…, id, ref_id) rows."""

    view: str
    cap: int
    # The edges statement's SQL text (the plan names its file).
    sql: str


@dataclass(frozen=True)
class Metric:
    name: str
    # Result columns after window_start and window_end, in order.
    columns: tuple[str, ...]
    # The column naming the window whose commit writes a row (window_start, or an alert's as_of).
    commit_column: str
    rewrites_after: int
    history: HistorySpec | None
    # The SQL text (the plan names its file).
    sql: str
    reference_depth: ReferenceDepth | None = None


# Each object of the plan: its fields and their JSON types (print/plan.ts's `printPlan`).
PLAN_FIELDS = {
    "version": int,
    "generated": str,
    "name": str,
    "description": str,
    "session": dict,
    "schema": list,
    "corrupt_column": str,
    "event_time": str,
    "views": dict,
    "classify": str,
    "window_events": str,
    "key": list,
    "metrics": list,
}
METRIC_FIELDS = {
    "name": str,
    "sql": str,
    "columns": list,
    "commit_column": str,
    "rewrites_after": int,
    "history": (dict, type(None)),
    "reference_depth": (dict, type(None)),
}
REFERENCE_DEPTH_FIELDS = {"sql": str, "view": str, "cap": int}
HISTORY_FIELDS = {"table": str, "view": str, "before": int, "after": int, "columns": list}
COLUMN_FIELDS = {"name": str, "type": str}


def checked(doc, fields, where):
    """`doc` when it has exactly `fields`, each of its type; else a ValueError naming the field."""
    if not isinstance(doc, dict):
        raise ValueError(f"plan: {where} is not an object")
    unknown = sorted(doc.keys() - fields.keys())
    missing = sorted(fields.keys() - doc.keys())
    if unknown or missing:
        parts = [f"missing {', '.join(missing)}" if missing else "", f"unknown {', '.join(unknown)}" if unknown else ""]
        raise ValueError(f"plan: {where}: {'; '.join(p for p in parts if p)}")
    for name, kind in fields.items():
        value = doc[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ValueError(f"plan: {where}.{name} is {value!r}, not of the type the runtime reads")
    return doc


def history_spec(doc, where):
    h = checked(doc, HISTORY_FIELDS, where)
    columns = tuple(
        HistoryColumn(**checked(c, COLUMN_FIELDS, f"{where}.columns[{i}]")) for i, c in enumerate(h["columns"])
    )
    return HistorySpec(h["table"], h["view"], h["before"], h["after"], columns)


def reference_depth(doc, where, read_sql):
    d = checked(doc, REFERENCE_DEPTH_FIELDS, where)
    if d["cap"] < 1:
        raise ValueError(f"plan: {where}.cap is {d['cap']}; a depth cap is at least 1")
    return ReferenceDepth(d["view"], d["cap"], read_sql(d["sql"]))


def metric(doc, where, read_sql):
    m = checked(doc, METRIC_FIELDS, where)
    history = None if m["history"] is None else history_spec(m["history"], f"{where}.history")
    depth = m["reference_depth"]
    return Metric(
        m["name"],
        tuple(m["columns"]),
        m["commit_column"],
        m["rewrites_after"],
        history,
        read_sql(m["sql"]),
        None if depth is None else reference_depth(depth, f"{where}.reference_depth", read_sql),
    )


class Plan:
    def __init__(self, doc, read_text, base):
        if isinstance(doc, dict) and doc.get("version") != PLAN_VERSION:
            raise ValueError(f"plan version {doc.get('version')!r}; this runtime reads version {PLAN_VERSION}")
        checked(doc, PLAN_FIELDS, "the plan")
        self.name = doc["name"]
        self.session = dict(doc["session"])
        self.schema = [(f["name"], f["type"]) for f in doc["schema"]]
        self.corrupt_column = doc["corrupt_column"]
        self.event_time = doc["event_time"]
        self.views = dict(doc["views"])
        self.classify_sql = read_text(resolve(base, doc["classify"]))
        self.window_events_sql = read_text(resolve(base, doc["window_events"]))
        # The generator's KEY (sparkgen/compile/common.ts): a row's window and topic, window_start first.
        self.key = tuple(doc["key"])
        self.metrics = [
            metric(m, f"metrics[{i}]", lambda path: read_text(resolve(base, path)))
            for i, m in enumerate(doc["metrics"])
        ]
        for i, m in enumerate(self.metrics):
            # History.stored groups the rows by their first column: a history starts with the key.
            if m.history and tuple(c.name for c in m.history.columns[: len(self.key)]) != self.key:
                raise ValueError(f"plan: metrics[{i}].history.columns do not start with {', '.join(self.key)}")


def resolve(base, relative):
    """A path of the plan (relative to the plan's own directory) as a URI or path."""
    if "://" in base:
        scheme, rest = base.split("://", 1)
        return f"{scheme}://{posixpath.normpath(posixpath.join(rest, relative))}"
    return posixpath.normpath(posixpath.join(base, relative))


def load_plan(uri, read_text):
    """`read_text(uri)` reads a file (local or through Hadoop's file systems)."""
    doc = json.loads(read_text(uri))
    return Plan(doc, read_text, posixpath.dirname(uri))
