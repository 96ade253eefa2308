"""The Scrapy pipeline: a real crawl of a local site in a subprocess, and `process_item` alone.

The crawl runs in a child process because a Twisted reactor cannot be started
twice in one process; the site is a `ThreadingHTTPServer` on an ephemeral port
serving three fixture articles, a page that is all chrome and a PNG sent as
text/html.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

scrapy = pytest.importorskip(
    "scrapy", reason="Scrapy is not installed; the pipeline needs the extra: pip install 'cleaner[scrapy]'"
)
pytest.importorskip("itemadapter", reason="itemadapter comes with Scrapy; install the scrapy extra")

from scrapy.http import HtmlResponse  # noqa: E402
from scrapy.crawler import Crawler  # noqa: E402

from cleaner.integrations.scrapy import (  # noqa: E402
    CleanerPipeline,
    CleaningFailed,
    EmptyArticle,
    NoPageField,
)
from conftest import FIXTURES, ROOT, SLOW_PACK, load_expected, slow_block  # noqa: E402

HTML = FIXTURES / "html"
PIPELINE = "cleaner.integrations.scrapy.CleanerPipeline"

# Served name -> (fixture page, Content-Type sent).  The windows-1251 page goes
# out with no charset anywhere: the cleaner must find it from the bytes.
ARTICLES = {
    "divsoup-ru-ui.html": (HTML / "divsoup_ru_ui_over_en.html", "text/html"),
    "semantic-en.html": (HTML / "semantic_clean_en.html", "text/html; charset=utf-8"),
    "cp1251-ru.html": (HTML / "cp1251_ru_no_declaration.html", "text/html"),
}
CHROME_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Вологда Сегодня</title></head>
<body>
<div class="ad-slot"><p>Реклама</p></div>
<div id="cookie-banner" role="dialog" aria-label="cookie consent">
  <p>Этот сайт использует куки. Мы используем куки для аналитики.</p>
  <button>Принять</button><button>Отклонить</button>
</div>
</body></html>
"""
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
OTHERS = {"chrome-only.html": "text/html; charset=utf-8", "picture.html": "text/html"}

SPIDER = '''
import json

import scrapy


class SiteSpider(scrapy.Spider):
    name = "site"
    custom_settings = {
        "ITEM_PIPELINES": {"cleaner.integrations.scrapy.CleanerPipeline": 300},
        "CLEANER_TEXT_FIELD": "article_text",
        "FEED_EXPORT_FIELDS": ["url", "cleaned", "article_text"],
        "FEED_EXPORT_ENCODING": "utf-8",
        "LOG_LEVEL": "INFO",
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # Scrapy 2.19+: an HTTP control server and a job file in ~
        "CLOSESPIDER_TIMEOUT": 60,
        "RETRY_ENABLED": False,
    }

    def __init__(self, start_url, stats_path, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start_url]
        self.stats_path = stats_path

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_page)

    def parse_page(self, response):
        yield {
            "url": response.url,
            "html": response.body,
            "headers": {"Content-Type": response.headers.get("Content-Type", b"").decode("latin-1")},
        }

    def closed(self, reason):
        with open(self.stats_path, "w", encoding="utf-8") as out:
            json.dump(self.crawler.stats.get_stats(), out, default=str, indent=1)
'''


