"""Learning each site's own chrome from a crawl, and applying it per host (cleaner.sites).

The pages here are written by hand: a German site (Stadtblatt) with its own
tagline, app promo and newsroom line, a "read next" teaser, and stories whose
paragraphs differ by city and figures.
"""

from __future__ import annotations

import json
import random

import pytest

from cleaner import Cleaner, RulePackError
from cleaner.report import render_report
from cleaner.rules import parse_pack
from cleaner.sites import SitePacks, learn_sites, read_page

HOST = "stadtblatt.example.de"
TAGLINE = "Das Stadtblatt – Ihre Zeitung für die Region seit 1952"
PROMO = "Stadtblatt Plus: alle Artikel aus Ihrer Stadt, jeden Morgen um sechs auf dem Telefon"
TIPS = "Sie haben einen Hinweis? Schreiben Sie an redaktion@stadtblatt.example.de"
CITIES = ["Kassel", "Erfurt", "Görlitz", "Passau", "Lübeck", "Siegen", "Trier", "Jena"]


def paragraphs(city: str, n: int) -> list[str]:
    return [
        f"Der Stadtrat von {city} hat am {n + 3}. März beschlossen, {n * 40 + 120} neue Wohnungen am Stadtrand "
        f"zu bauen. Die Entscheidung fiel nach einer langen Debatte über Kosten und Zeitplan.",
        f"Bürgermeisterin Anna Weber aus {city} sagte, die Stadt wachse seit Jahren schneller als erwartet, "
        f"und {n + 2} Schulen seien bereits überfüllt.",
        f"Die Opposition in {city} kritisierte, dass die Pläne zu spät vorgelegt worden seien und die Anwohner "
        f"kaum gehört würden; sie will im {['Mai', 'Juni', 'Juli', 'August'][n % 4]} einen eigenen Entwurf vorlegen.",
    ]


def headline(city: str) -> str:
    return f"{city} baut neue Wohnungen am Stadtrand"


def page(city: str, n: int, url: str | None = None, *, teaser: str | None = None, extra: str = "",
         host: str = HOST) -> dict:
    body = "".join(f"<p>{p}</p>" for p in paragraphs(city, n))
    following = f"<p class='next'><a href='/next'>{teaser}</a></p>" if teaser else ""  # "read next", in the article
    html = (
        f"<html><head><title>{headline(city)} | Stadtblatt</title></head><body>"
        f"<header><a href='/'>Stadtblatt</a></header>"
        f"<main><article><h1>{headline(city)}</h1>{body}{extra}<p><strong>{PROMO}</strong></p>"
        f"<p class='hint'>{TIPS}</p>{following}<p class='claim'>{TAGLINE}</p></article></main>"
        f"<footer><p>Impressum</p></footer></body></html>"
    )
    return {"url": url or f"https://{host}/lokales/{city.lower()}-{n}", "html": html}


def crawl(count: int = 6) -> list[dict]:
    cities = CITIES[:count]
    return [page(city, n, teaser=headline(cities[(n + 1) % count])) for n, city in enumerate(cities)]


def rules_of(packs) -> list[str]:
    return [phrase for site in packs for rule in site.pack().rules for _, phrase in rule.phrases]


def test_a_sites_own_chrome_is_learned_and_goes_with_its_evidence():
    pages = crawl()
    packs = learn_sites(pages)
    assert [site.host for site in packs] == [HOST]
    learned = rules_of(packs)
    assert {TAGLINE, PROMO, TIPS} <= set(learned)
    assert not any(p in learned for city in CITIES for p in paragraphs(city, 0))
    result = Cleaner(site_packs=packs).clean(pages[2]["html"], url=pages[2]["url"])
    for chrome in (TAGLINE, PROMO, TIPS):
        assert chrome not in result.text
    for paragraph in paragraphs(CITIES[2], 2):
        assert paragraph in result.text
    removal = next(r for r in result.removed if r.text == PROMO)
    assert removal.category == "site" and removal.action == "drop_block"
    assert removal.rule.startswith("site-stadtblatt-example-de/s-")
    assert removal.evidence == "seen on 6 of 6 articles, article/p, de"
    assert [r.text for r in result.removed if r.category == "site"] == [PROMO, TIPS, headline(CITIES[3]), TAGLINE]
    assert result.provenance["rule_packs"][-1]["id"] == "site-stadtblatt-example-de"
    assert json.loads(result.to_json())["removed"][[r.text for r in result.removed].index(PROMO)]["evidence"]
    assert "learned: seen on 6 of 6 articles" in render_report([("page", result)])


