"""The HTML report: what a person sees of what was kept and what was cut.

Unit tests read the HTML string; the browser tests load it in headless
Chromium (installed with apt-get when missing and possible, else skipped)
and read the DOM it rendered, and save the README's screenshot.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import time
from importlib import resources
from pathlib import Path

import lxml.html
import pytest

from cleaner.core import error_result
from cleaner.document import Removal
from cleaner.report import CATEGORY_COLOURS, render_report, write_report
from cleaner.result import CleanResult, Segment, SegmentRun
from cleaner.rules import CATEGORIES

from conftest import FIXTURES, ROOT

SEED = FIXTURES / "seeds" / "000_f72e3418c6e8cf22.txt"
SEED_NAME = "fixtures/seeds/000_f72e3418c6e8cf22.txt"
SCREENSHOT = ROOT / "docs" / "report.png"
ARTICLE_START = "During the 20th round of China-Russia strategic security consultations"
AI_IMAGE_LABEL = "Изображение, созданное ИИ"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
PWN_SCRIPT = "<script>document.title='PWNED'</script>"
PWN_IMG = "<img src=x onerror=\"document.title='PWNED'\">"


def clean_file(cleaner, path: Path):
    return cleaner.clean(path.read_bytes(), name=str(path.relative_to(ROOT)))


@pytest.fixture(scope="module")
def seed_result(cleaner):
    return clean_file(cleaner, SEED)


def hostile_result(script: str, img: str) -> CleanResult:
    """Markup in every place a page (or a rule pack) can put text."""
    evil = f"{script} {img}"
    return CleanResult(
        text=f"Body {evil}",
        title=f"Title {evil}",
        language="en",
        segments=[
            Segment(f"Title {evil}", "en", "title", 0, 60, 0.9),
            Segment(f"Body {evil} «Привет {script}»", "en", "paragraph", 62, 180, 0.8,
                    runs=[SegmentRun(f"Body {evil} «", "en", 62, 130),
                          SegmentRun(f"Привет {script}»", "ru", 130, 180)]),
            Segment(f"Kind {evil}", f"en\"{img}", f"para\" onmouseover=\"x{img}", 182, 200, 0.5),
        ],
        removed=[
            Removal(f"Cut {evil}", f"pack/rule\"{img}", f"cat\"{img}", f"ru\"{img}", 61, 62, f"strip{script}"),
            Removal(f"Poisoned <b>bold</b> {evil}", "share/share-buttons", "share", "ru", 300, 340, "drop_block"),
        ],
        metadata={"url": f"javascript:alert(1)//{img}", "site": evil, "author": script, "date": img,
                  f"x\"{img}": evil},
        provenance={"input_sha256": evil, "input_kind": img, "encoding": script, "encoding_source": img,
                    "fixes": {img: 1}, "versions": {script: img},
                    "rule_packs": [{"id": script, "version": img, "sha256": f"\"{img}"}],
                    "options": {"languages": [script, img]}},
    )


def page_of(text: str, cleaner) -> CleanResult:
    """A real result: a text page (not sniffed as HTML) whose title and article carry markup."""
    page = (f"Headline with {text}\n\n"
            "The town council met on Monday evening to discuss the new bridge over the river, and the mayor "
            f"read out a letter that said {text} in the middle of a long sentence about the budget.\n\n"
            "Work is to start in the spring and end before the winter, the council said.\n\nПоделиться")
    result = cleaner.clean(page, name="evil.txt")
    assert result.provenance["input_kind"] == "text"
    return result


# -- the HTML string --------------------------------------------------------


def elements(report: str):
    return lxml.html.document_fromstring(report)


def assert_inert(report: str) -> None:
    """No element, attribute or tag that the page's text could have brought in."""
    lowered = report.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    # Outside quoted attribute values (escaped text, where a quote cannot occur), no tag has onerror=.
    for tag in re.findall(r"<[^<>]*>", lowered):
        bare = re.sub(r'"[^"]*"', '""', tag)
        assert "onerror" not in bare and re.search(r"\son\w+\s*=", bare) is None, tag
    tree = elements(report)
    assert not tree.xpath("//script | //img | //iframe | //object | //embed | //link | //base | //form | //svg")
    for el in tree.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert value.startswith("#"), (el.tag, name, value)
    # The page's text is still all there, as text.
    assert "&lt;script&gt;" in report


