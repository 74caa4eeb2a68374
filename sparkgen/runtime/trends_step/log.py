"""Step log lines on stderr (the benchmark and the runners read them) and phase timings."""

import sys
import time

_PREFIX = ["trends_step"]


def set_prefix(name):
    _PREFIX[0] = name


def log(message):
    print(f"{_PREFIX[0]}: {message}", file=sys.stderr, flush=True)


class Phases:
    """Wall time per phase: `<job>: phase <name>: <s> s`."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.last = clock()
        self.totals = {}

    def done(self, phase):
        now = self.clock()
        seconds = now - self.last
        self.totals[phase] = self.totals.get(phase, 0.0) + seconds
        log(f"phase {phase}: {seconds:.2f} s")
        self.last = now
        return seconds