def test_without_site_packs_the_chrome_stays_and_written_rules_carry_no_evidence():
    pages = crawl()
    result = Cleaner().clean(pages[2]["html"], url=pages[2]["url"])
    assert PROMO in result.text  # what learning is for
    assert all("evidence" not in r for r in json.loads(result.to_json())["removed"])


def test_a_pack_applies_to_its_own_host_only():
    packs = learn_sites(crawl())
    other = page(CITIES[1], 1, host="anderes-blatt.example.at")
    with_packs = Cleaner(site_packs=packs).clean(other["html"], url=other["url"])
    without = Cleaner().clean(other["html"], url=other["url"])
    assert with_packs.text == without.text and PROMO in with_packs.text
    assert not any(r.category == "site" for r in with_packs.removed)


def test_a_headline_stays_on_its_own_page_and_its_teasers_go():
    pages = crawl()
    cleaner = Cleaner(site_packs=learn_sites(pages))
    own = cleaner.clean(pages[3]["html"], url=pages[3]["url"])
    assert own.title.startswith(headline(CITIES[3]))
    # No learned rule takes it (its copy at the top of the body goes as headline furniture, not as a site rule).
    assert headline(CITIES[3]) not in [r.text for r in own.removed if r.category == "site"]
    # Page 2's "read next" teaser is page 3's headline: seen on one other page only, and still a teaser.
    other = cleaner.clean(pages[2]["html"], url=pages[2]["url"])
    assert headline(CITIES[3]) not in other.text
    assert headline(CITIES[3]) in [r.text for r in other.removed if r.category == "site"]


def test_two_addresses_of_one_article_are_one_article():
    # The Kassel story at three addresses (print copy, app copy): half of the host's pages.
    pages = crawl(4) + [page(CITIES[0], 0, f"https://{HOST}/druck/kassel-0?print=1"),
                        page(CITIES[0], 0, f"https://{HOST}/app/kassel-0")]
    packs = learn_sites(pages)
    learned = rules_of(packs)
    assert TAGLINE in learned  # 4 distinct articles: enough to learn from
    assert not any(p in learned for p in paragraphs(CITIES[0], 0))
    result = Cleaner(site_packs=packs).clean(pages[-1]["html"], url=pages[-1]["url"])
    assert all(p in result.text for p in paragraphs(CITIES[0], 0))
    evidence = dict(packs[0].pack().rules[0].evidence)
    assert (evidence["seen"], evidence["of"]) == (4, 4)


def test_a_host_with_too_few_articles_learns_nothing():
    background = "Hintergrund: Die Stadtwerke gehören seit 2004 zu drei Vierteln der Stadt und zu einem Viertel dem Land."
    pages = [page(city, n, extra=f"<p>{background}</p>") for n, city in enumerate(CITIES[:3])]
    assert learn_sites(pages) == []
    assert learn_sites(pages + [page(CITIES[3], 3)]) != []  # a fourth story: now a site to learn from


def test_a_learned_phrase_quoted_in_running_text_stays_in_its_sentence():
    quoted = f"Der Verleger erinnerte an das alte Motto „{TAGLINE}“ und versprach, daran festzuhalten."
    pages = crawl()
    pages[4] = page(CITIES[4], 4, extra=f"<p>{quoted}</p>")
    result = Cleaner(site_packs=learn_sites(pages)).clean(pages[4]["html"], url=pages[4]["url"])
    assert quoted in result.text
    assert TAGLINE in [r.text for r in result.removed]  # the masthead line itself goes


