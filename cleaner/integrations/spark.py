"""Clean a crawl with Apache Spark: JSON Lines or WARC in, ``cleaner/1`` records out.

Every input record (every HTML response, for WARC) gives exactly one output
record, in the same partition order as the input; a record that cannot be read or cleaned (a line that is
not JSON, a record without ``html``/``text``, a truncated WARC, a binary page)
becomes an error record carrying its ``id``, ``position`` and ``input``, as
with the ``clean`` command.  Each partition builds one `Cleaner` (rule packs
and language models load once per partition, not per page).

Install the extra (PySpark 4 needs Java 17 or 21)::

    pip install 'cleaner[spark]'

Run locally (``local[*]`` unless ``--master`` or Spark's own settings say
otherwise)::

    python -m cleaner.integrations.spark \\
        --input crawl/*.jsonl --input-format jsonl \\
        --output out/cleaned --output-format parquet \\
        --rules my-site.toml --languages ru,en --partitions 8

Output is a directory of part files, as Spark writes them: JSON Lines (one
``cleaner/1`` object per line, the same objects as ``clean --format jsonl``)
or Parquet with flat columns ``id, position, input, url, title, language,
text, error_type, error_message, removed_count, result_json`` (the whole
object as JSON in ``result_json``; ``id`` is a string, other JSON ids are
written as JSON: ``7`` becomes ``"7"``).  ``--overwrite`` replaces an existing
output directory.  A summary goes to stderr (its counts come from Spark
accumulators: a retried task is counted again).  Exit status: 0 the job ran
(failed records are in the output, marked by ``error``), 2 usage (bad option,
unusable rule pack, input path not found, output already there, no
PySpark).

Run on a cluster with ``spark-submit``; the executors need ``cleaner`` and its
dependencies (lxml, trafilatura, ...) in the Python they run.  Either install
it on every node image (``pip install 'cleaner[spark]'``) or ship a packed
virtualenv (built on the nodes' OS, CPU and Python version), which is what
PySpark recommends for libraries with C extensions::

    python -m venv env && env/bin/pip install 'cleaner[spark]' venv-pack
    env/bin/venv-pack -o cleaner-env.tar.gz
    spark-submit --master yarn --deploy-mode cluster \\
        --archives cleaner-env.tar.gz#env \\
        --conf spark.pyspark.python=./env/bin/python \\
        "$(env/bin/python -c 'import cleaner.integrations.spark as m; print(m.__file__)')" \\
        --input hdfs:///crawl/2025-11/*.warc.gz --input-format warc \\
        --output s3a://bucket/cleaned/2025-11 --output-format parquet --partitions 400

(``--master k8s://https://HOST:443`` with an image that has ``cleaner``
installed works the same way.)  When the executors already have the
dependencies and only ``cleaner`` itself is missing, a built wheel is enough:
``python -m build --wheel`` and ``spark-submit --py-files
dist/cleaner-*.whl ...``.  Inputs and output may be any path Spark reads:
local, ``hdfs://``, ``s3a://``, ``gs://``; globs and directories work.
``--rules`` files are read once on the driver and sent to the executors
with the job, so they need not exist on the worker nodes.  So are ``--site-packs DIR``
(learned site packs, applied by each page's host).  ``--learn-sites`` adds a
learning stage before cleaning: pages grouped by host, one pack per host
(`cleaner.integrations.spark_sites`), written to ``--site-packs DIR`` when
given; the inputs are read twice.

In your own Spark code the pieces are plain functions::

    from functools import partial
    from cleaner.integrations.spark import clean_partition, clean_warc_partition

    lines = spark.read.text("crawl.jsonl").rdd.map(lambda row: row.value)
    results = lines.mapPartitionsWithIndex(
        lambda index, rows: clean_partition(rows, partition=index, languages=["ru", "en"]))
    warc = sc.binaryFiles("crawl/*.warc.gz").mapPartitions(partial(clean_warc_partition, rules=[]))

Partitions: JSON Lines input is split by Spark (about 128 MB a partition;
a gzipped file is one partition); each WARC file is read whole into memory by
``binaryFiles`` and is one unit of work.  ``--partitions N`` spreads the
records over N partitions before cleaning (fewer: merged in order; more:
shuffled, so output order no longer follows input order; ``position`` and
``input`` still say where each record came from).  Give executors memory for
the largest WARC file.
"""

