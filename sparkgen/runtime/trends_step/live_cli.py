"""Arguments of the live application (live_step.py) and its exit codes. The contract: the
"Live mode" section of sparkgen/README.md."""

import argparse
import re
from datetime import timedelta

from .cli import normalise_input
from .errors import UsageError, exit_code
from .log import log

DURATION = re.compile(r"^([1-9][0-9]{0,5})(s|m|h)$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="live_step.py",
        description="Keeps the open windows' provisional rows and alerts fresh from the events arrived so far.",
    )
    p.add_argument("--plan", required=True, help="the job's plan JSON (file://, a path, s3://)")
    p.add_argument(
        "--input", required=True, help="the raw event tree: its arrival-hour prefixes are ROOT/YYYY/MM/DD/HH"
    )
    p.add_argument("--checkpoint", required=True, help="Structured Streaming checkpoint directory (files seen)")
    p.add_argument("--jdbc-url", required=True, help="jdbc:postgresql://host:port/db (no credentials)")
    p.add_argument("--jdbc-secret", help="AWS Secrets Manager id of the database credentials")
    p.add_argument("--window-minutes", type=int, default=15, help="window length in minutes (default 15)")
    p.add_argument("--lateness-minutes", type=int, default=10, help="a window is final this long after it closes")
    p.add_argument("--refresh", default="1m", help="trigger interval: 30s, 1m, … (default 1m)")
    p.add_argument(
        "--max-file-age", default="2h", help="files older than this (vs the newest) are not listed again (default 2h)"
    )
    p.add_argument(
        "--max-held-events",
        type=int,
        default=2_000_000,
        help="events held for the open windows at most; the oldest windows stop refreshing beyond it",
    )
    return p.parse_args(argv)


def parse_duration(value, flag):
    m = DURATION.match(value)
    if not m:
        raise UsageError(f"{flag} {value!r} is not a duration; write it like 30s, 1m or 2h")
    return timedelta(seconds=int(m.group(1)) * UNIT_SECONDS[m.group(2)])


class LiveRequest:
    """The validated arguments."""

    def __init__(self, args):
        if args.window_minutes < 1 or 1440 % args.window_minutes:
            raise UsageError("--window-minutes must be a positive number of minutes that divides a day")
        if args.lateness_minutes < 0:
            raise UsageError("--lateness-minutes must be 0 or more")
        if args.max_held_events < 1:
            raise UsageError("--max-held-events must be at least 1")
        if not args.jdbc_url.startswith("jdbc:postgresql://"):
            raise UsageError("--jdbc-url must start with jdbc:postgresql://")
        self.plan = args.plan
        self.root = normalise_input(args.input).rstrip("/")
        self.checkpoint = normalise_input(args.checkpoint)
        self.jdbc_url = args.jdbc_url
        self.jdbc_secret = args.jdbc_secret
        self.length = timedelta(minutes=args.window_minutes)
        self.lateness = timedelta(minutes=args.lateness_minutes)
        self.refresh = parse_duration(args.refresh, "--refresh")
        self.max_file_age = parse_duration(args.max_file_age, "--max-file-age")
        self.max_held_events = args.max_held_events


def main(argv):
    def start():
        request = LiveRequest(parse_args(argv))
        from .live import run  # pyspark only after the arguments are checked

        run(request)

    return exit_code(start, log)
