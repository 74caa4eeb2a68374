"""A database that records the statements of the write transaction (no JDBC, no PostgreSQL)."""

import json
from datetime import datetime


class FakeConn:
    def __init__(self, log):
        self.log = log

    def setAutoCommit(self, on):  # noqa: N802 (JDBC's name)
        self.log.append(("autocommit", on))

    def commit(self):
        self.log.append(("commit",))

    def rollback(self):
        self.log.append(("rollback",))


class FakeDb:
    """Records the statements of the write transaction; history reads return `stored`."""

    def __init__(self, stored):
        self.log = []
        self.conn = FakeConn(self.log)
        self.stored = stored
        self.params = []
        self.inserted = []

    def instant(self, t):
        return t

    def update(self, sql, params):
        self.log.append(("update", sql.split()[0], params))
        if sql.startswith("INSERT") and "json_populate_recordset" in sql:
            self.inserted.append([tuple(r.values())[2:] for r in json.loads(params[0])])
        return 1

    def query(self, sql, params, types):
        self.log.append(("query", sql.split()[1][:30]))
        return []

    def query_json(self, sql, params):
        """`stored` as json_agg gives it: instants as ISO-8601 text."""
        self.log.append(("query", "json"))
        self.params.append(params)
        return [[v.isoformat() if isinstance(v, datetime) else v for v in r] for r in self.stored]