def test_escapes_markup_from_a_real_page(cleaner):
    result = page_of(f"{SCRIPT} and {IMG}", cleaner)
    assert SCRIPT in result.text and IMG in result.text  # the cleaner kept it as text
    report = render_report([(f"evil {SCRIPT}.txt", result)])
    assert_inert(report)
    text = elements(report).text_content()
    assert f"said {SCRIPT} and {IMG} in the middle" in text
    assert elements(report).xpath("string(//title)") == f"cleaner report: evil {SCRIPT}.txt"


def test_escapes_markup_in_every_field():
    result = hostile_result(SCRIPT, IMG)
    failed = error_result(ValueError(f"line 3: {SCRIPT} {IMG}"), f"{SCRIPT}", url=f"{IMG}", name=f"in {IMG}")
    report = render_report([(f"name {SCRIPT} {IMG}", result), (f"{IMG}", failed)])
    assert_inert(report)
    tree = elements(report)
    assert not tree.xpath("//b[normalize-space()='bold']")  # not even harmless tags get through
    assert f"Poisoned <b>bold</b> {SCRIPT}" in tree.text_content()
    assert f"line 3: {SCRIPT} {IMG}" in tree.text_content()


def test_head_is_self_contained_and_locked_down(seed_result):
    report = render_report([(SEED_NAME, seed_result)])
    tree = elements(report)
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert tree.xpath("//meta[@charset]/@charset") == ["utf-8"]
    assert not tree.xpath("//script | //link | //img | //@src")
    assert "http://" not in report.split("<body>")[0] and "https://" not in report.split("<body>")[0]
    assert "@import" not in report and "url(" not in report


def test_every_category_has_a_colour_and_only_categories_have_one():
    assert list(CATEGORY_COLOURS) == list(CATEGORIES)


