"""The seams of cleaner.html: parsing, metadata, markers from the packs, config numbers, pieces."""

from __future__ import annotations

import pickle

import pytest

from cleaner import Cleaner
from cleaner.config import CleanerConfig
from cleaner.document import Layout
from cleaner.html import Pruned, page_metadata
from cleaner.html.extract import Piece, _body_blocks, _edge_addresses, _edge_link_lists, _headline_furniture
from cleaner.html.parse import _parse
from cleaner.html.prune import CAPTION_CATEGORY, _markers, prune
from cleaner.rules import Action, RuleSet, builtin_packs, parse_pack

BODY = "".join(
    f"<p>{text}</p>" for text in (
        "The regional council approved the new budget on Tuesday after a debate that lasted late into the night.",
        "Spending on public transport will rise by a fifth, while the road maintenance fund stays where it was.",
        "Opposition members said the plan relied on optimistic forecasts for tourism revenue next summer season.",
    )
)


def rules_with(*packs: bytes) -> RuleSet:
    return RuleSet(builtin_packs() + [parse_pack(raw, f"pack{i}.toml") for i, raw in enumerate(packs)])


def test_page_metadata_reads_declared_tags_and_falls_back_to_the_markup():
    # The first declaration of a name counts; the title falls back to the first of <title> and <h1> on the page.
    tree = _parse(
        "<html><head><title>Tab</title><meta name='Author' content='Anna  Lee'>"
        "<meta name='author' content='Someone else'><meta itemprop='datePublished' content='2025-03-04T10:00'>"
        "<link rel='canonical' href=' https://example.org/a '></head>"
        "<body><h1>Council approves budget</h1><p>x</p></body></html>"
    )
    assert page_metadata(tree) == {
        "title": "Tab", "author": "Anna Lee", "date": "2025-03-04", "published": "2025-03-04T10:00:00",
        "canonical": "https://example.org/a"}



@pytest.mark.parametrize("href", ["javascript:alert(1)", "/relative/page", "mailto:a@b.org", ""])
def test_only_a_web_address_is_taken_for_the_canonical_link(href):
    tree = _parse(f"<html><head><link rel='canonical' href='{href}'></head><body><p>x</p></body></html>")
    assert "canonical" not in page_metadata(tree)


def test_the_crawls_url_stays_url_and_the_canonical_link_is_kept_beside_it(cleaner):
    page = ("<html><head><link rel='canonical' href='https://example.org/canonical'>"
            "<meta property='og:url' content='https://example.org/og'></head><body><h1>Council approves budget</h1>"
            + "<p>The council approved the budget on Tuesday after a long debate about schools and roads.</p>" * 4
            + "</body></html>")
    crawled = cleaner.clean(page, "https://example.org/crawled?utm=1")
    assert (crawled.metadata["url"], crawled.metadata["canonical"]) == (
        "https://example.org/crawled?utm=1", "https://example.org/canonical")
    assert cleaner.clean(page).metadata["url"] == "https://example.org/og"  # no crawl url: the page's own


def test_a_user_markup_rule_prunes_boxes_by_its_own_markers(tmp_path):
    pack = tmp_path / "site.toml"
    pack.write_text(
        '[pack]\nid = "site"\nversion = "1"\n\n[[rules]]\nid = "promo"\ncategory = "advertising"\n'
        'action = "drop_block"\nmatch = "markup"\nmarkers = ["promo-box"]\n', encoding="utf-8")
    html = f"<html><body>{BODY}<div class='Promo-Box wide'>Buy the print edition today</div></body></html>"
    result = Cleaner(rules=[pack]).clean(html)
    assert [(r.rule, r.category, r.action, r.text) for r in result.removed] == [
        ("site/promo", "advertising", "drop_block", "Buy the print edition today")]
    assert "print edition" not in result.text
    assert Cleaner().clean(html).removed == []  # without the pack the box is no chrome


def test_reader_comments_in_a_box_named_in_the_sites_language_go_and_an_opinion_piece_stays():
    comments = ("<div id='comentarios'><h3>15 Comentarios</h3><ol>"
                + "".join(f"<li><b>lector{i}</b> 28.oct.2012 | 11:2{i}<p>Opinión número {i} de un lector.</p></li>"
                          for i in range(3)) + "</ol></div>")
    result = Cleaner().clean(f"<html><body><article>{BODY}{BODY}</article>{comments}</body></html>")
    assert [r.rule for r in result.removed] == ["markup/comments-box"]
    assert "lector" not in result.text and "regional council" in result.text
    # German "Kommentar" also names an opinion piece: the article in it stays whole.
    opinion = Cleaner().clean(f"<html><body><div class='artikel kommentar'>{BODY}</div></body></html>")
    assert opinion.removed == [] and opinion.text.count("\n\n") == 2


