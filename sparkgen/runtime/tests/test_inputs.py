"""Reading and classifying against local Spark with the generated plan's SQL."""

import json

from conftest import PLAN

from trends_step.cli import Request, parse_args
from trends_step.inputs import INPUT_COLUMN, classified_inputs, read_text
from trends_step.job import input_counts
from trends_step.plan import load_plan


def event(i, created, **extra):
    e = {
        "v": 1, "id": f"t{i}", "created_at": created, "ingested_at": created, "author_id": "a1",
        "author_username": "alice", "author_followers": 10, "text": "hello world", "lang": "en",
        "retweet_count": 0, "like_count": 0, "reply_count": 0, "quote_count": 0, "ref_type": None,
        "rules": ["cats"], "sentiment_score": 0.5, "sentiment_magnitude": 0.5, "sentiment_source": "vader",
    }  # fmt: skip
    e.update(extra)
    return json.dumps(e)


def test_every_prefix_is_read_once_tagged_and_counted_per_window(spark, tmp_path):
    a, b = tmp_path / "04", tmp_path / "05"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text(
        "\n".join([event(1, "2026-11-26T04:16:00.000Z"), event(2, "2026-11-26T04:31:00.000Z"), "not json"]) + "\n"
    )
    (b / "y").write_text(
        "\n".join([event(2, "2026-11-26T04:31:00.000Z"), event(3, "2026-11-26T04:59:00.000Z", v=2)]) + "\n"
    )
    missing = tmp_path / "06"
    plan = load_plan(PLAN, lambda u: read_text(spark, u))
    for k, v in plan.session.items():
        spark.conf.set(k, v)
    req = Request(parse_args([
        "--plan", PLAN, "--window-start", "2026-11-26T04:15:00.000Z", "--window-end", "2026-11-26T04:30:00.000Z",
        "--windows", "3", "--input", str(a), "--input", str(b), "--input", str(missing),
        "--jdbc-url", "jdbc:postgresql://h/db",
    ]))  # fmt: skip
    classified, size = classified_inputs(spark, plan, req.inputs)
    # the bytes of the two prefixes that exist, as the files hold them
    assert size == sum(f.stat().st_size for d in (a, b) for f in d.iterdir())
    classified = classified.cache()
    rows = classified.select(INPUT_COLUMN, "id", "violation").collect()
    assert sorted((r[INPUT_COLUMN], r["id"], r["violation"] is None) for r in rows if r["id"]) == [
        (0, "t1", True), (0, "t2", True), (1, "t2", True), (1, "t3", False),
    ]  # fmt: skip
    lines, bad, valid_in = input_counts(classified, plan, req)
    assert lines == {0: 3, 1: 2}
    assert bad == {0: 1, 1: 1}
    # window 0 has t1 from prefix 0; window 1 has t2 twice (once per prefix); t3 is invalid
    assert valid_in == {(0, 0): 1, (1, 0): 1, (1, 1): 1}
    classified.unpersist()


def test_no_existing_prefix_gives_an_empty_classified_frame(spark, tmp_path):
    plan = load_plan(PLAN, lambda u: read_text(spark, u))
    frame, size = classified_inputs(spark, plan, ["file://" + str(tmp_path / "none")])
    assert size == 0
    assert frame.count() == 0
    assert INPUT_COLUMN in frame.columns


def test_read_text_reads_local_files_and_file_uris(spark, tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("héllo\n")
    assert read_text(spark, str(p)) == "héllo\n"
    assert read_text(spark, "file://" + str(p)) == "héllo\n"
