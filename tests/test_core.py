from __future__ import annotations

import cleaner
from cleaner import Cleaner, CleanResult, clean

from conftest import FIXTURES

SEED = (FIXTURES / "seeds" / "000_f72e3418c6e8cf22.txt").read_text(encoding="utf-8")


def test_public_names_are_exactly_these():
    assert sorted(cleaner.__all__) == sorted([
        "SCHEMA", "Backend", "BinaryInputError", "CleanResult", "Cleaner", "CleanerConfig", "CleanerError", "EmptyInputError",
        "InputError", "InputTooLargeError", "Removal", "Run", "RulePack", "RulePackError", "RuleTimeoutError", "Segment", "TooDeepError", "clean",
        "detect_language", "error_result", "language_runs", "learn_sites", "load_pack",
        "PageTimeoutError", "TooComplexError", "WorkerDiedError",  # issue 11: limits and supervised workers
    ])
    assert all(hasattr(cleaner, name) for name in cleaner.__all__)


def test_clean_accepts_str_and_bytes_alike():
    as_str, as_bytes = clean(SEED), clean(SEED.encode("utf-8"))
    assert as_str.text == as_bytes.text
    assert as_bytes.provenance["encoding"] == "utf-8"


def test_url_goes_into_metadata():
    assert clean(SEED, url="https://example.org/a").metadata == {"url": "https://example.org/a"}


def test_provenance_names_versions_packs_and_input():
    result = clean(SEED)
    prov = result.provenance
    assert prov["input_kind"] == "text"
    assert len(prov["input_sha256"]) == 64
    assert {"cleaner", "ftfy", "trafilatura", "regex"} <= set(prov["versions"])
    assert {p["id"] for p in prov["rule_packs"]} >= {"ai-labels", "cookie-consent", "related"}
    assert all(len(p["sha256"]) == 64 for p in prov["rule_packs"])


def test_mixed_segments_carry_their_runs():
    result = clean("Headline\n\nThe slogan «Мы вместе» was painted on every wall of the old town square.")
    (segment,) = [s for s in result.segments if s.kind == "paragraph"]
    assert [r.lang for r in segment.runs] == ["en", "ru", "en"]


def test_clean_many_keeps_order_and_turns_failures_into_error_results():
    records = [SEED, b"", {"text": "Headline\n\nBody.", "url": "u"}, b"%PDF-1.4", "Title\n\nMore text."]
    for jobs in (1, 2):
        results = list(Cleaner().clean_many(records, jobs=jobs))
        assert [type(r) for r in results] == [CleanResult] * 5
        assert [r.error["type"] if r.error else None for r in results] == [
            None, "EmptyInputError", None, "BinaryInputError", None]
        assert results[2].metadata["url"] == "u" and results[4].text == "More text."


def test_results_are_byte_identical_between_runs():
    assert clean(SEED).to_json() == Cleaner().clean(SEED).to_json()


def test_clean_takes_html_bytes_with_a_url():
    page = (FIXTURES / "html" / "cp1251_ru_no_declaration.html").read_bytes()
    result = clean(page, url="https://example.org/bridge")
    assert result.provenance["encoding"] == "cp1251"
    assert result.provenance["encoding_source"] == "detected"
    assert result.language == "ru" and result.title
    assert result.metadata["url"]  # the page's canonical link wins over the caller's url


def test_the_config_is_recorded_in_provenance_as_it_is():
    from cleaner import CleanerConfig

    config = CleanerConfig().replace(max_bytes=123_456, languages=["ru", "en"], caption_max_chars=300)
    result = Cleaner(config).clean(SEED)
    options = result.provenance["options"]
    assert options["load"]["max_bytes"] == 123_456
    assert options["detect"]["languages"] == ["en", "ru"]
    assert options["rules"]["caption_max_chars"] == 300
    assert options == config.to_dict()


def test_keyword_options_and_a_config_build_the_same_cleaner():
    from cleaner import CleanerConfig

    by_keywords = Cleaner(languages=["en", "ru"], max_bytes=1_000_000, builtin_rules=True)
    by_config = Cleaner(CleanerConfig().replace(languages=("ru", "en"), max_bytes=1_000_000))
    assert by_keywords.config == by_config.config
    assert by_keywords.clean(SEED).to_json() == by_config.clean(SEED).to_json()


def test_an_unknown_option_is_refused_by_name():
    import pytest

    with pytest.raises(TypeError, match="unknown cleaner option 'max_byte'"):
        Cleaner(max_byte=10)


def test_a_page_outside_the_target_languages_is_skipped_with_a_reason():
    skipped = clean(SEED, target_languages=["ru", "uk"])
    assert skipped.ok and skipped.text == "" and skipped.language == "en"
    assert skipped.reason == "skipped: the page is in en, not in ru, uk (target_languages)"
    assert [s.kind for s in skipped.segments] == ["title"] and skipped.title == clean(SEED).title
    kept = clean(SEED, target_languages=["en"])
    assert kept.text == clean(SEED).text and kept.reason is None
    assert skipped.skipped and not kept.skipped
