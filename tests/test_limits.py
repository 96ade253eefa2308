"""What one page may cost (`cleaner.limits`): structure limits before the parser, the page clock, the rule budget."""

from __future__ import annotations

import pytest
from conftest import SLOW_PACK, slow_block

from cleaner import Cleaner
from cleaner.config import LimitsConfig
from cleaner.errors import PageTimeoutError, RuleTimeoutError, TooComplexError
from cleaner.limits import check_structure


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
