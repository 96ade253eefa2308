"""The datatrove steps in a real `LocalPipelineExecutor`: JSON Lines and WARC in, JSON Lines out, two tasks.

One run reads two JSON Lines files, another two WARC files, each with two
tasks (datatrove's own readers split the files among the tasks).  Pages: fixture articles (a Russian interface
over an English story, a clean English story, a German interface over an
English one), a page of links only, a Russian article the filter's languages
leave out, and an empty page.  Every document either comes out cleaned with
its metadata, or is dropped with its reason into the exclusion writer.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove", reason="the datatrove steps need the extra: pip install 'cleaner[datatrove]'")

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader, WarcReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from cleaner.integrations.datatrove import CleanerExtractor, CleanerFilter  # noqa: E402
from cleaner.rules import builtin_packs  # noqa: E402
from conftest import FIXTURES, load_expected  # noqa: E402

HTML = FIXTURES / "html"
LINKS = "<html><body>" + "".join(f"<p><a href='/n/{i}'>Story number {i}</a></p>" for i in range(12)) + "</body></html>"
RUSSIAN = ("<html lang='ru'><body><article><h1>Библиотека в Казани</h1>" + "<p>"
           + "В Казани после ремонта открылась старейшая городская библиотека, где теперь есть читальный зал. " * 3
           + "</p></article></body></html>")


def _warc(path: Path, pages: dict[str, str]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in pages.items():
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                               http_headers=http)
            writer.write_record(record)


def _read(folder: Path) -> list[dict]:
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl.gz"))
            for line in gzip.open(path, "rt", encoding="utf-8")]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("datatrove")
    (root / "in").mkdir()
    rows = [
        {"id": "ru-ui", "html": (HTML / "divsoup_ru_ui_over_en.html").read_text(encoding="utf-8"),
         "url": "https://svodka.news/a"},
        {"id": "links", "html": LINKS, "url": "https://example.org/links"},
        {"id": "ru-article", "html": RUSSIAN, "url": "https://example.org/ru"},
    ]
    for name, part in (("a.jsonl", rows[:2]), ("c.jsonl", rows[2:])):  # one file per task
        with (root / "in" / name).open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in part)
    _warc(root / "in" / "b1.warc.gz", {
        "https://example.org/semantic": (HTML / "semantic_clean_en.html").read_text(encoding="utf-8")})
    _warc(root / "in" / "b2.warc.gz", {
        "https://example.org/de-ui": (HTML / "divsoup_de_ui_over_en.html").read_text(encoding="utf-8")})
    pipeline_a = [
        JsonlReader(str(root / "in"), glob_pattern="*.jsonl", text_key="html"),
        CleanerExtractor(timeout=60),
        CleanerFilter(languages=["en"], exclusion_writer=JsonlWriter(str(root / "dropped"))),
        JsonlWriter(str(root / "out")),
    ]
    LocalPipelineExecutor(pipeline_a, tasks=2, workers=2, logging_dir=str(root / "logs-a")).run()
    pipeline_b = [
        WarcReader(str(root / "in"), glob_pattern="*.warc.gz"),
        CleanerExtractor(timeout=60),
        CleanerFilter(languages=["en"], exclusion_writer=JsonlWriter(str(root / "dropped-warc"))),
        JsonlWriter(str(root / "out-warc")),
    ]
    LocalPipelineExecutor(pipeline_b, tasks=2, workers=2, logging_dir=str(root / "logs-b")).run()
    kept = {d["id"]: d for d in _read(root / "out")}
    kept.update({d["metadata"]["url"]: d for d in _read(root / "out-warc")})
    dropped = {d["id"]: d for d in _read(root / "dropped") + _read(root / "dropped-warc")}
    return kept, dropped


def test_articles_come_out_clean_with_their_metadata(run):
    kept, _ = run
    expected = load_expected(HTML / "divsoup_ru_ui_over_en.html")
    doc = kept["ru-ui"]
    assert doc["text"] == expected["text"]
    meta = doc["metadata"]
    assert meta["language"] == "en" and meta["title"] == expected["title"]
    assert meta["author"] == expected["metadata"]["author"] and meta["date"] == expected["metadata"]["date"]
    assert meta["removed"]["ai_image_label"] >= 1 and meta["removed"]["related"] >= 1
    ai_labels = next(f"{pack.id}@{pack.version}" for pack in builtin_packs() if pack.id == "ai-labels")
    assert len(meta["cleaner"]["input_sha256"]) == 64 and ai_labels in meta["cleaner"]["rule_packs"]
    assert "reason" not in meta["cleaner"] and "error" not in meta["cleaner"]


def test_warc_documents_go_through_the_same_steps_in_two_tasks(run):
    kept, _ = run
    for url, page in (("https://example.org/semantic", "semantic_clean_en.html"),
                      ("https://example.org/de-ui", "divsoup_de_ui_over_en.html")):
        assert kept[url]["text"] == load_expected(HTML / page)["text"]
        assert kept[url]["metadata"]["language"] == "en"


def test_non_articles_and_other_languages_are_dropped_with_a_reason(run):
    kept, dropped = run
    assert set(kept) == {"ru-ui", "https://example.org/semantic", "https://example.org/de-ui"}
    assert set(dropped) == {"links", "ru-article"}
    assert dropped["links"]["metadata"]["filter_reason"] == "not_article"
    assert dropped["links"]["metadata"]["cleaner"]["reason"].startswith("no article")
    assert dropped["ru-article"]["metadata"]["filter_reason"] == "wrong_language"
    assert dropped["ru-article"]["metadata"]["language"] == "ru"
    assert dropped["ru-article"]["text"].startswith("В Казани")