def test_text_for_screen_readers_only_is_no_article_text():
    html = ("<html><body><article><h2 class='hide-text'>このニュースをシェア</h2>"
            f"{BODY}<p>Read the <a href='/r'>report<span class='sr-only'> (opens in a new window)</span></a>"
            " the council published on Monday about the budget.</p></article></body></html>")
    result = Cleaner().clean(html)
    assert [r.rule for r in result.removed] == ["markup/screen-reader-text"] * 2
    assert "シェア" not in result.text and "new window" not in result.text
    assert "Read the report the council published on Monday about the budget." in result.text


def test_a_story_that_recall_mode_misses_is_not_called_no_article(monkeypatch):
    # rnz.de (trafilatura's test pages) sets its story in an <aside>: fast mode drops it and
    # keeps the menu, which alone reads as a list of links; trafilatura's full run finds it.
    import trafilatura
    from lxml import etree

    menu = "".join(f"<li><a href='/r/{i}'>Nachrichten aus der Region {i}</a></li>" for i in range(30))
    story = ("Frankfurt/Main (dpa) - Für einen Roman über die alte Bundesrepublik hat Frank Witzel den Deutschen "
             "Buchpreis 2015 erhalten. Das Buch wurde in Frankfurt als beste literarische Neuerscheinung des Jahres "
             "im deutschsprachigen Raum ausgezeichnet. Der Autor schildert darin in einer Vielzahl von Episoden und "
             "Fragmenten die Nachkriegszeit aus der Sicht eines Jugendlichen, sagte die Jury am Montagabend.")
    html = (f"<html><head><title>Witzel erhält Buchpreis</title></head><body><ul>{menu}</ul>"
            f"<aside><article><h1>Witzel erhält Buchpreis</h1><p>{story}</p></article></aside></body></html>")
    asked = []

    def extraction(source, options):
        asked.append("fast" if options.fast else "full")
        body = etree.fromstring(f"<body><list>{menu.replace('li>', 'item>')}</list></body>" if options.fast
                                else f"<body><p>{story}</p></body>")
        return type("Extracted", (), {"body": body})()

    monkeypatch.setattr(trafilatura, "bare_extraction", extraction)
    result = Cleaner().clean(html)
    assert asked == ["fast", "full"]
    assert (result.reason, result.text) == (None, story)
    # Blurbs of a section page are no story: the page stays no article.
    asked.clear()
    story = "Las compañías tecnológicas creen que los videojuegos son el camino hacia el metaverso."
    result = Cleaner().clean(html)
    assert asked == ["fast", "full"] and result.reason.startswith("no article: ")


def test_the_first_marked_rule_in_pack_order_decides():
    rules = RuleSet(builtin_packs())
    markers = _markers(rules)
    assert markers is _markers(rules)  # compiled once per set of rules
    assert markers.rule("newsletter cookie-wall").name == "markup/cookie-consent"
    assert markers.rule("newsletter-signup").name == "markup/newsletter"
    assert markers.any.search("gdpr-banner") and not markers.any.search("article-body")
    pickle.loads(pickle.dumps(Cleaner()))  # the cache lives beside the cleaner, not in it


def test_no_marked_rules_mark_nothing():
    no_markers = RuleSet([p for p in builtin_packs() if p.id != "markup"])
    assert no_markers.marked == [] and not _markers(no_markers).any.search("cookie consent")


def test_pruning_reads_its_numbers_from_the_config():
    html = f"<html><body>{BODY}<div class='newsletter'>Get the morning briefing in your inbox</div></body></html>"
    rules = RuleSet(builtin_packs())
    assert [p.rule.name for p in prune(_parse(html), rules, CleanerConfig())] == ["markup/newsletter"]
    # Nothing is small next to a page when a container may hold none of it.
    assert prune(_parse(html), rules, CleanerConfig().replace(container_max_share=0.0)) == []


def test_a_caption_taken_by_an_ai_label_is_recorded_as_a_caption():
    html = (f"<html><body><div class='m'><img src='a.jpg'><div class='c'>Councillors vote in the hall."
            f"<span>Изображение, созданное ИИ</span></div></div>{BODY}</body></html>")
    (item,) = prune(_parse(html), RuleSet(builtin_packs()), CleanerConfig())
    assert item.rule.name == "ai-labels/ai-image-label" and item.rule.action.takes_caption
    removal = item.removal(0, len(item.text))
    assert (removal.category, removal.action) == (CAPTION_CATEGORY, Action.DROP_CAPTION)
    assert item.text == "Councillors vote in the hall. Изображение, созданное ИИ"
    short = CleanerConfig().replace(caption_max_chars=10)  # a longer block is a paragraph: the label goes alone
    (alone,) = prune(_parse(html), RuleSet(builtin_packs()), short)
    assert (alone.text, alone.removal(0, 0).category) == (
        "Изображение, созданное ИИ", "ai_image_label")