def test_the_schema_lists_the_same_categories_as_the_rules():
    schema = json.loads((ROOT / "cleaner" / "schema" / "cleaner-1.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["removed"]["items"]["properties"]["category"]["enum"] == list(CATEGORIES)


def test_the_stylesheet_is_package_data_inlined_whole(seed_result):
    css = resources.files("cleaner").joinpath("report.css").read_text(encoding="utf-8")
    assert css.startswith(":root{") and css.endswith("}\n")
    assert f"<style>\n{css}</style>" in render_report([(SEED_NAME, seed_result)])


def test_same_results_same_bytes(cleaner):
    items = [(str(p.relative_to(ROOT)), clean_file(cleaner, p)) for p in (SEED, FIXTURES / "text" / "clean_en_quotes_ru.txt")]
    again = [(str(p.relative_to(ROOT)), clean_file(cleaner, p)) for p in (SEED, FIXTURES / "text" / "clean_en_quotes_ru.txt")]
    assert render_report(items) == render_report(again)
    assert render_report(iter(items)) == render_report(items)  # any iterable, read once


def test_seed_page_pieces_in_source_order_with_rule_category_and_lang(seed_result):
    report = render_report([(SEED_NAME, seed_result)])
    tree = elements(report)
    rows = tree.xpath("//section[@id='page-1']//div[contains(@class, 'row')]")
    assert len(rows) == len(seed_result.segments) + len(seed_result.removed)
    starts = [int(r.xpath(".//span[@class='pos']")[0].text_content().split("–")[0]) for r in rows]
    assert starts == sorted(starts)

    cut_rows = [r for r in rows if "cut" in r.get("class").split()]
    assert len(cut_rows) == len(seed_result.removed)
    for row, removal in zip(cut_rows, sorted(seed_result.removed, key=lambda r: r.start)):
        assert row.xpath("string(.//del)") == removal.text
        why = row.xpath(".//div[@class='why']")[0]
        assert why.xpath("string(.//code)") == removal.rule
        assert why.xpath("string(.//span[contains(@class, 'chip')])") == removal.category
        assert why.xpath("string(.//span[contains(@class, 'lang')])") == removal.lang
        assert removal.action in why.text_content()
        assert f"--c:{CATEGORY_COLOURS[removal.category][0]}" in row.get("style")

    kept_rows = [r for r in rows if "kept" in r.get("class").split()]
    assert [r.xpath("string(.//div[@class='txt'])").removeprefix("en") for r in kept_rows] == [
        s.text for s in seed_result.segments
    ]
    for row in kept_rows:
        assert not row.xpath(".//del")
        assert row.xpath(".//span[contains(@class, 'lang')]")[0].text == "en"

    # Header: name, language, title, provenance, counts per category.
    head = tree.xpath("//section[@id='page-1']/header")[0]
    text = head.text_content()
    assert SEED_NAME in text and seed_result.title in text
    assert seed_result.provenance["input_sha256"] in text
    assert "valid UTF-8" in text
    for pack in seed_result.provenance["rule_packs"]:
        assert f"{pack['id']} {pack['version']}" in text
    counts = {c.xpath("string(text())"): int(c.xpath("string(b)")) for c in head.xpath(".//p[@class='counts']/span[@class='chip']")}
    assert counts == {"related": 10, "ai_image_label": 4, "ai_text_label": 4, "cookie_consent": 4, "reactions": 2,
                      "ai_image_caption": 1}
    assert not tree.xpath("//nav[@class='index']")  # one page: no index


def test_index_for_several_inputs(cleaner):
    paths = [SEED, FIXTURES / "html" / "cp1251_ru_no_declaration.html", FIXTURES / "text" / "clean_zh_dunhuang.txt"]
    items = [(str(p.relative_to(ROOT)), clean_file(cleaner, p)) for p in paths]
    items.append(("crawl.jsonl:4", error_result(ValueError("crawl.jsonl:4: not a JSON object"), None)))
    tree = elements(render_report(items))
    rows = tree.xpath("//nav[@class='index']//tbody/tr")
    assert len(rows) == 4
    for number, (row, (name, result)) in enumerate(zip(rows, items), 1):
        cells = [c.text_content() for c in row.xpath("td")]
        assert cells[0] == str(number) and cells[1] == name
        assert row.xpath("td/a/@href") == [f"#page-{number}"]
        assert tree.xpath(f"//section[@id='page-{number}']/header/h2")[0].text_content() == f"{number}{name}"
        assert cells[4:] == [str(len(result.segments)), str(len(result.removed))]
        if result.error is None:
            assert cells[2] == result.language and cells[3] == result.title
        else:
            assert cells[3] == "ValueError"
    sections = tree.xpath("//main/section")
    assert [s.get("id") for s in sections] == ["page-1", "page-2", "page-3", "page-4"]
    # An HTML page: removals found before extraction come after the blocks, in offset order.
    html_starts = [int(p.text.split("–")[0]) for p in sections[1].xpath(".//span[@class='pos']")]
    assert html_starts == sorted(html_starts)
    assert "Вологда Сегодня" in sections[1].xpath("string(header)")  # metadata: site
    assert "detected by charset-normalizer" in sections[1].xpath("string(header)")
    # The failed input: its error type and message.
    error = sections[3].xpath(".//div[@class='error']")[0]
    assert error.xpath("string(strong)") == "ValueError"
    assert "crawl.jsonl:4: not a JSON object" in error.text_content()
    assert tree.xpath("string(//title)") == "cleaner report: 4 pages"


def test_mixed_runs_get_a_badge_each(cleaner):
    result = clean_file(cleaner, FIXTURES / "text" / "clean_en_quotes_ru.txt")
    mixed = next(s for s in result.segments if s.runs)
    tree = elements(render_report([("riga.txt", result)]))
    row = next(r for r in tree.xpath("//div[contains(@class, 'kept')]") if "Мы вместе" in r.text_content())
    runs = row.xpath(".//span[@class='run']")
    assert [r.xpath("string(span[contains(@class, 'lang')])") for r in runs] == ["en", "ru", "en"]
    assert [r.get("lang") for r in runs] == ["en", "ru", "en"]
    assert runs[1].xpath("span[contains(@class, 'lang')]/@class") == ["lang other"]
    assert runs[1].text_content().removeprefix("ru").startswith("Мы вместе")
    assert "".join(r.text_content()[2:] for r in runs) == mixed.text  # no text lost or doubled


def test_long_removals_fold_and_empty_results_say_so():
    long = "x" * 4000
    result = CleanResult(language="en", removed=[Removal(long, "p/r", "navigation", "en", 0, 4000, "drop_block")])
    tree = elements(render_report([("long.html", result), ("empty.txt", CleanResult())]))
    dels = tree.xpath("//section[@id='page-1']//del")
    assert "".join(d.text_content() for d in dels) == long
    assert tree.xpath("//section[@id='page-1']//details/summary")[0].text_content() == "2,800 more characters"
    assert "Nothing kept and nothing removed" in tree.xpath("string(//section[@id='page-2'])")


def test_no_inputs_is_still_a_page():
    tree = elements(render_report([]))
    assert tree.xpath("string(//title)") == "cleaner report: 0 pages"
    assert not tree.xpath("//section")


def test_write_report(tmp_path, seed_result):
    out = tmp_path / "report.html"
    write_report(out, [(SEED_NAME, seed_result)])
    assert out.read_bytes() == render_report([(SEED_NAME, seed_result)]).encode("utf-8")


# -- a real browser ---------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--disable-quic", "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
INSTALL_TIMEOUT = 600  # seconds, apt-get update and install together
RUN_TIMEOUT = 60


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's headless Chromium: found on PATH, else installed with apt-get (as root), else skipped."""
    found = find_chromium()
    if found:
        return found
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("browser tests need Chromium: not on PATH, and it cannot be installed here "
                    "(needs root and apt-get); install it with: apt-get install chromium")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    deadline = time.monotonic() + INSTALL_TIMEOUT
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        left = deadline - time.monotonic()
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=max(left, 1))
        except subprocess.TimeoutExpired:
            pytest.skip(f"browser tests need Chromium: {' '.join(command)} took more than {INSTALL_TIMEOUT} s")
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            pytest.skip(f"browser tests need Chromium: {' '.join(command)} failed: {' | '.join(tail)}")
    found = find_chromium()
    if not found:
        pytest.skip("browser tests need Chromium: apt-get installed chromium but it is not on PATH")
    return found


@pytest.fixture
def browser(chromium, tmp_path_factory):
    """Run headless Chromium on one file with extra flags; returns its stdout."""

    def run(page: Path, *flags: str) -> str:
        profile = tmp_path_factory.mktemp("chromium-profile")
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *flags, page.resolve().as_uri()]
        # A session of its own, so that on a timeout the whole process tree goes, not just the launcher.
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"chromium took more than {RUN_TIMEOUT} s on {page.name}")
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        if proc.returncode != 0:
            pytest.fail(f"chromium exited {proc.returncode}: {err.decode('utf-8', 'replace')[-2000:]}")
        return out.decode("utf-8")

    return run


