"""What travels to worker processes pickles, and works the same where it is unpickled."""

from __future__ import annotations

import pickle

from cleaner import Cleaner
from cleaner.config import RulesConfig
from cleaner.rules import RuleSet, builtin_packs

PAGE = (
    "<html><head><title>Talks in Moscow</title></head><body><article><h1>Talks in Moscow</h1>"
    "<p>The regional council approved the new budget after a long debate on Tuesday evening.</p>"
    "<p>Поделиться</p><p>Spending on schools and roads rises next year, and the deficit narrows.</p>"
    "<h2>Related articles</h2><ul><li><a href='/a'>Teaser one</a></li></ul></article></body></html>"
)


def test_a_rule_set_pickles_with_its_settings_and_matches_the_same():
    rules = RuleSet(builtin_packs(), RulesConfig(gate=6, whole_block_max_chars=100), article_min_letters=40)
    rules.may_be_phrase("Поделиться")  # a warm gate memo does not get in the way
    copy = pickle.loads(pickle.dumps(rules))
    assert (copy.config, copy.article_min_letters) == (rules.config, 40)
    assert [p.describe() for p in copy.packs] == [p.describe() for p in rules.packs]
    assert copy.phrases.gate == 6 and copy.phrases.max_chars == 100
    for text in ("Поделиться", "  Связанные статьи:", "Budget approved"):
        assert copy.match_phrase(text) == rules.match_phrase(text)
    assert copy.markup("not-an-article") == rules.markup("not-an-article")


def test_the_phrase_matcher_pickles_on_its_own():
    phrases = RuleSet(builtin_packs()).phrases
    copy = pickle.loads(pickle.dumps(phrases))
    assert copy.may_be_phrase("Share this article") and not copy.may_be_phrase("Budget approved")


def test_an_unpickled_cleaner_cleans_a_page_the_same():
    cleaner = Cleaner()
    copy = pickle.loads(pickle.dumps(cleaner))
    expected = cleaner.clean(PAGE, "https://example.org/news/1")
    assert copy.clean(PAGE, "https://example.org/news/1").to_json() == expected.to_json()
    assert expected.removed  # the page does exercise the rules