from __future__ import annotations

# Absolute imports: spark-submit runs this file as a script, outside its package.
import argparse
import io
import itertools
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from cleaner.batch import WARC_SUFFIXES, output_dict, parse_jsonl_line, read_warc
from cleaner.cli import add_cleaner_arguments, add_field_arguments, add_site_arguments, fields_of
from cleaner.core import Cleaner
from cleaner.detect import make_backend
from cleaner.records import Fields, Record, to_record

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

    from cleaner.sites import SitePack

__all__ = [
    "OUTPUT_SCHEMA_FIELDS",
    "clean_partition",
    "clean_rdd",
    "clean_warc_file",
    "clean_warc_partition",
    "flat_row",
    "main",
    "output_schema",
    "partition_records",
    "results_dataframe",
    "warc_records",
]

INSTALL_HINT = "install the spark extra: pip install 'cleaner[spark]'"
DEFAULT_SOURCE = "<spark>"
# Flat Parquet columns: (name, Spark type name, nullable).
OUTPUT_SCHEMA_FIELDS = (
    ("id", "string", True),
    ("position", "long", False),
    ("input", "string", False),
    ("url", "string", True),
    ("title", "string", True),
    ("language", "string", False),
    ("text", "string", False),
    ("error_type", "string", True),
    ("error_message", "string", True),
    ("removed_count", "integer", False),
    ("result_json", "string", False),
)


# --- plain Python: runs on the executors, needs no pyspark ------------------------------------


def clean_partition(
    rows: Iterable[Any],
    *,
    fields: Fields = Fields(),
    partition: int | None = None,
    source: str = DEFAULT_SOURCE,
    **cleaner_options: Any,
) -> Iterator[dict[str, Any]]:
    """Clean one partition's rows with one `Cleaner(**cleaner_options)`; one output dict per row.

    For ``rdd.mapPartitions`` (or ``mapPartitionsWithIndex``, passing the
    index as ``partition``).  A row is a JSON Lines line (str or bytes, as
    from ``spark.read.text`` or ``sc.textFile``; blank lines are skipped), a
    ``(source, line)`` pair, a dict or `pyspark.sql.Row` with the page fields
    (``html`` or ``text``, ``url``, ``id``, optional ``headers``), or a
    `cleaner.records.Record`.  ``position`` counts the rows of the partition;
    ``input`` names the source, the partition and the line.

    >>> out = clean_partition(['{"id": "a", "text": "Headline\\\\n\\\\nThe article."}', "{oops"], partition=3)
    >>> [(o["id"], o["position"], o["input"], o["text"], o.get("error", {}).get("type")) for o in out]
    [('a', 0, '<spark>#partition-3:1', 'The article.', None), (None, 1, '<spark>#partition-3:2', '', 'InputError')]
    """
    records = partition_records(rows, fields=fields, partition=partition, source=source)
    return _clean(records, cleaner_options)