class _Handler(SimpleHTTPRequestHandler):
    content_types: dict[str, str] = {}

    def guess_type(self, path):
        return self.content_types.get(Path(path).name, "text/html")

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The base URL of a local site: an index linking to five pages."""
    root = tmp_path_factory.mktemp("site")
    content_types = {"index.html": "text/html; charset=utf-8", **OTHERS}
    for name, (page, content_type) in ARTICLES.items():
        (root / name).write_bytes(page.read_bytes())
        content_types[name] = content_type
    (root / "chrome-only.html").write_text(CHROME_PAGE, encoding="utf-8")
    (root / "picture.html").write_bytes(PNG)
    links = "\n".join(f'<li><a href="/{name}">{name}</a></li>' for name in [*ARTICLES, *OTHERS])
    (root / "index.html").write_text(f"<!DOCTYPE html><html><body><ul>\n{links}\n</ul></body></html>", encoding="utf-8")

    handler = type("Handler", (_Handler,), {"content_types": content_types})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def crawl(site, tmp_path_factory):
    """Run the spider with the pipeline in a child process; its items, stats and log."""
    work = tmp_path_factory.mktemp("crawl")
    (work / "spider.py").write_text(textwrap.dedent(SPIDER), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    command = [
        sys.executable, "-m", "scrapy", "runspider", "spider.py",
        "-a", f"start_url={site}/index.html",
        "-a", f"stats_path={work / 'stats.json'}",
        "-o", "items.jsonl",
    ]
    try:
        proc = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the crawl ran past 120 s; log tail:\n{(exc.stderr or '')[-3000:]}")
    log = proc.stderr
    assert proc.returncode == 0, f"scrapy exited {proc.returncode}; log tail:\n{log[-3000:]}"
    items = [json.loads(line) for line in (work / "items.jsonl").read_text(encoding="utf-8").splitlines() if line]
    stats = json.loads((work / "stats.json").read_text(encoding="utf-8"))
    return {item["url"].rsplit("/", 1)[-1]: item for item in items}, stats, log


# -- the crawl ---------------------------------------------------------------


def test_crawl_cleans_every_page_off_the_reactor_thread(crawl):
    _, stats, _ = crawl
    assert stats["cleaner/pages_in_thread_pool"] == 5  # three articles, the chrome page, the picture


def test_crawl_keeps_the_three_articles_cleaned(crawl):
    items, stats, log = crawl
    assert sorted(items) == sorted(ARTICLES), log[-3000:]
    for name, (page, _) in ARTICLES.items():
        expected = load_expected(page)
        cleaned = items[name]["cleaned"]
        assert cleaned["schema"] == "cleaner/1"
        assert "error" not in cleaned
        assert cleaned["title"] == expected["title"], name
        assert cleaned["language"] == expected["language"], name
        kept = cleaned["text"].split("\n\n")
        missing = [p for p in expected["text"].split("\n\n") if p not in kept]
        assert missing == [], name
        assert items[name]["article_text"] == cleaned["text"]
        assert cleaned["metadata"]["url"] == items[name]["url"]  # the crawl's own address stays
        assert cleaned["metadata"]["canonical"] == expected["url"]  # the page's canonical link beside it


def test_crawl_passes_the_response_charset_and_leaves_undeclared_bytes_to_detection(crawl):
    items, _, _ = crawl
    semantic = items["semantic-en.html"]["cleaned"]["provenance"]
    assert (semantic["encoding"], semantic["encoding_source"]) == ("utf-8", "http-header")
    cp1251 = items["cp1251-ru.html"]["cleaned"]["provenance"]
    assert (cp1251["encoding"], cp1251["encoding_source"]) == ("cp1251", "detected")
    assert "Реклама" not in items["cp1251-ru.html"]["cleaned"]["text"]


def test_crawl_drops_the_chrome_page_and_the_binary_page_each_under_its_reason(crawl):
    items, stats, log = crawl
    assert "chrome-only.html" not in items and "picture.html" not in items
    assert stats["item_scraped_count"] == 3
    assert stats["item_dropped_count"] == 2
    assert stats["item_dropped_reasons_count/EmptyArticle"] == 1
    assert stats["item_dropped_reasons_count/CleaningFailed"] == 1
    assert "item_dropped_reasons_count/NoPageField" not in stats
    assert "Spider closed (finished)" in log  # stats get finish_reason only after the spider's closed()
    assert "log_count/ERROR" not in stats, log[-3000:]
    assert "DeprecationWarning" not in log, log[-3000:]  # e.g. a process_item that requires `spider` (Scrapy 2.14+)
    assert "chrome-only.html: no article text left after cleaning" in log
    assert "picture.html: binary data" in log


# -- process_item without a crawl ---------------------------------------------


class Article(scrapy.Item):
    url = scrapy.Field()
    html = scrapy.Field()
    cleaned = scrapy.Field()


def crawler(settings=None):
    """A crawler that is never started: what Scrapy hands `from_crawler` (no reactor needed)."""
    return Crawler(scrapy.Spider, settings or {})


class BareArticle(scrapy.Item):
    url = scrapy.Field()
    html = scrapy.Field()


SEMANTIC = HTML / "semantic_clean_en.html"
URL = "https://example.org/news/1"


@pytest.fixture(scope="module")
def pipeline(cleaner):
    return CleanerPipeline(cleaner=cleaner)


def test_dict_item_gets_the_result_and_keeps_its_fields(cleaner):
    pipeline = CleanerPipeline(text_field="article_text", cleaner=cleaner)
    item = {"url": URL, "html": SEMANTIC.read_bytes(), "extra": 1}
    out = pipeline.process_item(item)
    expected = load_expected(SEMANTIC)
    assert out is item
    assert out["cleaned"]["title"] == expected["title"]
    assert out["cleaned"]["text"] == expected["text"] == out["article_text"]
    assert out["extra"] == 1 and isinstance(out["html"], bytes)


def test_scrapy_item_subclass_gets_the_result(pipeline):
    item = Article(url=URL, html=SEMANTIC.read_text(encoding="utf-8"))
    out = pipeline.process_item(item, None)  # the pre-2.14 calling convention still works
    assert isinstance(out, Article)
    assert out["cleaned"]["language"] == "en"
    assert out["cleaned"]["metadata"]["site"] == "The Civic Ledger"


def test_scrapy_item_without_the_output_field_says_what_to_declare(pipeline):
    with pytest.raises(KeyError, match=r"BareArticle has no field 'cleaned'.*scrapy\.Field\(\)"):
        pipeline.process_item(BareArticle(url=URL, html=SEMANTIC.read_bytes()))


def test_text_field_is_the_fallback_input(pipeline):
    out = pipeline.process_item({"url": URL, "text": "Headline\n\nThe article.\n\nПоделиться"})
    assert (out["cleaned"]["title"], out["cleaned"]["text"]) == ("Headline", "The article.")


def test_a_response_in_the_field_is_read_with_its_headers(pipeline):
    body = (HTML / "cp1251_ru_no_declaration.html").read_bytes()
    response = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html; charset=windows-1251"})
    out = pipeline.process_item({"url": URL, "html": response})
    assert out["cleaned"]["provenance"]["encoding_source"] == "http-header"
    assert out["cleaned"]["language"] == "ru"


@pytest.mark.parametrize(
    ("item", "error", "message"),
    [
        ({"url": URL, "body": "x"}, NoPageField, f"{URL}: no 'html' or 'text' field holding the page"),
        ({"url": URL, "html": PNG}, CleaningFailed, f"{URL}: binary data"),
        ({"url": URL, "html": b" \n\t"}, CleaningFailed, f"{URL}: input is empty"),
        ({"url": URL, "html": CHROME_PAGE}, EmptyArticle, f"{URL}: no article text left after cleaning"),
        ({"html": CHROME_PAGE}, EmptyArticle, "item without a url: no article text"),
    ],
    ids=["no-page", "binary", "blank", "chrome-only", "no-url"],
)
def test_each_drop_has_its_own_reason_and_a_one_line_message(pipeline, item, error, message):
    with pytest.raises(error) as caught:
        pipeline.process_item(item)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_failed_and_empty_items_are_kept_when_told(cleaner):
    pipeline = CleanerPipeline(drop_failed=False, drop_empty=False, text_field="article_text", cleaner=cleaner)
    failed = pipeline.process_item({"url": URL, "html": PNG})
    assert failed["cleaned"]["error"]["type"] == "BinaryInputError"
    assert failed["cleaned"]["metadata"] == {"url": URL}
    empty = pipeline.process_item({"url": URL, "html": CHROME_PAGE})
    assert empty["cleaned"]["text"] == "" == empty["article_text"]
    assert "error" not in empty["cleaned"]


def test_a_page_past_the_time_limit_fails_under_its_reason(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_PACK, encoding="utf-8")
    pipeline = CleanerPipeline(rules=[str(tmp_path / "slow.toml")], timeout=1)
    page = "Title\n\n" + "\n\n".join([slow_block(0.05)] * 400)  # a minute of matching without the limit
    with pytest.raises(CleaningFailed, match=rf"^{URL}: cleaning took longer than the time limit of 1s"):
        pipeline.process_item({"url": URL, "text": page})


def test_settings_are_read_from_the_crawler():
    configured = crawler({
        "CLEANER_INPUT_FIELD": "body",
        "CLEANER_URL_FIELD": "link",
        "CLEANER_OUTPUT_FIELD": "clean",
        "CLEANER_TEXT_FIELD": "article",
        "CLEANER_LANGUAGES": "ru,en",  # as given with -s on the command line
        "CLEANER_DROP_EMPTY": "False",
        "CLEANER_DROP_FAILED": False,
    })
    pipeline = CleanerPipeline.from_crawler(configured)
    assert (pipeline.input_field, pipeline.url_field, pipeline.output_field, pipeline.text_field) == (
        "body", "link", "clean", "article")
    assert (pipeline.drop_empty, pipeline.drop_failed) == (False, False)
    assert pipeline.cleaner.config.detect.languages == ("en", "ru")
    out = pipeline.clean_item({"link": URL, "body": "Headline\n\nThe article."})
    assert out["clean"]["metadata"]["url"] == URL and out["article"] == "The article."
    assert pipeline.timeout == 60


def test_defaults_from_an_empty_crawler_settings():
    pipeline = CleanerPipeline.from_crawler(crawler())
    assert (pipeline.input_field, pipeline.url_field, pipeline.headers_field, pipeline.output_field) == (
        "html", "url", "headers", "cleaned")
    assert pipeline.text_field is None and pipeline.drop_empty and pipeline.drop_failed
    assert pipeline.cleaner.config.detect.languages is None


def test_a_bad_rule_pack_stops_the_pipeline_before_the_crawl(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = not [valid", encoding="utf-8")
    from cleaner import RulePackError

    with pytest.raises(RulePackError, match="bad.toml"):
        CleanerPipeline.from_crawler(crawler({"CLEANER_RULES": [str(bad)]}))


def test_the_module_names_the_extra_when_scrapy_is_missing():
    code = (
        "import sys; sys.modules['scrapy'] = None; sys.modules['scrapy.exceptions'] = None\n"
        "try:\n"
        "    import cleaner.integrations.scrapy\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "install the scrapy extra: pip install 'cleaner[scrapy]'" in out.stdout, out.stderr


def test_the_pipeline_path_in_the_docs_is_importable():
    from scrapy.utils.misc import load_object

    assert load_object(PIPELINE) is CleanerPipeline
    assert PIPELINE in sys.modules["cleaner.integrations.scrapy"].__doc__



def test_site_packs_learned_earlier_are_applied_by_host(tmp_path):
    from test_sites import PROMO, crawl

    from cleaner.sites import learn_sites, write_packs

    pages = crawl()
    write_packs(learn_sites(pages), tmp_path)
    from scrapy.settings import Settings

    settings = Settings({"CLEANER_SITE_PACKS": str(tmp_path)})
    pipeline = CleanerPipeline.from_crawler(type("Crawler", (), {"settings": settings})())
    out = pipeline.clean_item(dict(pages[1]))  # what process_item runs in the thread pool during a crawl
    assert PROMO not in out["cleaned"]["text"]
    assert [r["evidence"] for r in out["cleaned"]["removed"] if r["text"] == PROMO] == [
        "seen on 6 of 6 articles, article/p, de"]
