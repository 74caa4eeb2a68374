"""The generated plan of a job (`sparkgen/generated/steps/<job>.json`) and the SQL files it names.

The plan holds only data: the order of the SQL, the views, the result tables and their columns,
the history specs, the session settings and the event schema. SQL text lives in the `.sql` files.
"""

import json
import posixpath

PLAN_VERSION = 2


class Plan:
    def __init__(self, doc, read_text, base):
        if doc.get("version") != PLAN_VERSION:
            raise ValueError(f"plan version {doc.get('version')!r}; this runtime reads version {PLAN_VERSION}")
        self.name = doc["name"]
        self.session = dict(doc["session"])
        self.schema = [(f["name"], f["type"]) for f in doc["schema"]]
        self.corrupt_column = doc["corrupt_column"]
        self.event_time = doc["event_time"]
        self.views = dict(doc["views"])
        self.classify_sql = read_text(resolve(base, doc["classify"]))
        self.window_events_sql = read_text(resolve(base, doc["window_events"]))
        self.metrics = [
            {
                "name": m["name"],
                "columns": list(m["columns"]),
                "commit_column": m["commit_column"],
                "history": m.get("history"),
                "rewrites_after": int(m["rewrites_after"]),
                "sql": read_text(resolve(base, m["sql"])),
            }
            for m in doc["metrics"]
        ]


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