def partition_records(
    rows: Iterable[Any],
    *,
    fields: Fields = Fields(),
    partition: int | None = None,
    source: str = DEFAULT_SOURCE,
) -> Iterator[Record]:
    """The rows of a partition as `Record`s (see `clean_partition`); unreadable rows are error records.

    Cheap: run it before a shuffle (``--partitions``) so labels name the partition the row was read in.
    """
    where = source if partition is None else f"{source}#partition-{partition}"
    lines_seen: dict[str, int] = {}
    position = 0
    for row in rows:
        if hasattr(row, "asDict"):  # pyspark.sql.Row (a tuple: test it first)
            row = row.asDict(recursive=True)
        if isinstance(row, (Record, Mapping)):  # a Record comes back as it is
            yield to_record(row, position=position, source=f"{where}:{position + 1}", fields=fields)
            position += 1
            continue
        label = where
        if isinstance(row, tuple) and len(row) == 2:
            name, row = row
            label = str(name) if partition is None else f"{name}#partition-{partition}"
        if isinstance(row, bytearray):
            row = bytes(row)
        if isinstance(row, (str, bytes)) and not row.strip():
            continue  # blank line, as the clean command skips them
        number = lines_seen.get(label, 0)
        lines_seen[label] = number + 1
        if isinstance(row, (str, bytes)):
            record = parse_jsonl_line(row, number, label, fields)
        else:
            at = f"{label}:{number + 1}"
            record = Record(number, None, source=at, error=f"{at}: row is {type(row).__name__}, not a JSON line or record")
        record.position = position
        yield record
        position += 1


def warc_records(path_and_bytes: tuple[str, bytes]) -> Iterator[Record]:
    """The HTML responses of one WARC file as `Record`s, from a ``sc.binaryFiles`` pair.

    Positions count the file's HTML responses; a truncated or corrupt file
    ends with an error record (the records before it are kept).
    """
    path, content = path_and_bytes
    position = 0
    try:
        for record in read_warc(io.BytesIO(bytes(content)), source=path):
            position = record.position + 1
            yield record
    except Exception as exc:  # noqa: BLE001 - warcio fails in more ways than read_warc expects
        # One bad file must not fail the task (and, after retries, the job): it becomes an error record.
        yield Record(position, None, source=path,
                     error=f"{path}: unreadable WARC after {position} records: {type(exc).__name__}: {exc}")


def clean_warc_partition(files: Iterable[tuple[str, bytes]], **cleaner_options: Any) -> Iterator[dict[str, Any]]:
    """For ``sc.binaryFiles(...).mapPartitions``: every WARC file of a partition, one `Cleaner`."""
    return _clean((r for pair in files for r in warc_records(pair)), cleaner_options)


def clean_warc_file(path_and_bytes: tuple[str, bytes], **cleaner_options: Any) -> Iterator[dict[str, Any]]:
    """For ``sc.binaryFiles(...).flatMap``: one WARC file, one `Cleaner` (prefer the partition form)."""
    return _clean(warc_records(path_and_bytes), cleaner_options)


def _clean(records: Iterable[Record], cleaner_options: Mapping[str, Any], tally: Any = None) -> Iterator[dict[str, Any]]:
    records = iter(records)
    first = next(records, None)
    if first is None:
        return  # an empty partition loads no packs or models
    cleaner = Cleaner(**cleaner_options)
    for record in itertools.chain((first,), records):
        result = cleaner.clean_record(record)
        if tally is not None:
            tally[result.error is not None].add(1)
        yield output_dict(record, result)


def to_json_line(out: Mapping[str, Any]) -> str:
    """One output object as a JSON Lines line (no newline); fields Spark brought in that JSON lacks become strings."""
    return json.dumps(out, ensure_ascii=False, default=str)


def flat_row(out: Mapping[str, Any]) -> tuple[Any, ...]:
    """One output object as a row of the flat Parquet schema (`OUTPUT_SCHEMA_FIELDS` order)."""
    error = out.get("error") or {}
    ident = out.get("id")
    if ident is not None and not isinstance(ident, str):
        ident = json.dumps(ident, ensure_ascii=False, default=str)
    return (
        ident,
        out["position"],
        out["input"],
        (out.get("metadata") or {}).get("url"),
        out.get("title"),
        out["language"],
        out["text"],
        error.get("type"),
        error.get("message"),
        len(out.get("removed") or ()),
        to_json_line(out),
    )


# --- Spark: imported lazily ---------------------------------------------------------------------


