# A stand-in for the live application (sparkgen/runtime/live_step.py), used only by the live
# supervisor's EMR and EMR Serverless tests: it takes the live contract's arguments, records each
# start (its arguments) as a file in the directory FAKE_LIVE_STATE names, and then, on its first
# start, dies (exit 1) as a live application can; on later starts runs until cancelled. No Spark
# job runs, so a test pays only for the JVM start.
import argparse
import json
import os
import sys
import time

p = argparse.ArgumentParser()
for flag in ("--plan", "--input", "--checkpoint", "--jdbc-url", "--refresh"):
    p.add_argument(flag, required=True)
p.add_argument("--jdbc-secret")
p.add_argument("--window-minutes", type=int, required=True)
p.add_argument("--lateness-minutes", type=int, required=True)
a = p.parse_args()

state = os.environ["FAKE_LIVE_STATE"]
n = len(os.listdir(state))
with open(os.path.join(state, f"start-{n}.json"), "w") as f:
    json.dump(sys.argv[1:], f)
print("TRENDS_LIVE_STARTED", flush=True)
if n == 0:
    time.sleep(1)
    raise RuntimeError("fake live application died on purpose (its first start)")
parent = os.getppid()
for _ in range(1200):  # until cancelled; also stop when spark-submit's JVM is gone
    if os.getppid() != parent:
        sys.exit(143)
    time.sleep(0.5)
