"""The Spark job on a real local Spark (``local[2]``): JSON Lines and WARC in, JSON Lines and Parquet out.

One SparkSession serves the module; the job runs in-process through
``main([...], spark=session)``.  Input: two JSON Lines files (three good
records from the fixtures, a broken line, a record with no page, a blank
line) and two WARC files (two HTML responses beside a request and a PNG
response; a gzipped WARC cut short).  Every record in gives one record out.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip(
    "pyspark", reason="PySpark is not installed; the Spark job needs the extra: pip install 'cleaner[spark]'"
)
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("PySpark needs Java 17 or 21: no `java` on PATH and no JAVA_HOME", allow_module_level=True)

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

import cleaner.integrations.spark as spark_job  # noqa: E402
from cleaner.batch import Record  # noqa: E402
from cleaner.integrations.spark import clean_partition, main  # noqa: E402
from conftest import FIXTURES, ROOT, load_expected  # noqa: E402

HTML = FIXTURES / "html"
SEED = FIXTURES / "seeds" / "002_9e5059d829b5ffdd.txt"
GOOD_JSONL = {  # id -> fixture page
    "ru-ui": HTML / "divsoup_ru_ui_over_en.html",
    "semantic-en": HTML / "semantic_clean_en.html",
    "seed-002": SEED,
}
GOOD_WARC = {  # target URI -> (fixture page, Content-Type sent)
    "https://example.org/ru-ui-over-en": (HTML / "semantic_ru_ui_over_en.html", "text/html; charset=utf-8"),
    "https://example.org/cp1251": (HTML / "cp1251_ru_no_declaration.html", "text/html"),
}


@pytest.fixture(scope="module")
def spark():
    with pytest.MonkeyPatch.context() as env:
        # Executors (Python workers) run the same interpreter as the tests.
        env.setenv("PYSPARK_PYTHON", sys.executable)
        env.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        session = (
            pyspark.sql.SparkSession.builder.master("local[2]")
            .appName("cleaner-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", "1g")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("spark-input")
    pages = {ident: page.read_text(encoding="utf-8") for ident, page in GOOD_JSONL.items()}
    first = [
        json.dumps({"id": "ru-ui", "url": load_expected(GOOD_JSONL["ru-ui"])["url"], "html": pages["ru-ui"],
                    "crawl": "2025-11"}, ensure_ascii=False),
        json.dumps({"id": "semantic-en", "html": pages["semantic-en"]}, ensure_ascii=False),
        '{"id": "broken", "html": "<html><body><p>cut',  # not JSON: its id cannot be read
    ]
    second = [
        json.dumps({"id": "seed-002", "text": pages["seed-002"]}, ensure_ascii=False),
        "",  # blank lines are skipped, as by the clean command
        json.dumps({"id": "no-page", "url": "https://example.org/empty", "title": "nothing"}),
    ]
    (folder / "a.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(second) + "\n", encoding="utf-8")

    good, _ = _warc(folder / "good.warc.gz", include_other_records=True)
    whole, first_end = _warc(folder / "whole.warc.gz", include_other_records=False)
    data = whole.read_bytes()
    (folder / "cut.warc.gz").write_bytes(data[: (first_end + len(data)) // 2])  # cut inside the second record
    return {"jsonl": [folder / "a.jsonl", folder / "b.jsonl"], "warc": [good, folder / "cut.warc.gz"]}


def _warc(path: Path, include_other_records: bool) -> tuple[Path, int]:
    """A gzipped WARC of the GOOD_WARC pages; and where the first response ends."""
    ends = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for uri, (page, content_type) in GOOD_WARC.items():
            if include_other_records:
                request = StatusAndHeaders(f"GET /{uri.rsplit('/', 1)[1]} HTTP/1.1", [("Host", "example.org")],
                                           is_http_request=True)
                writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(page.read_bytes()),
                                                          http_headers=headers))
            ends.append(stream.tell())
        if include_other_records:  # not a page: skipped
            png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response",
                                                          payload=io.BytesIO(b"\x89PNG\r\n\x1a\n"), http_headers=png))
    return path, ends[0]


def _run_job(spark, inputs, tmp_path: Path, input_format: str, output_format: str, *extra: str) -> list[dict]:
    """Run the job; the output objects, read back from JSON Lines part files or with spark.read.parquet."""
    out = tmp_path / f"{input_format}-{output_format}"
    argv = ["--input", *map(str, inputs[input_format]), "--input-format", input_format,
            "--output", str(out), "--output-format", output_format, *extra]
    assert main(argv, spark=spark) == 0
    if output_format == "jsonl":
        return [json.loads(line) for part in sorted(out.glob("part-*")) for line in part.read_text("utf-8").splitlines()]
    rows = spark.read.parquet(str(out)).collect()
    objects = []
    for row in rows:
        obj = json.loads(row.result_json)
        error = obj.get("error") or {}
        ident = obj["id"] if obj["id"] is None or isinstance(obj["id"], str) else json.dumps(obj["id"])
        # The flat columns say what the whole object says.
        assert (row.id, row.position, row.input, row.url, row.title, row.language, row.text) == (
            ident, obj["position"], obj["input"], obj["metadata"].get("url"), obj["title"], obj["language"], obj["text"])
        assert (row.error_type, row.error_message, row.removed_count) == (
            error.get("type"), error.get("message"), len(obj["removed"]))
        objects.append(obj)
    return objects


def _check_good(out: dict, page: Path) -> None:
    expected = load_expected(page)
    assert "error" not in out, out.get("error")
    assert out["schema"] == "cleaner/1"
    assert out["title"] == expected["title"]
    assert out["language"] == expected["language"]
    if page.suffix == ".txt":
        assert out["text"] == expected["text"]
    else:
        kept = out["text"].split("\n\n")
        assert all(paragraph in kept for paragraph in expected["text"].split("\n\n"))


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_jsonl_crawl_every_record_out_good_ones_cleaned(spark, inputs, tmp_path, output_format):
    out = _run_job(spark, inputs, tmp_path, "jsonl", output_format)

    assert len(out) == 5  # 6 lines, one blank: nothing lost
    by_id = {o["id"]: o for o in out if o["id"] is not None}
    assert set(by_id) == {"ru-ui", "semantic-en", "seed-002", "no-page"}
    for ident, page in GOOD_JSONL.items():
        _check_good(by_id[ident], page)
    assert by_id["ru-ui"]["fields"] == {"crawl": "2025-11"}
    assert by_id["ru-ui"]["metadata"]["url"] == load_expected(GOOD_JSONL["ru-ui"])["url"]

    # Each file was read in its own partition; position counts the partition's records.
    assert {o["input"].split("#")[0].rsplit("/", 1)[-1] for o in out} == {"a.jsonl", "b.jsonl"}
    for name, ids in (("a.jsonl", ["ru-ui", "semantic-en", None]), ("b.jsonl", ["seed-002", "no-page"])):
        mine = sorted((o for o in out if o["input"].split("#")[0].endswith(name)), key=lambda o: o["position"])
        assert [o["id"] for o in mine] == ids
        assert [o["position"] for o in mine] == list(range(len(ids)))
        assert all(o["input"].startswith("file:") and "#partition-" in o["input"] for o in mine)

    broken = next(o for o in out if o["id"] is None)
    assert broken["input"].endswith(":3") and broken["position"] == 2
    assert broken["error"]["type"] == "InputError"
    assert "not a JSON object" in broken["error"]["message"]
    assert broken["text"] == "" and broken["language"] == "und"
    no_page = by_id["no-page"]
    assert no_page["position"] == 1 and no_page["input"].endswith(":2")  # the blank line is not counted
    assert no_page["error"]["message"].endswith("no 'html' or 'text' field")
    assert no_page["fields"] == {"title": "nothing"}


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_warc_crawl_html_responses_cleaned_cut_file_an_error_record(spark, inputs, tmp_path, output_format):
    out = _run_job(spark, inputs, tmp_path, "warc", output_format, "--partitions", "3")

    good = [o for o in out if "good.warc.gz" in o["input"]]
    cut = [o for o in out if "cut.warc.gz" in o["input"]]
    assert len(good) == 2  # two HTML responses; the request and the PNG are not pages
    pages = {load_expected(page)["title"]: page for page, _ in GOOD_WARC.values()}
    assert {o["title"] for o in good} == set(pages)
    for o in good:
        _check_good(o, pages[o["title"]])
        assert o["id"].startswith("<urn:uuid:") and o["id"] in o["input"]
    assert sorted(o["position"] for o in good) == [0, 1]

    # The cut file: its first record whole, then an error record where reading stopped.
    assert len(cut) == 2
    first, broken = sorted(cut, key=lambda o: o["position"])
    _check_good(first, GOOD_WARC["https://example.org/ru-ui-over-en"][0])
    assert broken["position"] == 1 and broken["error"]["type"] == "InputError"
    assert "unreadable WARC after 1 records" in broken["error"]["message"]
    assert len(out) == 4


def test_jsonl_and_parquet_outputs_hold_the_same_objects(spark, inputs, tmp_path):
    as_jsonl = _run_job(spark, inputs, tmp_path, "jsonl", "jsonl", "--partitions", "1")
    as_parquet = _run_job(spark, inputs, tmp_path, "jsonl", "parquet", "--partitions", "1")
    key = lambda o: json.dumps(o, sort_keys=True)  # noqa: E731
    assert sorted(map(key, as_jsonl)) == sorted(map(key, as_parquet))
    # One partition, merged in order: output order is input order.
    assert [o["id"] for o in as_jsonl] == ["ru-ui", "semantic-en", None, "seed-002", "no-page"]


def test_existing_output_is_refused_unless_overwrite(spark, inputs, tmp_path, capsys):
    argv = ["--input", str(inputs["jsonl"][1]), "--output", str(tmp_path / "out")]
    assert main(argv, spark=spark) == 0
    assert main(argv, spark=spark) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*argv, "--overwrite", "--output-format", "parquet"], spark=spark) == 0
    assert spark.read.parquet(str(tmp_path / "out")).count() == 2


@pytest.mark.parametrize("name", ["missing.jsonl", "missing.warc.gz"])
def test_missing_input_is_a_usage_error_and_writes_nothing(spark, tmp_path, capsys, name):
    out = tmp_path / "out"
    assert main(["--input", str(tmp_path / name), "--output", str(out)], spark=spark) == 2
    assert "does not exist" in capsys.readouterr().err and not out.exists()


def test_bad_rule_pack_is_a_usage_error_before_spark_starts(tmp_path, capsys):
    pack = tmp_path / "bad.toml"
    pack.write_text("[pack]\nid = 'x'\n", encoding="utf-8")
    assert main(["--input", "x.jsonl", "--output", str(tmp_path / "o"), "--rules", str(pack)]) == 2
    assert str(pack) in capsys.readouterr().err


def test_clean_partition_is_plain_python():
    rows = [
        '{"id": 1, "text": "Headline\\n\\nThe article.\\n\\nПоделиться"}',
        pyspark.sql.Row(id="r", html=None, text="Title\n\nBody text here.", url="https://e.org/r"),
        {"id": "d", "url": "https://e.org/d"},
        ("s3a://bucket/x.jsonl", b'{"id": "b", "text": "One\\n\\nTwo."}'),
        42,
    ]
    out = list(clean_partition(rows, partition=7, languages=["ru", "en"]))
    assert [o["id"] for o in out] == [1, "r", "d", "b", None]
    assert [o["position"] for o in out] == [0, 1, 2, 3, 4]
    assert out[0]["text"] == "The article." and [r["text"] for r in out[0]["removed"]] == ["Поделиться"]
    assert out[0]["input"] == "<spark>#partition-7:1"
    assert out[1]["text"] == "Body text here." and out[1]["metadata"]["url"] == "https://e.org/r"
    assert out[2]["error"]["type"] == "InputError"
    assert out[3]["input"] == "s3a://bucket/x.jsonl#partition-7:1" and out[3]["text"] == "Two."
    assert "row is int" in out[4]["error"]["message"]
    assert out[0]["provenance"]["options"]["detect"]["languages"] == ["en", "ru"]


def test_spark_submit_runs_the_module_file(inputs, tmp_path):
    spark_submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    out = tmp_path / "submitted"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable,
           "SPARK_LOCAL_IP": "127.0.0.1"}
    done = subprocess.run(
        [str(spark_submit), "--master", "local[2]", "--driver-memory", "512m", "--conf", "spark.ui.enabled=false",
         spark_job.__file__, "--input", *map(str, inputs["jsonl"]), "--output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # spark-submit's Python runner sends the driver's stderr to stdout.
    assert "cleaner: 5 records, 3 cleaned, 2 failed" in done.stdout + done.stderr
    lines = [line for part in sorted(out.glob("part-*")) for line in part.read_text("utf-8").splitlines()]
    assert sorted(json.loads(line)["id"] or "" for line in lines) == ["", "no-page", "ru-ui", "seed-002", "semantic-en"]


def test_a_warc_file_warcio_chokes_on_becomes_an_error_record(monkeypatch):
    def read_warc(stream, source):
        yield Record(0, b"<p>fine</p>", source=f"{source}@first")
        raise AttributeError("'NoneType' object has no attribute 'startswith'")  # as warcio does on a cut header

    monkeypatch.setattr(spark_job, "read_warc", read_warc)
    records = list(spark_job.warc_records(("hdfs:///crawl/x.warc.gz", b"")))
    assert [r.position for r in records] == [0, 1]
    assert records[1].error.startswith("hdfs:///crawl/x.warc.gz: unreadable WARC after 1 records: AttributeError")


def test_learn_sites_groups_by_host_before_cleaning(spark, tmp_path):
    from test_sites import PROMO, TAGLINE, crawl

    pages = crawl()
    crawl_file = tmp_path / "crawl.jsonl"
    crawl_file.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8")
    packs, output = tmp_path / "packs", tmp_path / "out"
    assert main(["--input", str(crawl_file), "--output", str(output), "--learn-sites", "--site-packs", str(packs),
                 "--partitions", "2"], spark=spark) == 0
    assert [p.name for p in packs.iterdir()] == ["stadtblatt.example.de.toml"]
    from cleaner.sites import learn_sites

    # Learned across partitions, the pack is the one learned in one process.
    assert (packs / "stadtblatt.example.de.toml").read_text(encoding="utf-8") == learn_sites(pages)[0].toml
    out = [json.loads(line) for part in sorted(output.glob("part-*")) for line in part.read_text().splitlines()]
    assert len(out) == len(pages)
    for record in out:
        assert PROMO not in record["text"] and TAGLINE not in record["text"]
        assert any(r["category"] == "site" and r["evidence"] for r in record["removed"])