def test_learning_is_the_same_in_any_order():
    pages = crawl()
    first = learn_sites(pages)
    for seed in range(3):
        shuffled = pages[:]
        random.Random(seed).shuffle(shuffled)
        assert [site.toml for site in learn_sites(shuffled)] == [site.toml for site in first]


def test_pages_without_an_address_are_grouped_by_their_canonical_one():
    pages = [{"html": p["html"].replace("<head>", f"<head><link rel='canonical' href='{p['url']}'>")} for p in crawl()]
    assert [site.host for site in learn_sites(pages)] == [HOST]
    assert read_page({"text": "Nur Text\n\nohne Adresse"}).host is None


def test_a_learned_pack_is_an_ordinary_pack_with_evidence(tmp_path):
    site = learn_sites(crawl())[0]
    text = site.toml
    assert text.startswith("# Learned by `clean learn`") and f'host = "{HOST}"' in text
    assert 'category = "site"' in text and "[rules.evidence]" in text and "seen = 6" in text
    pack = parse_pack(text.encode(), "learned.toml")
    assert pack.host == HOST and pack.id == "site-stadtblatt-example-de"
    with pytest.raises(RulePackError, match=r"evidence: unknown key\(s\) votes"):
        parse_pack(text.replace("seen = 6", "votes = 6", 1).encode(), "edited.toml")
    with pytest.raises(RulePackError, match="evidence.seen must be int"):
        parse_pack(text.replace("seen = 6", 'seen = "6"', 1).encode(), "edited.toml")
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError, match="a second pack for host stadtblatt.example.de"):
        SitePacks(tmp_path)
    (tmp_path / "b.toml").write_text(text.replace(f'host = "{HOST}"\n', ""), encoding="utf-8")
    with pytest.raises(RulePackError, match="needs a host"):
        SitePacks(tmp_path)


def test_a_trimmed_pack_keeps_what_its_reviewer_deleted(tmp_path):
    site = learn_sites(crawl())[0]
    rules = site.toml.split("\n[[rules]]\n")
    kept = [r for r in rules[1:] if PROMO not in r]
    (tmp_path / site.file_name).write_text("\n[[rules]]\n".join([rules[0], *kept]), encoding="utf-8")
    pages = crawl()
    result = Cleaner(site_packs=tmp_path).clean(pages[1]["html"], url=pages[1]["url"])
    assert PROMO in result.text and TAGLINE not in result.text


def test_a_big_host_is_sampled_by_address_the_same_in_any_order():
    from cleaner import CleanerConfig

    config = CleanerConfig().replace(max_pages=5)
    pages = crawl(8)
    first = learn_sites(pages, config)[0].toml
    assert "from 8 pages of stadtblatt.example.de, a sample of 5 by address (5 distinct articles)" in first
    assert learn_sites(pages[::-1], config)[0].toml == first
    assert TAGLINE in rules_of(learn_sites(pages, config))


NOTE = "Hinweis der Redaktion: Dieser Text wurde nach Erscheinen ergänzt."


def test_a_learned_sentence_glued_into_a_paragraph_is_cut_from_its_end_only():
    pages = [page(city, n, extra=f"<p>Zum Schluss ein Satz aus {city}. <em>{NOTE}</em></p>")
             for n, city in enumerate(CITIES[:6])]
    # A story that quotes the note as its own first sentence keeps it: quoted, it is the story's.
    quoted = f"„{NOTE}“ So stand es unter dem Text, den der Leser aus Jena meinte."
    pages[5] = page(CITIES[5], 5, extra=f"<p>{quoted}</p>")
    cleaner = Cleaner(site_packs=learn_sites(pages))
    result = cleaner.clean(pages[1]["html"], url=pages[1]["url"])
    assert "Zum Schluss ein Satz aus Erfurt." in result.text.split("\n\n")
    assert NOTE not in result.text
    cut = next(r for r in result.removed if r.text == NOTE)
    assert (cut.category, cut.action) == ("site", "strip")
    assert quoted in cleaner.clean(pages[5]["html"], url=pages[5]["url"]).text