def rendered_dom(browser, page: Path):
    out = browser(page, "--dump-dom")
    assert out.strip(), "chromium dumped no DOM"
    return lxml.html.document_fromstring(out)


def struck(element) -> bool:
    return any(a.tag in ("del", "s", "strike") or "cut" in (a.get("class") or "").split()
               for a in element.iterancestors()) or element.tag in ("del", "s", "strike")


def test_browser_shows_cuts_struck_and_article_plain(browser, tmp_path, seed_result):
    page = tmp_path / "seed.html"
    write_report(page, [(SEED_NAME, seed_result)])
    dom = rendered_dom(browser, page)

    labels = [e for e in dom.iter() if isinstance(e.tag, str) and (e.text or "").strip() == AI_IMAGE_LABEL]
    assert labels, "the AI-image label is not in the rendered page"
    assert all(e.tag == "del" for e in labels)
    assert len(dom.xpath("//del")) == len(seed_result.removed)

    # Every kept segment is in the rendered page, in an element that is not struck through.
    assert any(s.text.startswith(ARTICLE_START) for s in seed_result.segments)
    for segment in seed_result.segments:
        holders = [e for e in dom.iter() if isinstance(e.tag, str) and segment.text in "".join(e.itertext())]
        innermost = [e for e in holders if not any(segment.text in "".join(c.itertext()) for c in e)]
        assert innermost, segment.text[:60]
        assert not any(struck(e) for e in innermost), segment.text[:60]


def test_browser_runs_no_script_from_the_page(browser, tmp_path, cleaner):
    # The harness can see a script run: an unescaped page does change its title.
    control = tmp_path / "control.html"
    control.write_text(f"<!DOCTYPE html><html><head><title>control</title></head><body>{PWN_SCRIPT}</body></html>",
                       encoding="utf-8")
    assert rendered_dom(browser, control).findtext(".//title") == "PWNED"

    items = [(f"evil {PWN_SCRIPT}.txt", page_of(f"{PWN_SCRIPT} {PWN_IMG}", cleaner)),
             (f"{PWN_IMG}", hostile_result(PWN_SCRIPT, PWN_IMG))]
    report = render_report(items)
    # With its Content-Security-Policy, and without it (escaping alone must hold).
    for name, html in (("report.html", report), ("no-csp.html", re.sub(r"<meta http-equiv=[^>]*>\n", "", report))):
        page = tmp_path / name
        page.write_text(html, encoding="utf-8")
        dom = rendered_dom(browser, page)
        assert dom.findtext(".//title") != "PWNED", name
        assert dom.findtext(".//title").startswith("cleaner report"), name
        assert not dom.xpath("//script | //img"), name
        assert PWN_SCRIPT in dom.text_content(), name  # shown as text


def test_browser_screenshot_of_the_seed_report(browser, tmp_path, seed_result):
    page = tmp_path / "seed.html"
    write_report(page, [(SEED_NAME, seed_result)])
    shot = tmp_path / "report.png"
    browser(page, f"--screenshot={shot}", "--window-size=1280,2000")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000, "a blank screenshot"
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