def test_headline_furniture_goes_under_the_markup_rule():
    rules = RuleSet(builtin_packs())
    pieces = [Piece("Politics"), Piece("Council approves budget", "heading", 1), Piece("Body text.")]
    kept, dropped = _headline_furniture(pieces, "Council approves budget", rules.markup("headline-furniture"),
                                        CleanerConfig().html)
    assert kept == [Piece("Body text.")]
    # The repeated headline is recorded too: the result says where it went.
    assert [(p.text, p.removal(0, 8).rule, p.removal(0, 8).category) for p in dropped] == [
        ("Politics", "markup/headline-furniture", "navigation"),
        ("Council approves budget", "markup/headline-furniture", "navigation")]
    assert isinstance(dropped[0], Pruned)


def test_headline_furniture_never_takes_the_only_paragraph():
    rules = RuleSet(builtin_packs())
    only = [Piece("Council approves budget: the vote was 31 to 12.")]
    assert _headline_furniture(only, "Council approves budget", rules.markup("headline-furniture"),
                               CleanerConfig().html) == (only, [])


def test_body_blocks_are_pieces_with_kind_and_level():
    from lxml import etree

    body = etree.fromstring("<body><head rend='h3'>Budget</head><p>Text.</p><list><item>One</item></list>"
                            "<table><row><cell>a</cell><cell>b</cell></row></table><graphic/></body>")
    assert list(_body_blocks(body)) == [
        Piece("Budget", "heading", 3), Piece("Text."), Piece("One", "list_item", layout=Layout(depth=1)),
        Piece("a | b", "table", layout=Layout(cells=("a", "b")))]


def test_nested_list_items_come_once_with_their_depth():
    from lxml import etree

    body = etree.fromstring("<body><list rend='ol'><item>Parent<list rend='ul'><item>Child</item></list> tail</item>"
                            "<item>Second</item></list></body>")
    assert [(p.text, p.layout.depth, p.layout.ordered) for p in _body_blocks(body)] == [
        ("Parent tail", 1, True), ("Child", 2, False), ("Second", 1, True)]



def test_line_breaks_and_blocks_inside_blocks_do_not_run_words_together():
    from lxml import etree

    body = etree.fromstring(
        "<body><list><item>Ofen vorheizen.<lb/>Ein Blech auslegen.</item></list>"
        "<p>Zeile eins<lb/>Zeile zwei, <hi>W</hi>ort</p>"
        "<table><row><cell><p>Erster Absatz.</p><p>Zweiter.</p></cell><cell>B</cell></row></table>"
        "<quote><p>Gesagt.</p><p>Getan.</p></quote>"
        "<code>x = 1<lb/>    y = 2</code></body>")
    assert [p.text for p in _body_blocks(body)] == [
        "Ofen vorheizen. Ein Blech auslegen.", "Zeile eins Zeile zwei, Wort",  # inline markup is no break
        "Erster Absatz. Zweiter. | B", "Gesagt. Getan.", "x = 1    y = 2"]  # code as written


def test_a_lead_in_its_own_div_is_kept_and_the_breadcrumb_above_it_is_not_text():
    # <div> soup: breadcrumb, lead and body are sibling <div>s with no <p>.
    # Fast mode read the page as one blob, breadcrumb and all; recall mode
    # finds the paragraphs, and must not lose the lead for being short.
    # (With no <title>, the breadcrumb is all the page offers as one.)
    lead = "政府は１４日、新たな経済対策を閣議決定した。物価高に対応するため、低所得世帯への給付金を柱とする。"
    body = "対策の規模は国と地方を合わせて２１兆円程度となる見通しで、財源の多くは国債の追加発行でまかなう。" * 4
    page = (f"<html><body><div class='bc'>ホーム › 経済</div><div class='lead'>{lead}</div>"
            f"<div class='body'>{body}</div></body></html>")
    assert Cleaner().clean(page).text == f"{lead}\n\n{body}"


