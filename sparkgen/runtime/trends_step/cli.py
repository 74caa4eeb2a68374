"""Arguments of the step (the step contract in sparkgen/README.md) and its exit codes."""

import argparse
import os
from datetime import datetime, timezone

from .errors import UsageError, exit_code
from .job import run
from .log import log


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="window_step.py",
        description="Runs a generated job plan for one window or a range of consecutive windows.",
    )
    p.add_argument("--plan", required=True, help="the job's plan JSON (file://, a path, s3://)")
    p.add_argument("--window-start", required=True, help="first window start, ISO-8601 UTC")
    p.add_argument("--window-end", required=True, help="first window end (exclusive), ISO-8601 UTC")
    p.add_argument("--windows", type=int, default=1, help="how many consecutive windows, from the first")
    p.add_argument("--input", action="append", required=True, help="an arrival-hour prefix; repeatable")
    p.add_argument(
        "--window-inputs",
        action="append",
        help="per window, in order: the indexes of its --input prefixes (`0,1`); default every input",
    )
    p.add_argument("--jdbc-url", required=True, help="jdbc:postgresql://host:port/db (no credentials)")
    p.add_argument("--jdbc-secret", help="AWS Secrets Manager id of the database credentials")
    p.add_argument(
        "--run-id",
        type=int,
        action="append",
        help="pipeline_run row of each window, in order (rows_read, bad_records, duplicates)",
    )
    return p.parse_args(argv)


def parse_time(value, flag):
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{flag} {value!r} is not an ISO-8601 time; write it like 2026-11-26T04:15:00Z") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc)


def check_window(start, end):
    seconds = (end - start).total_seconds()
    if seconds <= 0 or seconds % 60 or 86400 % seconds:
        raise UsageError("--window-end - --window-start must be a positive number of minutes that divides a day")
    if start.timestamp() % seconds:
        raise UsageError(f"--window-start {start.isoformat()} is not aligned to a {int(seconds // 60)}-minute boundary")


def normalise_input(uri):
    if "://" in uri:
        if not uri.startswith(("file://", "s3://", "s3a://")):
            raise UsageError(f"--input {uri!r}: use file://, s3://, s3a:// or a local path")
        return uri
    return "file://" + os.path.abspath(uri)


def window_inputs(specs, n_windows, n_inputs):
    """Per window, the sorted indexes of its input prefixes."""
    if not specs:
        return [tuple(range(n_inputs))] * n_windows
    if len(specs) != n_windows:
        raise UsageError(
            f"--window-inputs is given {len(specs)} times for {n_windows} windows; give it once per window"
        )
    out = []
    for spec in specs:
        try:
            idx = sorted({int(s) for s in spec.split(",") if s.strip() != ""})
        except ValueError:
            raise UsageError(f"--window-inputs {spec!r} is not a comma-separated list of input indexes") from None
        if any(i < 0 or i >= n_inputs for i in idx):
            raise UsageError(f"--window-inputs {spec!r} names an input beyond the {n_inputs} given")
        out.append(tuple(idx))
    return out


class Request:
    """The validated arguments: windows, their inputs and run ids."""

    def __init__(self, args):
        start = parse_time(args.window_start, "--window-start")
        end = parse_time(args.window_end, "--window-end")
        check_window(start, end)
        if args.windows < 1:
            raise UsageError("--windows must be at least 1")
        length = end - start
        self.plan = args.plan
        self.length = length
        self.windows = [(start + length * k, start + length * (k + 1)) for k in range(args.windows)]
        self.inputs = [normalise_input(u) for u in args.input]
        self.window_inputs = window_inputs(args.window_inputs, args.windows, len(self.inputs))
        run_ids = args.run_id or []
        if run_ids and len(run_ids) != args.windows:
            raise UsageError(
                f"--run-id is given {len(run_ids)} times for {args.windows} windows; give it once per window"
            )
        self.run_ids = run_ids or [None] * args.windows
        if not args.jdbc_url.startswith("jdbc:postgresql://"):
            raise UsageError("--jdbc-url must start with jdbc:postgresql://")
        self.jdbc_url = args.jdbc_url
        self.jdbc_secret = args.jdbc_secret

    @property
    def span(self):
        return self.windows[0][0], self.windows[-1][1]


def main(argv):
    # pyspark is imported by the functions that use it, so a usage error is reported without it.
    return exit_code(lambda: run(Request(parse_args(argv))), log)