def test_a_teasers_lead_is_chrome_elsewhere_and_the_story_itself_on_its_own_page():
    # Every page shows the Kassel story in a "top story" box: its headline and its first paragraph.
    lead = paragraphs(CITIES[0], 0)[0]
    box = f"<aside><ul><li><a href='/kassel'>{headline(CITIES[0])}</a><p>{lead}</p></li></ul></aside>"
    pages = [page(city, n) for n, city in enumerate(CITIES[:6])]
    for item in pages:
        item["html"] = item["html"].replace("</article>", f"</article>{box}")
    packs = learn_sites(pages)
    rule = next(rule for rule in packs[0].pack().rules if rule.phrases[0][1] == lead.rstrip("."))
    assert dict(rule.evidence)["teaser_of"] == headline(CITIES[0])
    cleaner = Cleaner(site_packs=packs)
    own = cleaner.clean(pages[0]["html"], url=pages[0]["url"])
    assert all(p in own.text for p in paragraphs(CITIES[0], 0))
    other = cleaner.clean(pages[1]["html"], url=pages[1]["url"])
    assert lead not in other.text


@pytest.mark.parametrize("host, chrome, sentence", [
    ("news.example.kr", "기사 제보는 언제든지 편집국으로 보내주세요", "{i}번째 기사는 서울시가 발표한 새로운 교통 정책과 시민들의 반응에 관한 내용입니다."),
    ("akhbar.example.eg", "تابعونا على تطبيق الجريدة للحصول على آخر الأخبار", "قال المسؤول إن المشروع رقم {i} سيبدأ في الربيع المقبل بعد موافقة المجلس."),
    ("haber.example.tr", "Haber ihbarlarınız için İletişim sayfamızdan bize yazın", "Belediye {i}. mahallede yeni bir park açacağını ve İstanbul trafiğini azaltacağını duyurdu."),
])
def test_text_pages_in_other_scripts_learn_their_lines(host, chrome, sentence):
    pages = [{"url": f"https://{host}/{i}", "text": f"{sentence.format(i=i)}\n\n{sentence.format(i=i + 100)}\n\n{chrome}"}
             for i in range(5)]
    packs = learn_sites(pages)
    assert rules_of(packs) == [chrome]  # not the stories' own lines
    result = Cleaner(site_packs=packs).clean(pages[2]["text"], url=pages[2]["url"])
    assert chrome not in result.text and sentence.format(i=102) in result.text
    assert result.removed[-1].category == "site"


def test_saved_pages_without_any_address_are_grouped_by_the_site_name_they_declare(tmp_path):
    pages = [{"html": p["html"].replace("<head>", "<head><meta property='og:site_name' content='Das Stadtblatt'>")}
             for p in crawl()]
    packs = learn_sites(pages)
    assert [site.host for site in packs] == ["das-stadtblatt"]
    result = Cleaner(site_packs=packs).clean(pages[3]["html"])
    assert PROMO not in result.text and any(r.category == "site" for r in result.removed)


def test_a_result_with_learned_removals_follows_the_schema():
    import jsonschema

    from conftest import ROOT

    schema = json.loads((ROOT / "cleaner" / "schema" / "cleaner-1.schema.json").read_text(encoding="utf-8"))
    pages = crawl()
    result = Cleaner(site_packs=learn_sites(pages)).clean(pages[0]["html"], url=pages[0]["url"])
    jsonschema.validate(result.to_dict(), schema)
    assert any("evidence" in r for r in result.to_dict()["removed"])


def test_a_page_that_cannot_be_read_is_reported_and_learning_goes_on():
    errors: list[str] = []
    binary = {"url": f"https://{HOST}/logo.png", "html": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4}
    packs = learn_sites([*crawl(), binary], errors=errors)
    assert [site.toml for site in packs] == [site.toml for site in learn_sites(crawl())]
    assert len(errors) == 1 and errors[0].startswith(f"https://{HOST}/logo.png: ")
