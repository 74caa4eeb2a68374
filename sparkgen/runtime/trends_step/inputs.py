"""Reading: the plan's files and the input prefixes, parsed and classified once per run."""

from .frames import local_frame
from .log import log

INPUT_COLUMN = "_trends_input"


def read_text(spark, uri):
    """A whole text file through Hadoop's file systems (file://, s3:// on EMR, s3a://) or a local path."""
    local = uri[len("file://") :] if uri.startswith("file://") else uri
    if "://" not in local:
        with open(local, encoding="utf-8") as f:
            return f.read()
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(uri)
    stream = path.getFileSystem(conf).open(path)
    try:
        return jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
    finally:
        stream.close()


def existing(spark, uris):
    """{index: bytes} of the prefixes that exist: an hour with no arrivals has no prefix at all."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    found = {}
    for i, uri in enumerate(uris):
        path = jvm.org.apache.hadoop.fs.Path(uri)
        fs = path.getFileSystem(conf)
        if fs.exists(path):
            found[i] = fs.getContentSummary(path).getLength()
        else:
            log(f"input {uri} does not exist; skipped")
    return found


def event_schema(plan):
    """Every field nullable so a missing field reaches the contract checks; timestamps as strings."""
    from pyspark.sql.types import ArrayType, DoubleType, IntegerType, LongType, StringType, StructField, StructType

    types = {
        "string": StringType(),
        # Cast by the classify SQL: inference never runs.
        "timestamp": StringType(),
        "int": IntegerType(),
        "long": LongType(),
        "double": DoubleType(),
        "string_array": ArrayType(StringType()),
    }
    fields = [StructField(n, types[t], True) for n, t in plan.schema]
    return StructType([*fields, StructField(plan.corrupt_column, StringType(), True)])


def classified_inputs(spark, plan, uris):
    """Every line of every prefix, classified by the plan's classify SQL, tagged with its prefix
    index; and the bytes read (what the step's shuffles are sized by, tuning.py).

    One JSON read per existing prefix (so a window reads exactly its own prefixes, as a single
    window step would), classified once for the whole run.
    """
    from pyspark.sql import functions as F

    schema = event_schema(plan)
    frames = []
    sizes = existing(spark, uris)
    for i in sizes:
        raw = spark.read.schema(schema).option("mode", "PERMISSIVE")
        raw = raw.option("columnNameOfCorruptRecord", plan.corrupt_column).json(uris[i])
        raw.createOrReplaceTempView(plan.views["raw"])
        frames.append(spark.sql(plan.classify_sql).withColumn(INPUT_COLUMN, F.lit(i)))
    if not frames:
        local_frame(spark, [(f.name, f.dataType) for f in schema.fields], []).createOrReplaceTempView(plan.views["raw"])
        frames.append(spark.sql(plan.classify_sql).withColumn(INPUT_COLUMN, F.lit(-1)))
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f)
    return out, sum(sizes.values())
