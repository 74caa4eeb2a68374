"""The step's shuffle partitions, sized by what it reads.

A fixed number cannot serve both a 1k-event window on a laptop and a 10M-event one on a cluster:
few partitions keep a small window's ~100 stages cheap, and a large window needs partitions of a
bounded size so that its sorts and aggregations spill instead of running out of heap. The other
settings are fixed and travel in the plan's `session` (sparkgen/print/tuning.ts).
"""

SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions"
# Input bytes (JSON) per shuffle partition: ~230k events of the v1 record.
BYTES_PER_PARTITION = 128 * 1024 * 1024
# JSON bytes of one event of the v1 record (bench/synth-events.ts: 57 MiB per 100k events), for
# a computation that knows its events rather than its input (live mode's refresh).
EVENT_BYTES = 600


def shuffle_partitions(cores, input_bytes):
    """Two tasks per core at least (a straggler does not idle the others), more as input grows."""
    return max(2 * cores, -(-input_bytes // BYTES_PER_PARTITION))


def size_shuffles(spark, input_bytes):
    """Sets the session's shuffle partitions from the input, unless the submitter chose them."""
    sc = spark.sparkContext
    if sc.getConf().contains(SHUFFLE_PARTITIONS):
        return int(sc.getConf().get(SHUFFLE_PARTITIONS))
    n = shuffle_partitions(sc.defaultParallelism, input_bytes)
    spark.conf.set(SHUFFLE_PARTITIONS, str(n))
    return n
