from __future__ import annotations

import time
from pathlib import Path

import pytest
import regex

from cleaner import Cleaner, RulePackError, RuleTimeoutError, load_pack
from cleaner.config import RulesConfig
from cleaner.rules import CATEGORIES, builtin_packs
from cleaner.rules.pack import PATTERN_FLAGS

LANGUAGES = ("ru", "en", "uk", "de", "fr", "es", "it", "pt", "pl", "zh", "ja",
             "nl", "tr", "ar", "ko", "cs", "sv", "id", "vi", "he", "el", "ro", "hu")
PATTERN_MAX_CHARS, PATTERN_TIMEOUT = RulesConfig().pattern_max_chars, RulesConfig().pattern_timeout
PACK_HEAD = '[pack]\nid = "site"\nversion = "1.0.0"\n'


def _pack(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(PACK_HEAD + body, encoding="utf-8")
    return path


# --- the packs as data ---------------------------------------------------------


def test_builtin_packs_cover_every_category_in_every_language():
    phrases: dict[str, set[str]] = {}
    for pack in builtin_packs():
        for rule in pack.rules:
            for lang, _ in rule.phrases + rule.patterns:
                phrases.setdefault(rule.category, set()).add(lang)
    for category in ("ai_image_label", "ai_text_label", "reactions", "related", "read_also",
                     "cookie_consent", "newsletter", "share", "advertising"):
        assert set(LANGUAGES) <= phrases.get(category, set()), category


def test_rule_ids_are_qualified_by_pack():
    names = [rule.name for pack in builtin_packs() for rule in pack.rules]
    assert len(names) == len(set(names))
    assert all(rule.category in CATEGORIES for pack in builtin_packs() for rule in pack.rules)


@pytest.mark.parametrize(
    "body, message",
    [
        ("[[rules]\n", r"site\.toml: not a valid TOML rule pack"),
        ('[[rules]]\nid = "x"\ncategory = "share"\naction = "explode"\nphrases = {en = ["Share"]}\n',
         r"site\.toml: rule 'x': unknown action 'explode'"),
        ('[[rules]]\nid = "x"\ncategory = "gossip"\naction = "strip"\nphrases = {en = ["Share"]}\n',
         r"site\.toml: rule 'x': unknown category 'gossip'"),
        ('[[rules]]\nid = "x"\ncategory = "share"\naction = "strip"\npatterns = {en = ["(unclosed"]}\n',
         r"site\.toml: rule 'x': pattern '\(unclosed': invalid regex"),
        ('[[rules]]\nid = "x"\ncategory = "share"\naction = "strip"\nphrasez = {en = ["Share"]}\n',
         r"site\.toml: rule 'x': unknown key\(s\) phrasez"),
        ('[[rules]]\nid = "x"\ncategory = "share"\naction = "strip"\n', r"site\.toml: rule 'x': needs phrases or patterns"),
        ("n = " + "[" * 100_000 + "]" * 100_000 + "\n", r"site\.toml: not a valid TOML rule pack: nested too deeply"),
        ("n = " + "1" * 5000 + "\n", r"site\.toml: not a valid TOML rule pack: Exceeds the limit"),
    ],
)
def test_a_bad_pack_is_refused_naming_file_rule_and_problem(tmp_path, body, message):
    with pytest.raises(RulePackError, match=message):
        Cleaner(rules=[_pack(tmp_path, body)])


def test_a_backtracking_pattern_is_stopped_and_named(tmp_path):
    path = _pack(tmp_path, '[[rules]]\nid = "slow"\ncategory = "share"\naction = "drop_block"\n'
                           "patterns = {en = ['(a|aa)+b']}\n")
    cleaner = Cleaner(rules=[path], pattern_timeout=0.05)
    started = time.monotonic()
    with pytest.raises(RuleTimeoutError, match=r"rule site/slow: pattern"):
        cleaner.clean("Title line\n\n" + "a" * 40 + "\n\nSome article text.")
    assert time.monotonic() - started < 5


# Built-in patterns run without the timer (it costs more than the match), so
# they must stay linear: none may run past the user-pack timeout on the
# blocks that make a backtracking pattern blow up.
@pytest.mark.parametrize("filler", ["a ", "a", " ", "1 ", "1", ". ", "© ", "Foto: ", "фото ", "写真 ", "-", "2016-10-14 07:17 来源：", "【责任编辑：", "get the app ", "follow us on x, ", "reporting by a and ", "Ab Cd, ", "ab-cd--", "write to a at b@c.d, ", "11.09.2011, 16:20 von ", "by a | ", "tags: a, ", "tags: a - tags: ", "page 1 ", "(1/", "subscribe to continue reading "])
def test_builtin_patterns_stay_linear_on_repetitive_blocks(filler):
    for pack in builtin_packs():
        assert pack.trusted
        for rule in pack.rules:
            text = (filler * 1000)[: rule.max_chars or PATTERN_MAX_CHARS]
            for _, source in rule.patterns:
                pattern = regex.compile(source, PATTERN_FLAGS)
                pattern.fullmatch(text, timeout=PATTERN_TIMEOUT)  # raises TimeoutError if not
                pattern.fullmatch(text + "x", timeout=PATTERN_TIMEOUT)


@pytest.mark.parametrize("pattern, line", [
    ("zur straße", "ZUR STRASSE"), ("zur strasse", "Zur Straße"), ("ﬁnanzen", "FINANZEN"), ("finanzen", "ﬁnanzen"),
])
def test_patterns_match_across_letters_that_fold_to_two(tmp_path, pattern, line):
    # Patterns compile with simple case folding; ß, ﬁ and the like are folded in both.
    path = _pack(tmp_path, '[[rules]]\nid = "a"\ncategory = "navigation"\naction = "drop_block"\n'
                           f"patterns = {{de = ['{pattern}']}}\n")
    page = "Der Rat hat am Dienstag den neuen Haushalt für die Stadt beschlossen, nach langer Debatte.\n\n" + line
    assert [r.rule for r in Cleaner(rules=[path]).clean(page).removed] == ["site/a"]


def test_shipped_patterns_compile_where_first_needed_and_user_patterns_at_load(tmp_path):
    # The shipped packs are trusted and tested (above): nothing of theirs is compiled
    # until a block of the pattern's script asks.  A user's bad pattern still fails at load.
    rules = Cleaner().rules.patterns
    assert all("members" not in vars(group) and "combined" not in vars(group) for group in rules.groups)
    Cleaner().clean("Title\n\nThe council met on Monday.\n\nРеклама")
    with pytest.raises(RulePackError, match="invalid regex"):
        load_pack(_pack(tmp_path, '[[rules]]\nid = "a"\ncategory = "share"\naction = "drop_block"\n'
                                  "patterns = {en = ['(unclosed']}\n"))


def test_a_page_compiles_only_the_patterns_of_its_scripts():
    cleaner = Cleaner()
    cleaner.clean("Заголовок\n\nСовет утвердил бюджет города на следующий год после долгих споров.\n\nРеклама")
    compiled = {group.script for group in cleaner.rules.patterns.groups
                if "members" in vars(group) or "combined" in vars(group)}
    assert compiled == {"Cyrl"}


def test_a_user_pack_keeps_the_pattern_timeout(tmp_path):
    assert not load_pack(_pack(tmp_path, '[[rules]]\nid = "a"\ncategory = "share"\naction = "drop_block"\n'
                                         "patterns = {en = ['x']}\n")).trusted


def test_a_user_pack_is_a_data_change(tmp_path):
    path = _pack(tmp_path, '[[rules]]\nid = "promo"\ncategory = "advertising"\naction = "drop_block"\n'
                           'phrases = {en = ["Try our app"]}\n')
    page = "Headline\n\nFirst paragraph.\n\nTry our app\n\nSecond paragraph."
    assert "Try our app" in Cleaner().clean(page).text
    result = Cleaner(rules=[load_pack(path)]).clean(page)
    assert result.text == "First paragraph.\n\nSecond paragraph."
    assert [(r.rule, r.category) for r in result.removed] == [("site/promo", "advertising")]


# --- what the actions do -----------------------------------------------------------


def test_glued_ai_label_goes_with_its_caption(cleaner):
    page = (
        "Headline about the talks\n\n"
        "Diplomats meet in a hall, an illustration of historical aggression.Изображение, созданное ИИ\n\n"
        "The talks took place in Moscow on Tuesday and ended with a joint statement."
    )
    result = cleaner.clean(page)
    assert result.text == "The talks took place in Moscow on Tuesday and ended with a joint statement."
    assert sorted(r.category for r in result.removed) == ["ai_image_caption", "ai_image_label"]


def test_label_glued_to_the_start_of_a_paragraph_is_stripped_alone(cleaner):
    page = "Headline\n\nСообщено ИИChina and Russia held talks in Moscow on Tuesday about regional security."
    result = cleaner.clean(page)
    assert result.text == "China and Russia held talks in Moscow on Tuesday about regional security."
    assert [(r.text, r.category, r.lang) for r in result.removed] == [("Сообщено ИИ", "ai_text_label", "ru")]


def test_label_under_a_headline_does_not_take_the_headline(cleaner):
    page = "China and Russia coordinate on Japan\n\nИзображение, созданное ИИ\n\nThe article text follows here."
    result = cleaner.clean(page)
    assert result.title == "China and Russia coordinate on Japan"
    assert [r.category for r in result.removed] == ["ai_image_label"]


def test_phrases_inside_prose_are_kept(cleaner):
    page = (
        "Fact-checkers on AI images\n\n"
        "The photo was an AI-generated image, experts said, and the post was later labelled Reported by AI.\n\n"
        "Читайте также классику: так советовал учитель литературы."
    )
    result = cleaner.clean(page)
    assert result.removed == []
    assert len(result.text.split("\n\n")) == 2


def test_a_section_heading_above_the_story_does_not_swallow_it(cleaner):
    story = " ".join(["The regional council approved the new budget after a long debate."] * 3)
    page = f"Related articles\n\nTeaser headline one\n\nCouncil approves budget\n\n{story}\n\n{story}"
    result = cleaner.clean(page)
    assert story in result.text
    assert {r.category for r in result.removed} == {"related"}


def test_foreign_ui_line_next_to_chrome_is_dropped(cleaner):
    story = "The regional council approved the new budget after a long debate on Tuesday evening."
    page = f"Budget approved\n\n{story}\n\n{story}\n\nПоделиться\n\nНаверх страницы"
    result = cleaner.clean(page)
    assert result.text == f"{story}\n\n{story}"
    assert [r.category for r in result.removed] == ["share", "ui_foreign"]


def test_a_long_paragraph_ending_in_a_glued_label_keeps_its_text(cleaner):
    paragraph = "The council met for six hours. " * 20
    result = cleaner.clean(f"Headline\n\n{paragraph.strip()}Изображение, созданное ИИ\n\nMore text here.")
    assert result.text.startswith("The council met for six hours.")
    assert [r.category for r in result.removed] == ["ai_image_label"]


def test_a_badge_word_followed_by_a_comma_is_prose(cleaner):
    page = "Headline\n\nAI-generated, the video spread quickly across social networks on Monday."
    assert cleaner.clean(page).removed == []


# --- pages that hold no article ---------------------------------------------------

NOT_ARTICLES = {
    "links": "<ul>" + "".join(f"<li><a href='/n/{i}'>Headline number {i} about the city</a></li>" for i in range(12)) + "</ul>",
    "gallery": "".join(f"<figure><img src='{i}.jpg'><figcaption>Photo {i} of the parade</figcaption></figure>"
                       for i in range(8)),
    "login wall": "<h1>Members only</h1><p>Sign in to continue reading.</p><form><input name='user'>"
                  "<button>Sign in</button></form>",
    "all chrome": "<div>Реклама</div><div>Поделиться</div><div id='cookie-banner'>Этот сайт использует куки"
                  "<button>Принять</button></div>",
}


@pytest.mark.parametrize("kind", NOT_ARTICLES)
def test_a_page_that_is_no_article_gives_empty_text_and_a_reason(kind):
    from cleaner import clean

    html = f"<html><head><title>Site</title></head><body>{NOT_ARTICLES[kind]}</body></html>"
    result = clean(html)
    assert result.text == "" and result.error is None
    assert result.reason.startswith("no article: ")
    assert result.segments == [] or [s.kind for s in result.segments] == ["title"]


def test_a_page_its_scripts_render_is_no_article_however_long_its_template():
    from cleaner import clean

    # An AngularJS shell: where the article will be, expressions its scripts fill in.
    fields = ["vm.content.status === 'published' ? 'Contenu publié' : 'Brouillon'", "vm.content.lastUpdateUser.fullName",
              "vm.content.lastUpdate | date : 'dd/MM/yyyy à HH:mm'", "vm.content.section.label",
              "vm.content.chapo", "vm.content.body | trustAsHtml", "vm.content.author.signature"]
    html = ("<html><head><title>La Nouvelle République</title></head><body><div ng-app='nr'><article>"
            + "".join(f"<p>{{{{{field}}}}} - {{{{{field} | uppercase}}}} - {{{{{field} | limitTo : 200}}}}</p>"
                      for field in fields)
            + "<p>Modification de page en cours</p></article></div></body></html>")
    result = clean(html)
    assert result.text == ""
    assert result.reason == "no article: the page is template code its scripts fill in (no article in its HTML)"


@pytest.mark.parametrize("title, box, paragraphs", [
    # An article that quotes template code in its prose: not a page its scripts render.
    ("Templates", "article", ["In an Angular template, {{ user.name }} prints the user's name where the page is rendered.",
                              "Filters follow a bar: {{ price | currency }} shows a price with its currency sign.",
                              "The same braces mean other things in Jinja, where {% for %} loops over a list."]),
    # A vulnerability database entry: every paragraph short, none of article length.
    ("CVE-2024-0001", "div class='entry'", ["A heap overflow in the parser allows a crash.",
                                            "Versions before 2.4.1 are affected.", "Update to 2.4.1 or later."]),
])
def test_short_or_code_quoting_real_paragraphs_are_an_article(title, box, paragraphs):
    from cleaner import clean

    html = (f"<html><head><title>{title}</title></head><body><{box}>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + f"</{box.split()[0]}></body></html>")
    result = clean(html)
    assert result.reason is None
    assert result.text.split("\n\n") == paragraphs


@pytest.mark.parametrize("body", ["<p>Test</p>", "<div><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p></div>",
                                  "<span><p>abc</p><p>def</p></span>"])
def test_a_page_of_a_line_or_two_is_kept_not_judged_a_list(body):
    from cleaner import clean

    result = clean(f"<html><head><title>Short</title></head><body>{body}</body></html>")
    assert result.reason is None and result.text


def test_a_page_with_a_search_box_and_one_short_paragraph_is_no_login_wall():
    from cleaner import clean

    html = ("<html><body><form><input type='search' name='q'></form>"
            "<p>The library is closed on Monday for repairs.</p></body></html>")
    assert clean(html).text == "The library is closed on Monday for repairs."


def test_a_hundred_thousand_phrases_load_without_compiling_them(tmp_path):
    phrases = ", ".join(f'"phrase {i} to drop"' for i in range(100_000))
    path = tmp_path / "big.toml"
    path.write_text(PACK_HEAD + f'[[rules]]\nid = "many"\ncategory = "share"\naction = "drop_block"\n'
                    f"phrases = {{en = [{phrases}]}}\n", encoding="utf-8")
    cleaner = Cleaner(rules=[path])
    result = cleaner.clean("Title\n\nThe article stays whole here.\n\nPhrase 99999 to drop\n\nPHRASE  41 TO DROP")
    assert result.text == "The article stays whole here."
    assert [r.text for r in result.removed] == ["Phrase 99999 to drop", "PHRASE  41 TO DROP"]