def _pyspark() -> type[SparkSession]:
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ImportError(f"cleaner.integrations.spark needs PySpark ({exc}); {INSTALL_HINT}") from exc
    return SparkSession


def output_schema() -> StructType:
    """The flat Parquet schema as a `pyspark.sql.types.StructType`."""
    _pyspark()
    from pyspark.sql import types as T

    kinds = {"string": T.StringType(), "long": T.LongType(), "integer": T.IntegerType()}
    return T.StructType([T.StructField(name, kinds[kind], nullable) for name, kind, nullable in OUTPUT_SCHEMA_FIELDS])


def clean_rdd(records: RDD[Any], *, partitions: int | None = None, tally: Any = None,
              **cleaner_options: Any) -> RDD[dict[str, Any]]:
    """An RDD of `Record`s (or rows `clean_partition` takes) to an RDD of output dicts.

    ``partitions``: spread the records over that many partitions first
    (coalesced in order when fewer, shuffled when more).
    """
    if partitions:
        current = records.getNumPartitions()
        if partitions < current:
            records = records.coalesce(partitions)
        elif partitions > current:
            records = records.repartition(partitions)
    return records.mapPartitions(partial(_clean_rows, cleaner_options=cleaner_options, tally=tally))


def _clean_rows(rows: Iterable[Any], cleaner_options: Mapping[str, Any], tally: Any) -> Iterator[dict[str, Any]]:
    return _clean(partition_records(rows), cleaner_options, tally)


def _records_with_index(index: int, rows: Iterable[Any], fields: Fields) -> Iterator[Record]:
    return partition_records(rows, fields=fields, partition=index)


def results_dataframe(spark: SparkSession, results: RDD[dict[str, Any]]) -> DataFrame:
    """An RDD of output dicts as a DataFrame with the flat schema (no inference)."""
    return spark.createDataFrame(results.map(flat_row), schema=output_schema(), verifySchema=False)


def read_records(spark: SparkSession, paths: Sequence[str], input_format: str,
                 fields: Fields = Fields()) -> RDD[Record]:
    """An RDD of `Record`s from JSON Lines or WARC files (paths, globs or directories Spark reads)."""
    if input_format == "warc":
        files = spark.sparkContext.binaryFiles(",".join(paths))
        files.getNumPartitions()  # lists the inputs now: a missing path fails before any output is written
        return files.flatMap(warc_records)
    lines = spark.read.text(list(paths)).select("_metadata.file_path", "value").rdd.map(tuple)
    return lines.mapPartitionsWithIndex(partial(_records_with_index, fields=fields))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cleaner.integrations.spark",
        description="Clean JSON Lines or WARC crawls with Spark: one cleaner/1 record per input record.",
    )
    parser.add_argument("--input", nargs="+", required=True, metavar="PATH",
                        help="input files, directories or globs (local, hdfs://, s3a://, ...)")
    parser.add_argument("--input-format", choices=("auto", "jsonl", "warc"), default="auto",
                        help="auto: warc when every path ends in .warc[.gz] or .arc[.gz], else jsonl")
    parser.add_argument("--output", required=True, metavar="DIR", help="output directory (Spark part files)")
    parser.add_argument("--output-format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--overwrite", action="store_true", help="replace the output directory if it exists")
    parser.add_argument("--partitions", type=int, metavar="N", help="clean in N partitions")
    add_cleaner_arguments(parser)  # --rules files are read on the driver and sent with the job
    add_field_arguments(parser)
    add_site_arguments(parser)  # --learn-sites: a learning stage, grouped by host, before cleaning
    parser.add_argument("--master", help="Spark master (default: spark-submit's or Spark's configuration, else local[*])")
    return parser


