"""What one page may cost (`cleaner.limits`): structure limits before the parser, the page clock, the rule budget."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from conftest import SLOW_PACK, slow_block

from cleaner import Cleaner
from cleaner.config import LimitsConfig
from cleaner.errors import PageTimeoutError, RuleTimeoutError, TooComplexError
from cleaner.limits import _scan, _surely_within, check_structure


def test_code_in_scripts_styles_and_comments_is_no_markup():
    code = "<script>" + "for (a=0;a<b.length;a++) if (x<y && p<q) {}" * 50 + "</script>"
    code += "<style>a<b{}</style><!-- <p a=1 b=2 c=3> -->"
    check_structure("<html><body>" + code + "<p>x</p></body></html>", LimitsConfig(max_elements=10), "page")


def test_an_unterminated_script_runs_to_the_end_and_the_scan_stays_linear():
    check_structure("<p>x</p><script>" + "<b " * 200_000, LimitsConfig(max_elements=5), "page")


@pytest.mark.parametrize(
    "html, config, message",
    [
        ("<p>x</p>" * 11, LimitsConfig(max_elements=10), r"^page: HTML has more than 10 elements \(max_elements\)$"),
        ("<div " + " ".join(f"a{i}" for i in range(300)) + ">x</div>", LimitsConfig(),
         r"^page: an element at character 0 has 300 attributes, over the limit of 256 \(max_element_attributes\)"),
        ("<p a='1' b=\"2\">x</p>" * 6, LimitsConfig(max_attributes=10), r"^page: HTML has 12 attributes, over the limit"),
    ],
)
def test_structure_over_a_limit_is_refused_with_the_limit_named(html, config, message):
    with pytest.raises(TooComplexError, match=message):
        check_structure(html, config, "page")


def test_quoted_values_with_spaces_are_one_attribute_each():
    words = " ".join(["word"] * 400)
    check_structure(f'<meta name="description" content="{words}">', LimitsConfig(max_element_attributes=2), "p")


def test_a_pathological_page_is_refused_before_the_parser(cleaner):
    page = "<html><body><p>" + "<br>" * 200_000 + "</p></body></html>"
    with pytest.raises(TooComplexError, match="max_elements"):
        cleaner.clean(page, name="brs.html")


def test_a_page_past_its_time_limit_stops_in_process(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_PACK, encoding="utf-8")
    page = "Title\n\n" + "\n\n".join([slow_block(0.05)] * 400)
    with pytest.raises(PageTimeoutError, match=r"^slow\.txt: cleaning took longer than the time limit of 1s"):
        Cleaner(rules=[tmp_path / "slow.toml"], timeout=1).clean(page, name="slow.txt")


def test_user_patterns_share_one_budget_per_page_not_only_per_block(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_PACK, encoding="utf-8")
    page = "Title\n\n" + "\n\n".join([slow_block(0.05)] * 400)  # each block under the 0.25 s block limit
    cleaner = Cleaner(rules=[tmp_path / "slow.toml"], timeout=None, pattern_page_budget=0.5)
    with pytest.raises(RuleTimeoutError, match=r"pattern_page_budget"):
        cleaner.clean(page, name="slow.txt")


def test_without_limits_an_ordinary_page_is_untouched(cleaner):
    plain = Cleaner(timeout=None, max_elements=0, max_attributes=0, max_element_attributes=0)
    page = "<html><body><h1>Title</h1>" + "<p>A paragraph of the article, long enough to keep.</p>" * 20 + "</body></html>"
    assert plain.clean(page).text == cleaner.clean(page).text


def _refused(html: str, config: LimitsConfig) -> bool:
    try:
        _scan(html, config, "page")
    except TooComplexError:
        return True
    return False


# Attribute names weigh most: long tags full of attributes are what the bounds must not miss.
_PIECES = ["<a", "<ſ", "<script>", "</script>", "<!--", "-->", ">", "/", "'", '"', " ", "x", "=", " c=1"] + [" b", " b" * 16] * 6


_LONG = " b" * 16


@settings(max_examples=3000, deadline=None)
# Each bound at its edge: one "<" more than the elements allowed, in few characters; a long tag whose attributes are
# two characters each; a tag over the limit right after a long one under it (25 attributes in 70 characters).
@example(pieces=["<a", ">"] * 3, elements=2, attributes=0, per_element=0)
@example(pieces=["<a", ">", "<a", ">", "<a"], elements=2, attributes=0, per_element=0)  # 3 elements in 8 characters
@example(pieces=["<a", *["="] * 30], elements=1, attributes=20, per_element=0)  # 30 attributes in 32 characters
@example(pieces=["<ſ", _LONG, _LONG, _LONG], elements=1, attributes=0, per_element=33)  # a tag to a case-blind scan
@example(pieces=["<a", _LONG, _LONG, " b"], elements=1, attributes=25, per_element=0)
@example(pieces=["<a", _LONG, *[" c=1"] * 9, ">", "<a", _LONG, _LONG, " b", " b", ">"], elements=2, attributes=0,
         per_element=33)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=120),
       elements=st.integers(0, 12), attributes=st.integers(0, 70),
       per_element=st.sampled_from([0, 1, 2, 31, 32, 33]))  # over 31: only tags of 64 characters count
def test_a_page_let_through_without_the_scan_is_one_the_scan_lets_through(pieces, elements, attributes, per_element):
    # The bounds may send a page within the limits to the scan, never let one over them pass.
    config = LimitsConfig(max_elements=elements, max_attributes=attributes, max_element_attributes=per_element)
    html = "".join(pieces)
    if _surely_within(html, config):
        assert not _refused(html, config)


def test_an_ordinary_page_with_long_tags_skips_the_scan_and_one_long_tag_too_many_does_not():
    srcset = ", ".join(f"/img/photo-{width}.jpg {width}w" for width in range(100, 3000, 100))
    page = f'<html><body><img srcset="{srcset}" alt="x"><p>text</p></body></html>'
    assert _surely_within(page, LimitsConfig())
    crowded = "<div " + " ".join(f"a{i}" for i in range(257)) + ">x</div>"
    assert not _surely_within(page + crowded, LimitsConfig())
    with pytest.raises(TooComplexError, match="257 attributes"):
        check_structure(page + crowded, LimitsConfig(), "page")
