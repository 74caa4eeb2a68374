# A stand-in for sparkgen's window step, used only by the runner and emulator tests: it takes the
# step contract's arguments, counts the input lines, writes the stats to `pipeline_run` over JDBC
# (like the real step, for --run-id) and prints the TRENDS_STEP_RESULT line. No Spark job runs,
# so a test pays only for the JVM start. Marker files in an input prefix change its behaviour:
#   _fail  -> raise an exception (exit 1)     _sleep -> run until killed (for cancel tests)
import argparse
import json
import os
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--plan")  # the real runtime's plan; the stand-in runs none
p.add_argument("--window-start", required=True)
p.add_argument("--window-end", required=True)
p.add_argument("--input", action="append", default=[])
p.add_argument("--jdbc-url", required=True)
p.add_argument("--jdbc-secret")
p.add_argument("--run-id", type=int)
a = p.parse_args()


def local(uri):
    return uri[len("file://") :] if uri.startswith("file://") else uri


dirs = [local(i) for i in a.input if os.path.isdir(local(i))]
markers = {m for d in dirs for m in os.listdir(d) if m.startswith("_")}
if "_fail" in markers:
    raise RuntimeError(f"fake step failed on purpose for window {a.window_start}")
if "_sleep" in markers:
    parent = os.getppid()
    for _ in range(600):  # until cancelled; also stop when spark-submit's JVM is gone
        if os.getppid() != parent:
            sys.exit(143)
        time.sleep(0.5)

rows = bad = 0
for d in dirs:
    for name in sorted(os.listdir(d)):
        if name.startswith("_"):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                rows += 1
                try:
                    json.loads(line)
                except ValueError:
                    bad += 1
result = {"rows_read": rows, "bad_records": bad, "duplicates": 0, "events": rows - bad}

if a.run_id is not None:
    from pyspark.java_gateway import launch_gateway  # the JVM of spark-submit, without a SparkContext

    jvm = launch_gateway().jvm
    props = jvm.java.util.Properties()
    props.setProperty("user", os.environ.get("TRENDS_JDBC_USER", ""))
    props.setProperty("password", os.environ.get("TRENDS_JDBC_PASSWORD", ""))
    conn = jvm.org.postgresql.Driver().connect(a.jdbc_url, props)
    try:
        st = conn.prepareStatement(
            "UPDATE pipeline_run SET rows_read = ?, bad_records = ?, duplicates = ? WHERE id = ?"
        )
        st.setLong(1, rows)
        st.setLong(2, bad)
        st.setLong(3, 0)
        st.setLong(4, a.run_id)
        st.executeUpdate()
    finally:
        conn.close()

print("TRENDS_STEP_RESULT " + json.dumps(result), flush=True)
# spark-submit's PythonRunner copies this process's output on a thread it does not join: the JVM
# exits as soon as this process does, and a line printed just before can be lost (seen once in a
# full suite run: the step COMPLETED with an empty stdout). The real step prints its result before
# stopping Spark, which takes longer than this.
# https://github.com/apache/spark/blob/master/core/src/main/scala/org/apache/spark/deploy/PythonRunner.scala
time.sleep(0.5)