def main(argv: Sequence[str] | None = None, *, spark: SparkSession | None = None) -> int:
    """The job: ``python -m cleaner.integrations.spark`` or ``spark-submit .../spark.py``.

    ``spark``: a session to run in (left running); otherwise the active one,
    else a new ``SparkSession.builder.appName("cleaner")``, stopped at the end.
    """
    args = build_parser().parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        return _usage("--partitions must be 1 or more")
    try:
        from cleaner.errors import CleanerError
        from cleaner.rules import load_pack

        # Packs are read here, on the driver, and travel to the executors as objects.
        options = {"rules": [load_pack(r) for r in args.rules], "builtin_rules": not args.no_builtin_rules,
                   "detector": args.detector, "languages": args.languages,
                   "target_languages": args.target_languages}
        if args.site_packs and not args.learn_sites:
            from cleaner.sites import SitePacks

            options["site_packs"] = list(SitePacks(args.site_packs).packs.values())
        Cleaner(**options)  # a bad pack fails now, not in every task
        if args.detector:
            make_backend(args.detector)  # its library is there (the default one is a dependency)
    except (CleanerError, ValueError, ImportError) as exc:
        return _usage(str(exc))
    try:
        session_class = _pyspark()
    except ImportError as exc:
        return _usage(str(exc))
    own = spark is None and session_class.getActiveSession() is None
    if spark is None:
        builder = session_class.builder.appName("cleaner")
        if args.master:
            builder = builder.master(args.master)
        spark = builder.getOrCreate()
    try:
        return _run(spark, args, options)
    finally:
        if own:
            spark.stop()


def _run(spark: SparkSession, args: argparse.Namespace, options: dict[str, Any]) -> int:
    from pyspark.errors import AnalysisException

    input_format = args.input_format
    if input_format == "auto":
        input_format = "warc" if all(p.lower().endswith(WARC_SUFFIXES) for p in args.input) else "jsonl"
    fields = fields_of(args)
    sc = spark.sparkContext
    tally = (sc.accumulator(0), sc.accumulator(0))  # (cleaned, failed)
    try:
        records = read_records(spark, args.input, input_format, fields)
        if args.learn_sites:  # the inputs are read twice: once to learn, once to clean
            options = {**options, "site_packs": _learn(records, args)}
        results = clean_rdd(records, partitions=args.partitions, tally=tally, **options)
        if args.output_format == "parquet":
            frame = results_dataframe(spark, results)
        else:
            from pyspark.sql import types as T

            schema = T.StructType([T.StructField("value", T.StringType(), False)])
            frame = spark.createDataFrame(results.map(lambda out: (to_json_line(out),)), schema=schema)
        writer = frame.write.mode("overwrite" if args.overwrite else "errorifexists")
        (writer.parquet if args.output_format == "parquet" else writer.text)(args.output)
    except AnalysisException as exc:  # input path missing, output already there
        return _usage(str(exc).splitlines()[0])
    except Exception as exc:  # noqa: BLE001 - binaryFiles reports a missing path only when the job runs
        if "Input path does not exist" not in str(exc):
            raise
        message = str(exc)
        return _usage(message[message.index("Input path does not exist"):].splitlines()[0])
    cleaned, failed = tally[0].value, tally[1].value
    print(f"cleaner: {cleaned + failed} records, {cleaned} cleaned, {failed} failed; "
          f"{args.output_format} in {args.output}", file=sys.stderr)
    return 0


def _learn(records: RDD[Record], args: argparse.Namespace) -> list[SitePack]:
    """The learning stage: site packs by host (`cleaner.integrations.spark_sites`), written out when asked."""
    from cleaner.config import CleanerConfig
    from cleaner.integrations.spark_sites import learn_rdd
    from cleaner.sites import write_packs

    packs = learn_rdd(records, CleanerConfig().replace(languages=args.languages))
    if args.site_packs:
        write_packs(packs, args.site_packs)
    print(f"cleaner: learned {len(packs)} site packs", file=sys.stderr)
    return packs


def _usage(message: str) -> int:
    print(f"cleaner-spark: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    # spark-submit runs this file as __main__: use the importable module, so that
    # the functions sent to the executors are found there by name.
    from cleaner.integrations.spark import main as _main

    sys.exit(_main())
