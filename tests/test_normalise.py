from __future__ import annotations

from collections import Counter

import ftfy

from cleaner.normalise import normalise_text
from cleaner.repair import FTFY_CONFIG


def test_mojibake_is_repaired_and_the_fix_recorded():
    fixes: Counter[str] = Counter()
    mojibake = "Москва café".encode("utf-8").decode("latin-1")  # UTF-8 read as Latin-1
    assert normalise_text(mojibake, fixes) == "Москва café"
    assert any(name.startswith("ftfy:") for name in fixes)


def test_ftfy_explanation_replays_and_curly_quotes_stay():
    broken = "The Mona Lisa doesnâ€™t have eyebrows."
    fixed, plan = ftfy.fix_and_explain(broken, config=FTFY_CONFIG)
    assert ftfy.apply_plan(broken, plan) == fixed == normalise_text(broken) == "The Mona Lisa doesn’t have eyebrows."


def test_spaces_and_invisible_characters():
    fixes: Counter[str] = Counter()
    text = "Сло\u00adво\u200b и\u00a0ещё\u2003 одно  слово\u2060 "
    assert normalise_text(text, fixes) == "Слово и ещё одно слово"
    assert fixes["remove_soft_hyphens"] == 1 and fixes["remove_invisible"] == 2


def test_multilingual_text_is_left_as_written():
    # Full-width CJK punctuation, curly and angle quotes, joiners: all part of the text.
    for text in ("東京（ロイター）－日本の首相は「対話」を強調した。", "«Мы вместе», — сказал он. „Ja“, sagte sie.", "می\u200cخواهم", "👩\u200d🔬"):
        assert normalise_text(text) == text


def test_line_breaks_inside_a_block_become_spaces():
    assert normalise_text("one\r\ntwo\nthree") == "one two three"
