"""The word lexicon (`cleaner.detect.lexicon`): short neighbours told apart by their words.

The phrases are interface strings and everyday phrases written for these
tests, none of them a line of the benchmark data (`bench/langid.py`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleaner.config import DetectConfig
from cleaner.detect import detect_language, language_runs
from cleaner.detect.lexicon import Lexicon, words_of
from cleaner.detect.tagger import Detector
from conftest import FIXTURES

ROOT = FIXTURES.parent

# Short text whose letters leave its neighbours open (no ы, ъ, ћ, ã ...).
NEIGHBOURS = [
    ("Много благодаря", "bg"), ("Искам вода", "bg"), ("Как си", "bg"), ("Последни новини", "bg"),
    ("Пока не знаю", "ru"), ("Все новости", "ru"), ("Главная страница", "ru"),
    ("Хвала лепо", "sr"), ("Добар дан", "sr"), ("Повезане вести", "sr"), ("Све вести", "sr"),
    ("Política de privacidade", "pt"), ("Notícias relacionadas", "pt"),
    ("Contacto", "es"), ("Noticias relacionadas", "es"),
    ("Bis bald", "de"), ("Lees verder", "nl"),
]


@pytest.mark.parametrize(("text", "lang"), NEIGHBOURS)
def test_short_text_of_close_neighbours_is_told_apart(text, lang):
    assert detect_language(text) == lang


# Words and names both Russian and Bulgarian write, about as often: nothing but
# how much more Russian is written tells them apart.  And their counterparts,
# whose words (or a declined name: «в Пекине», «в Лондоне») do say which.
SAID_NOTHING = [("А Мерилин?", "ru"), ("Фото: Мерилин Монро", "ru"), ("Привет Мерилин", "ru"), ("Вода и хлеб", "ru")]
SAID_SOMETHING = [
    ("Много благодаря", "bg"), ("Работа на Петър", "bg"), ("Концерт на Мерилин", "bg"), ("Кой е Мерилин Монро?", "bg"),
    ("Вода за пиене", "bg"), ("Мерилин Монро в Лондоне", "ru"), ("Работа в Пекине", "ru"),
]


@pytest.mark.parametrize(("text", "lang"), SAID_NOTHING + SAID_SOMETHING)
def test_words_both_neighbours_write_are_the_commoner_ones(text, lang):
    assert detect_language(text) == lang


def test_names_a_list_lacks_say_nothing_and_other_words_do(tmp_path):
    lexicon = Lexicon(tmp_path)
    # «мерилин» is in the Bulgarian list only (Russian mostly writes «Мэрилин»): left out as a name.
    assert lexicon.log_odds("А Мерилин Монро?", "ru", "bg") == pytest.approx(
        lexicon.log_odds("А Монро?", "ru", "bg"))
    assert lexicon.log_odds("мерилин монро", "ru", "bg") is None  # not capitalised: a word Russian lacks
    assert lexicon.log_odds("Мерилин Монро", "ru", "bg") is None  # the first word is no name by its capital
    assert lexicon.log_odds("Много благодаря", "ru", "bg") > 0.5  # both write them, Bulgarian far more
    assert lexicon.log_odds("Искам вода", "ru", "bg") is None  # «искам» is no Russian word


def test_a_single_word_keeps_its_scores():
    # Both write «работа», Bulgarian three times as often: a word alone is not
    # given to the commoner language (on single words that traded one
    # language's words for the other's).
    assert detect_language("работа") == "bg"


def test_the_words_are_what_tells_them_apart():
    without = Detector(DetectConfig(lexicon=False))
    right_without = sum(_lang(text, without) == lang for text, lang in NEIGHBOURS)
    # py3langid's byte n-grams alone get about half of these wrong (bg read as ru, sr as ru or bg).
    assert right_without <= len(NEIGHBOURS) - 8


def test_long_text_is_tagged_as_without_the_lexicon():
    texts = [
        "Правителството обяви днес нови мерки за подкрепа на малкия и средния бизнес в страната.",
        "Правительство объявило сегодня новые меры поддержки малого и среднего бизнеса в стране.",
        "O governo anunciou hoje novas medidas de apoio às pequenas e médias empresas do país.",
        "El gobierno anunció hoy nuevas medidas de apoyo a las pequeñas y medianas empresas del país.",
    ]
    with_lexicon, without = Detector(DetectConfig()), Detector(DetectConfig(lexicon=False))
    for text in texts:
        assert _runs(text, with_lexicon) == _runs(text, without)


def test_the_lexicon_is_not_loaded_for_text_that_does_not_need_it(tmp_path):
    clear = [
        "The council approved the budget on Monday after a long debate about the new school.",
        "Їжак",  # its letter says Ukrainian
        "国务院今天公布了新的措施",
        "Правительство объявило сегодня новые меры поддержки малого и среднего бизнеса.",
    ]
    code = (
        "import json\nfrom cleaner.detect import detect_language\nfrom cleaner.detect import lexicon\n"
        f"answers = [detect_language(t) for t in {clear!r}]\n"
        "loaded = sorted(lexicon._SHARED._lists) if lexicon._SHARED else []\n"
        "detect_language('Много благодаря')\n"
        "print(json.dumps([answers, loaded, sorted(lexicon._SHARED._lists)]))"
    )
    answers, loaded, after = _run(code, tmp_path)
    assert answers == ["en", "uk", "zh", "ru"]
    assert loaded == []
    assert {"bg", "ru"} <= set(after) and len(after) <= 6  # the Cyrillic lists only, not the Latin ones


def test_the_same_text_gets_the_same_answer_in_every_process(tmp_path):
    texts = [text for text, _ in NEIGHBOURS]
    code = f"import json\nfrom cleaner.detect import detect_language\nprint(json.dumps([detect_language(t) for t in {texts!r}]))"
    first = _run(code, tmp_path, PYTHONHASHSEED="1")
    second = _run(code, tmp_path / "other", PYTHONHASHSEED="2")  # converted afresh, str hashes salted otherwise
    assert first == second == [detect_language(text) for text in texts]


def test_weighing_moves_mass_between_the_neighbours_only(tmp_path):
    lexicon = Lexicon(tmp_path)
    scores = {"ru": 0.45, "bg": 0.45, "be": 0.1}
    bulgarian = lexicon.weigh(scores, "според мен", ["ru", "bg", "be"], floor=-7.0)
    russian = lexicon.weigh(scores, "вот так", ["ru", "bg", "be"], floor=-7.0)
    assert bulgarian["bg"] > 0.8 and russian["ru"] > 0.8
    assert bulgarian["be"] == russian["be"] == 0.1  # Belarusian has no list: its score stands
    assert sum(bulgarian.values()) == pytest.approx(1.0)
    unknown = lexicon.weigh(scores, "Кзывщ Пфлюкс", ["ru", "bg"], floor=-7.0)
    assert unknown["ru"] == pytest.approx(unknown["bg"])  # words no list has say nothing


def test_serbian_cyrillic_is_looked_up_in_the_latin_list(tmp_path):
    lexicon = Lexicon(tmp_path)
    assert lexicon.log_frequency("sr", "који") == lexicon.log_frequency("sr", "koji") is not None
    assert lexicon.log_frequency("sr", "вещь") is None  # щ, ь: not Serbian letters
    assert lexicon.log_frequency("be", "вось") is None  # no list


def test_addresses_are_no_words():
    assert words_of("Pisz: jan@example.co.pl lub www.example.com, Co NOWEGO?") == ["pisz", "lub", "co", "nowego"]
    assert words_of("Don’t stop") == ["don't", "stop"]


def test_lists_are_converted_once_into_the_cache_and_read_back(tmp_path):
    first = Lexicon(tmp_path).log_frequency("bg", "според")
    converted = list(tmp_path.glob("wordfreq-small_bg-*.npy"))
    assert first is not None and len(converted) == 1
    mtime = converted[0].stat().st_mtime_ns
    assert Lexicon(tmp_path).log_frequency("bg", "според") == first
    assert converted[0].stat().st_mtime_ns == mtime  # read, not written again


def test_a_cache_that_cannot_be_written_still_gives_the_answers(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    lexicon = Lexicon(blocker / "cache")
    assert lexicon.log_frequency("ru", "вот") == Lexicon(tmp_path / "ok").log_frequency("ru", "вот") is not None


def test_threads_loading_the_same_lists_agree(tmp_path):
    lexicon = Lexicon(tmp_path)
    texts = ["според мен", "вот так", "хвала лепо", "obrigado pela ajuda", "muchas gracias"] * 8
    langs = {"ru": 0.3, "bg": 0.3, "sr": 0.2, "pt": 0.1, "es": 0.1}

    def weigh(text: str) -> dict[str, float]:
        return lexicon.weigh(langs, text, sorted(langs), floor=-7.0)

    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(weigh, texts))
    assert together == [Lexicon(tmp_path / "alone").weigh(langs, t, sorted(langs), floor=-7.0) for t in texts]


def test_threads_reading_different_texts_get_their_own_words(tmp_path):
    # The lexicon keeps the last text's words and weights: threads reading
    # different texts at once must each get their own text's.
    lexicon = Lexicon(tmp_path)
    texts = ["според мен", "вот так", "Работа Н.", "А Мерилин Монро?", "Много благодаря", "хвала лепо"] * 20
    scores = {"ru": 0.4, "bg": 0.3, "sr": 0.3}

    def read(text: str) -> tuple[dict[str, float], float | None]:
        return lexicon.weigh(scores, text, sorted(scores), floor=-7.0), lexicon.log_odds(text, "ru", "bg")

    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(read, texts))
    alone = Lexicon(tmp_path / "alone")
    assert together == [(alone.weigh(scores, t, sorted(scores), floor=-7.0), alone.log_odds(t, "ru", "bg")) for t in texts]


def _lang(text: str, detector: Detector) -> str:
    from cleaner.detect import majority_language

    return majority_language(language_runs(text, detector=detector))[0]


def _runs(text: str, detector: Detector) -> list[tuple[str, str, float, str]]:
    return [(r.text, r.lang, r.confidence, r.by) for r in language_runs(text, detector=detector)]


def _run(code: str, cache: os.PathLike[str], **env: str) -> object:
    environment = dict(os.environ, CLEANER_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT), **env)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])