def test_linked_headlines_at_the_articles_edges_are_a_teaser_list_and_in_its_middle_content():
    # A box of linked headlines passes trafilatura one headline at a time
    # (each its own <h3><a>); at the article's edges three in a row are a
    # teaser list, whatever the language; in its middle, a reading list.
    top = ["Зима в городе", "Мэр открыл новый мост через реку", "Школы готовятся к зимним штормам",
           "Местная команда снова выиграла финал"]
    reading = ["The budget in brief", "Where the money goes", "Questions and answers"]
    bottom = ["Ten ways to save on heating bills", "How to read your council tax letter", "Best parks for families"]
    story = "The regional council approved the new budget after a long debate on Tuesday evening. " * 3
    links = "".join(f"<a href='/{i}'>{text}</a>" for i, text in enumerate(top[1:] + reading + bottom))
    tree = _parse(f"<html><body><h3>{top[0]}</h3>{links}<p>{story}</p></body></html>")
    pieces = [Piece(top[0], "heading", 3), *(Piece(t, "heading", 3) for t in top[1:]), Piece(story),
              *(Piece(t, "list_item") for t in reading), Piece(story), *(Piece(t, "list_item") for t in bottom[:2]),
              Piece("Opposition members called the forecasts optimistic."), Piece(bottom[2], "list_item")]
    rule = RuleSet(builtin_packs()).markup("link-list")
    kept, dropped = _edge_link_lists(pieces, tree, rule, CleanerConfig().html)
    assert [p.text for p in kept] == [story, *reading, story, *bottom[:2],
                                      "Opposition members called the forecasts optimistic.", bottom[2]]
    assert [(d.text, d.rule.name, d.rule.category) for d in dropped] == [
        (text, "markup/link-list", "related") for text in top]
    # Two linked lines are no list; lines that are not links are no teasers.
    assert _edge_link_lists(pieces[2:], tree, rule, CleanerConfig().html)[1] == []
    unlinked = [Piece(t, "heading", 3) for t in ("One headline here", "Another headline", "A third one")]
    assert _edge_link_lists([*unlinked, Piece(story)], tree, rule, CleanerConfig().html)[1] == []


def test_a_line_in_capitals_that_is_all_one_link_between_paragraphs_is_a_teaser():
    story = "The regional council approved the new budget after a long debate on Tuesday evening. " * 3
    teaser, shout, short = "SEAN SPICER ELIMINATED FROM 'DANCING WITH THE STARS'", "THE VOTE WAS CLOSE", "READ MORE"
    tree = _parse(f"<html><body><a href='/t'>{teaser}</a><a href='/r'>{short}</a><p>{story}</p></body></html>")
    pieces = [Piece(story), Piece(teaser), Piece(shout), Piece(short), Piece(story)]
    rule = RuleSet(builtin_packs()).markup("link-list")
    kept, dropped = _edge_link_lists(pieces, tree, rule, CleanerConfig().html)
    # Capitals alone (no link) or a link of two words is no teaser.
    assert [p.text for p in kept] == [story, shout, short, story]
    assert [d.text for d in dropped] == [teaser]


def test_lines_of_nothing_but_addresses_at_the_articles_edges_go_and_in_its_middle_stay():
    story = "Местные автосалоны продали на десять процентов меньше машин, несмотря на низкие ставки. " * 3
    pieces = [Piece("https://www.example.com/news/article/cat-found-14848175.php"), Piece(story),
              Piece("https://data.example.org/budget-2024.csv"), Piece(story),
              Piece("Write to the reporter at paul@example.com."), Piece("paul.takahashi@chron.com"),
              Piece("twitter.com/paultakahashi | www.example.com/paul")]
    rule = RuleSet(builtin_packs()).markup("address-line")
    kept, dropped = _edge_addresses(pieces, rule, CleanerConfig().html)
    assert [p.text for p in kept] == [story, "https://data.example.org/budget-2024.csv", story,
                                      "Write to the reporter at paul@example.com."]
    assert [(d.text, d.rule.name) for d in dropped] == [
        (pieces[0].text, "markup/address-line"), (pieces[5].text, "markup/address-line"),
        (pieces[6].text, "markup/address-line")]


def test_labelled_social_profiles_at_the_articles_edges_go_and_other_labelled_addresses_stay():
    story = "ประชาไทรายงานว่าสภาได้อนุมัติงบประมาณใหม่หลังจากการอภิปรายที่ยาวนานจนถึงดึกของวันอังคาร " * 3
    profiles = ["เฟซบุ๊ก https://fb.me/prachatai", "LINE ไอดี = @prachatai", "Follow us: twitter.com/nyt | instagram.com/nyt"]
    pieces = [Piece(story), Piece("Ticketing www.jeongdongtheater.com")] + [Piece(p) for p in profiles]
    rule = RuleSet(builtin_packs()).markup("address-line")
    kept, dropped = _edge_addresses(pieces, rule, CleanerConfig().html)
    assert [p.text for p in kept] == [story, "Ticketing www.jeongdongtheater.com"]
    assert [d.text for d in dropped] == profiles


def test_loose_text_after_a_block_in_trafilaturas_output_is_kept():
    from lxml import etree

    body = etree.fromstring("<body>lead<p>abc</p>ghi<head rend='h2'>Part</head><p>def</p></body>")
    assert [(p.text, p.kind) for p in _body_blocks(body)] == [
        ("lead", "paragraph"), ("abc", "paragraph"), ("ghi", "paragraph"), ("Part", "heading"), ("def", "paragraph")]
