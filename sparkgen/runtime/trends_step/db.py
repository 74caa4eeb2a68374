"""The driver's own JDBC connection (py4j): reads with parameters and the write transactions."""

import json
import os

from .errors import UsageError


def jdbc_credentials(secret_id, environ=os.environ):
    if secret_id:
        import boto3  # present on EMR; only needed with --jdbc-secret

        secret = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
        value = json.loads(secret["SecretString"])
        return value["username"], value.get("password", "")
    user = environ.get("TRENDS_JDBC_USER")
    if not user:
        raise UsageError(
            "no database credentials: set TRENDS_JDBC_USER (and TRENDS_JDBC_PASSWORD) or pass --jdbc-secret"
        )
    return user, environ.get("TRENDS_JDBC_PASSWORD", "")


def quote(identifier):
    """PostgreSQL identifier; names come from the specs (validated) or from hex tokens."""
    if not identifier.replace("_", "").isalnum() or not identifier.isascii():
        raise ValueError(f"unexpected identifier {identifier!r}")
    return '"' + identifier + '"'


class Database:
    def __init__(self, jvm, url, user, password):
        self.jvm = jvm
        # Spark's registry makes the --jars driver visible to java.sql.DriverManager.
        jvm.org.apache.spark.sql.execution.datasources.jdbc.DriverRegistry.register("org.postgresql.Driver")
        props = jvm.java.util.Properties()
        props.setProperty("user", user)
        props.setProperty("password", password)
        self.conn = jvm.java.sql.DriverManager.getConnection(url, props)

    def instant(self, t):
        return self.jvm.java.time.OffsetDateTime.parse(t.isoformat())

    def query(self, sql, params, columns):
        """Rows of `columns` text values (every typed read goes through `query_json`)."""
        stmt = self.conn.prepareStatement(sql)
        try:
            for i, p in enumerate(params, start=1):
                stmt.setObject(i, p)
            rs = stmt.executeQuery()
            rows = []
            while rs.next():
                rows.append(tuple(rs.getString(i) for i in range(1, columns + 1)))
            return rows
        finally:
            stmt.close()

    def query_json(self, sql, params):
        """A query whose one value is a JSON text (a `json_agg`), parsed: a whole result in one py4j
        call, not one per value (a call per value cost seconds per window of a range)."""
        return json.loads(self.query(sql, params, 1)[0][0])

    def update(self, sql, params):
        stmt = self.conn.prepareStatement(sql)
        try:
            for i, p in enumerate(params, start=1):
                stmt.setObject(i, p)
            return stmt.executeUpdate()
        finally:
            stmt.close()

    def close(self):
        self.conn.close()
