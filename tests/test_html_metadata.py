"""Titles without the site's name, JSON-LD, authors and dates (cleaner.html.metadata, titles, jsonld)."""

from __future__ import annotations

import pytest

from cleaner.html import _parse, page_metadata
from cleaner.html.titles import strip_site


def meta(head: str, body: str = "<p>x</p>", url: str | None = None) -> dict[str, str]:
    return page_metadata(_parse(f"<html><head>{head}</head><body>{body}</body></html>"), url)


@pytest.mark.parametrize(("title", "site", "expected"), [
    ("Ливни затопили Сочи | Новости Кубани", "Новости Кубани", "Ливни затопили Сочи"),
    ("Obama admits US gun laws are his 'biggest frustration' - BBC News", "BBC News",
     "Obama admits US gun laws are his 'biggest frustration'"),
    ("「円安」が加速 ｜ 日経新聞", "日経新聞", "「円安」が加速"),
    ("宇航员在太空中喝酒会怎么样_光明网", "光明网", "宇航员在太空中喝酒会怎么样"),
    ("Die Zeit :: Der Rhein führt Niedrigwasser", "Die Zeit", "Der Rhein führt Niedrigwasser"),
    ("Le Sénat adopte la loi « Le Monde", "Le Monde", "Le Sénat adopte la loi"),
    ("Ceasefire holds — Haaretz", "Haaretz", "Ceasefire holds"),
])
def test_the_sites_name_is_cut_off_the_title_whatever_the_separator(title, site, expected):
    assert meta(f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">'
                )["title"] == expected


def test_the_host_names_the_site_when_the_page_does_not():
    found = meta("<title>Study finds new trial results - Full Text View - ClinicalTrials.gov</title>",
                 "<h1>Study finds new trial results</h1>", url="https://clinicaltrials.gov/ct2/show/1")
    assert found["title"] == "Study finds new trial results"
    assert strip_site("Kabinett beschließt Etat | RBB TODAY", [], "https://www.rbbtoday.com/article/1") == \
        "Kabinett beschließt Etat"


def test_a_title_that_is_only_separated_words_keeps_them():
    # No site is named anywhere: "Rock - Paper - Scissors" is the title itself.
    assert meta("<title>Rock - Paper - Scissors</title>")["title"] == "Rock - Paper - Scissors"
    assert strip_site("BBC News", ["BBC News"], "") == "BBC News"  # never cut to nothing


def test_title_prefers_json_ld_headline_then_meta_then_the_h1_that_agrees_with_the_tab():
    ld = ('<script type="application/ld+json"><![CDATA[{"@type": "NewsArticle", "headline": "Rain floods '
          'Sochi", "author": {"@type": "Person", "name": "Olga Ivanova"}, "datePublished": '
          '"2025-06-01T08:15:00+03:00", "dateModified": "2025-06-01T09:00:00Z", "publisher": {"name": "Kuban"}}]]>'
          '</script>')
    found = meta(ld + "<meta property='og:title' content='Sochi under water'>")
    assert found["title"] == "Rain floods Sochi"
    assert found["author"] == "Olga Ivanova"
    assert found["published"] == "2025-06-01T08:15:00+03:00" and found["date"] == "2025-06-01"
    assert found["modified"] == "2025-06-01T09:00:00+00:00"
    assert found["site"] == "Kuban"
    assert meta("<title>Rain floods Sochi - Region - Kuban</title>", "<h1>Rain floods Sochi</h1>")["title"] == \
        "Rain floods Sochi"


def test_broken_json_ld_is_skipped():
    found = meta('<script type="application/ld+json">{"headline": "x",</script><title>Tab title</title>')
    assert found["title"] == "Tab title"


def test_dates_keep_time_and_offset_from_meta_and_time_elements():
    assert meta("<meta property='article:published_time' content='2021-11-01T10:52:50+0100'>")["published"] == \
        "2021-11-01T10:52:50+01:00"
    found = meta("", "<p>x</p><time datetime='2024-02-29T23:05'>yesterday</time>")
    assert (found["published"], found["date"]) == ("2024-02-29T23:05:00", "2024-02-29")


def test_a_profile_url_is_no_author_and_a_byline_element_is():
    found = meta("<meta property='article:author' content='https://facebook.com/someone'>",
                 "<div class='byline'>Marta Nowak</div><p>x</p>")
    assert found["author"] == "Marta Nowak"


def test_a_headline_that_starts_with_the_hosts_name_keeps_it():
    assert strip_site("Google fined by regulators - The Keyword", [], "https://blog.google.com/x") == \
        "Google fined by regulators - The Keyword"
    assert strip_site("Wikipedia :: Hermitian matrix", [], "https://en.wikipedia.org/wiki/x") == "Hermitian matrix"
