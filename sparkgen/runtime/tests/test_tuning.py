from trends_step.tuning import BYTES_PER_PARTITION, SHUFFLE_PARTITIONS, shuffle_partitions, size_shuffles


def test_small_inputs_get_two_partitions_per_core():
    assert shuffle_partitions(2, 0) == 4
    assert shuffle_partitions(2, 57_000_000) == 4
    assert shuffle_partitions(16, 57_000_000) == 32


def test_large_inputs_get_a_partition_per_128_mib():
    assert shuffle_partitions(2, 5 * BYTES_PER_PARTITION + 1) == 6
    # the 10M-event window (5.7 GB of JSON): partitions of bounded size, so sorts spill
    assert shuffle_partitions(2, 5_700_000_000) == 43


def test_a_submitters_choice_wins(spark):
    # the test session (conftest) sets spark.sql.shuffle.partitions=2 at start, as a user's --conf would
    assert size_shuffles(spark, 100 * BYTES_PER_PARTITION) == 2
    assert spark.conf.get(SHUFFLE_PARTITIONS) == "2"


def test_a_live_refresh_sizes_its_shuffles_by_the_events_it_holds():
    from trends_step.tuning import EVENT_BYTES

    # a refresh of a few thousand held events: two tasks per core, not Spark's 200
    assert shuffle_partitions(2, 3_000 * EVENT_BYTES) == 4
    # a day of late data held at 10,000 events a minute: partitions of bounded size
    assert shuffle_partitions(2, 14_400_000 * EVENT_BYTES) == 65
