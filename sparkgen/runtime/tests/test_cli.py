from datetime import datetime, timezone

import pytest

from trends_step.cli import Request, parse_args, window_inputs
from trends_step.errors import UsageError

BASE = [
    "--plan", "p.json",
    "--window-start", "2026-11-26T04:15:00Z",
    "--window-end", "2026-11-26T04:30:00Z",
    "--input", "/tmp/a", "--input", "s3://b/raw/2026/11/26/05/",
    "--jdbc-url", "jdbc:postgresql://h:5432/db",
]  # fmt: skip


def req(*extra):
    return Request(parse_args(BASE + list(extra)))


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


def test_one_window_reads_every_input():
    r = req()
    assert r.windows == [(utc(2026, 11, 26, 4, 15), utc(2026, 11, 26, 4, 30))]
    assert r.inputs == ["file:///tmp/a", "s3://b/raw/2026/11/26/05/"]
    assert r.window_inputs == [(0, 1)]
    assert r.run_ids == [None]


def test_a_range_has_consecutive_windows_with_their_own_inputs_and_run_ids():
    r = req("--windows", "3", "--window-inputs", "0", "--window-inputs", "0,1", "--window-inputs", "1",
            "--run-id", "7", "--run-id", "8", "--run-id", "9")  # fmt: skip
    assert [w[0].minute for w in r.windows] == [15, 30, 45]
    assert r.span == (utc(2026, 11, 26, 4, 15), utc(2026, 11, 26, 5, 0))
    assert r.window_inputs == [(0,), (0, 1), (1,)]
    assert r.run_ids == [7, 8, 9]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--windows", "2", "--run-id", "1"], "--run-id is given 1 times for 2 windows"),
        (["--windows", "2", "--window-inputs", "0"], "--window-inputs is given 1 times for 2 windows"),
        (["--window-inputs", "5"], "beyond the 2 given"),
        (["--window-inputs", "x"], "not a comma-separated list"),
        (["--windows", "0"], "--windows must be at least 1"),
    ],
)
def test_bad_ranges_are_usage_errors(extra, message):
    with pytest.raises(UsageError, match=message):
        req(*extra)


def with_window(start, end):
    args = list(BASE)
    args[args.index("--window-start") + 1] = start
    args[args.index("--window-end") + 1] = end
    return args


def test_a_window_must_divide_a_day_and_be_aligned():
    with pytest.raises(UsageError, match="divides a day"):
        Request(parse_args(with_window("2026-11-26T04:15:00Z", "2026-11-26T04:22:00Z")))
    with pytest.raises(UsageError, match="not aligned"):
        Request(parse_args(with_window("2026-11-26T04:10:00Z", "2026-11-26T04:25:00Z")))
    with pytest.raises(UsageError, match="not an ISO-8601 time"):
        Request(parse_args(with_window("yesterday", "2026-11-26T04:25:00Z")))


def test_inputs_and_jdbc_urls_are_checked():
    with pytest.raises(UsageError, match="use file://, s3://"):
        Request(parse_args([*BASE, "--input", "http://x/"]))
    args = list(BASE)
    args[-1] = "postgres://h/db"
    with pytest.raises(UsageError, match="jdbc:postgresql://"):
        Request(parse_args(args))


def test_window_inputs_default_to_every_input():
    assert window_inputs(None, 2, 3) == [(0, 1, 2), (0, 1, 2)]
    assert window_inputs(["2,0,0"], 1, 3) == [(0, 2)]
