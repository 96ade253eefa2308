from __future__ import annotations

import pytest

from cleaner import detect_language, language_runs
from cleaner.config import DetectConfig
from cleaner.detect import Detector, script_runs
from cleaner.document import Run

CONFIRM_CHARS = DetectConfig().confirm_chars


def test_runs_split_where_the_script_changes_and_keep_offsets():
    text = "…aggression.Изображение, созданное ИИChina and Russia"
    runs = script_runs(text)
    assert [(r.text, r.script) for r in runs] == [
        ("…aggression.", "Latn"),
        ("Изображение, созданное ИИ", "Cyrl"),
        ("China and Russia", "Latn"),
    ]
    assert all(text[r.start:r.end] == r.text for r in runs)


def test_short_runs_follow_the_long_runs_of_their_script():
    runs = language_runs(
        "Сообщено ИИ Mosquitoes are spreading north as winters grow milder across Europe, scientists say."
    )
    assert [(r.lang, r.script) for r in runs] == [("ru", "Cyrl"), ("en", "Latn")]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Їжак", "uk"),  # ї is only Ukrainian
        ("Прагноз надвор'я: ўначы", "be"),  # ў is only Belarusian
        ("Қазақстан", "kk"),
        ("Ђоковић", "sr"),
        ("東京で電車が止まった", "ja"),  # kana
        ("오늘 서울 날씨", "ko"),
        ("Η Βουλή ψήφισε", "el"),
    ],
)
def test_alphabet_settles_the_language_without_statistics(text, lang):
    detector = Detector(DetectConfig(backend=_Refusing()))
    runs = script_runs(text)
    detector.tag(runs)
    assert runs[0].lang == lang


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Правительство объявило о новых мерах поддержки экономики.", "ru"),
        ("Уряд оголосив про нові заходи підтримки економіки.", "uk"),
        ("Die Regierung hat neue Maßnahmen zur Unterstützung der Wirtschaft angekündigt.", "de"),
        ("Le gouvernement a annoncé de nouvelles mesures de soutien à l'économie.", "fr"),
        ("El gobierno anunció nuevas medidas de apoyo a la economía del país.", "es"),
        ("Rząd ogłosił nowe środki wsparcia dla gospodarki i przedsiębiorców.", "pl"),
        ("政府宣布了支持经济发展的新措施。", "zh"),
        ("2024 — 15:30 / 100%", "und"),
    ],
)
def test_detect_language_on_sentences(text, lang):
    assert detect_language(text) == lang


def test_the_backend_is_swappable():
    class Fake:
        name = "fake"

        def scores(self, text):
            return [("ru", 0.7), ("nl", 0.2), ("de", 0.1)]

    # The fake's favourite is not written in Latin script; the best Latin one is taken.
    assert detect_language("Een zin die lang genoeg is om alleen te tellen, zonder de pagina", backend=Fake()) == "nl"


def test_langdetect_backend_is_seeded_and_deterministic():
    detector = Detector(DetectConfig(backend="langdetect"))
    answers = set()
    for _ in range(5):
        runs = [Run("Прогноз погоды на завтра", "Cyrl", 0, 24)]
        detector.tag(runs)
        answers.add((runs[0].lang, runs[0].confidence))
    assert len(answers) == 1


class _Refusing:
    name = "refusing"

    def scores(self, text):
        raise AssertionError(f"statistics asked about {text!r}")


class _Reading:
    """English for every run but the table row; records how much of each run it reads."""

    name = "reading"

    def __init__(self):
        self.read = []

    def scores(self, text):
        self.read.append(len(text))
        return [("pcm", 0.9), ("en", 0.1)] if text.startswith("Get Dashlane") else [("en", 0.9)]


def test_one_odd_run_does_not_unsettle_the_page():
    backend = _Reading()
    sentence = "The council approved the new budget after a debate that lasted late into the night."
    texts = [f"Paragraph {i}. {sentence}" for i in range(5)]
    texts += ["Get Dashlane Password Manager for Free (Upgrade to Premium for $4.99/mo)"]
    texts += [f"Paragraph {i}. {sentence}" for i in range(5, 9)]
    runs = [Run(text, "Latn", 0, len(text)) for text in texts]
    Detector(DetectConfig(backend=backend)).tag(runs)
    # Five agreeing runs settle English; after the odd one, runs are still only confirmed
    # (the last read: the odd run's rare language weighed against the page's, below).
    assert backend.read[-5:-1] == [CONFIRM_CHARS] * 4
    assert [run.lang for run in runs] == ["en"] * 10
    assert runs[5].by == "page+model" and 0.5 < runs[5].confidence < 0.9


class _Rare:
    """A rare language (Nigerian Pidgin) for the runs that start with "Oga"; English otherwise.
    ``apart``: how far the rare runs' English score is from their own."""

    name = "rare"

    def __init__(self, apart):
        self.apart = apart

    def scores(self, text):
        if text.startswith("Oga"):
            return [("pcm", 1.0 - self.apart), ("en", self.apart)]
        return [("en", 0.9), ("pcm", 0.1)]


@pytest.mark.parametrize("apart, expected", [(0.2, "en"), (1e-6, "pcm")])
def test_a_rare_language_the_page_outweighs_is_the_pages_unless_scored_far_apart(apart, expected):
    # py3langid reads an English headline as Nigerian Pidgin; a paragraph truly
    # in the rare language is scored far from English and keeps its tag.
    sentence = "The council approved the new budget after a debate that lasted late into the night."
    texts = [f"Paragraph {i}. {sentence}" for i in range(4)] + ["Oga, di council don approve di new budget for di city"]
    runs = [Run(text, "Latn", 0, len(text)) for text in texts]
    Detector(DetectConfig(backend=_Rare(apart))).tag(runs)
    assert [run.lang for run in runs] == ["en"] * 4 + [expected]


def test_the_same_text_is_asked_about_once():
    class Counting:
        name = "counting"
        asked = 0

        def scores(self, text):
            Counting.asked += 1
            return [("de", 0.9)]

    detector = Detector(DetectConfig(backend=Counting()))
    caption = "Foto: Der Rat stimmt im Saal des Rathauses ab"
    for _ in range(3):  # three pages of one site, each with the same caption
        runs = [Run(caption, "Latn", 0, len(caption))]
        detector.tag(runs)
        assert runs[0].lang == "de"
    assert Counting.asked == 1


def _runs(*texts):
    return [run for text in texts for run in script_runs(text)]


def test_removed_chrome_lends_its_language_only_to_short_runs_that_need_it():
    article = "Mosquitoes are spreading north as winters grow milder across Europe, scientists say."
    box = "Связанные статьи: Учёные предупреждают о распространении комаров на север Европы"
    runs, chrome = _runs("Сообщено ИИ", article), _runs(box)
    Detector().tag(runs, chrome)
    assert [(r.text.strip(), r.lang) for r in runs] == [("Сообщено ИИ", "ru"), (article, "en")]
    assert runs[0].confidence == 0.6  # taken from the page's long Cyrillic run, not guessed
    assert chrome[0].lang == "ru"  # asked, because the label had nothing else to follow

    runs, chrome = _runs(article), _runs(box)
    Detector().tag(runs, chrome)
    assert chrome[0].lang == "und"  # nothing needed it: removed text is not read


def test_a_detector_pickles_as_its_config_and_gives_the_same_answers():
    import pickle

    texts = [
        "Сообщено ИИ Mosquitoes are spreading north as winters grow milder across Europe, scientists say.",
        "Уряд оголосив про нові заходи підтримки економіки.",
        "Rząd ogłosił nowe środki wsparcia dla gospodarki i przedsiębiorców.",
    ]
    detector = Detector(DetectConfig(languages=("en", "pl", "ru", "uk")))
    before = [language_runs(text, detector=detector) for text in texts]  # model loaded, memo filled
    copy = pickle.loads(pickle.dumps(detector))
    assert copy.config == detector.config and copy.languages == detector.languages
    assert copy._memo == {} and copy._backend is None  # loaded again on first use
    assert [language_runs(text, detector=copy) for text in texts] == before
    assert [language_runs(text, detector=detector) for text in texts] == before  # the original still works


def test_settings_come_from_the_config():
    backend = _Reading()
    text = "The council approved the new budget after a debate that lasted late into the night."
    runs = [Run(f"{i}. {text}", "Latn", 0, len(text) + 3) for i in range(4)]
    Detector(DetectConfig(backend=backend, settle_runs=2, confirm_chars=20, backend_max_chars=60)).tag(runs)
    assert backend.read == [60, 60, 20, 20]
    short = [Run("Foto: Rat", "Latn", 0, 9)]
    Detector(DetectConfig(backend=_Refusing(), guess_min_letters=99)).tag(short)
    assert short[0].lang == "en" and short[0].confidence == 0.2  # too short to ask: the fallback


def _langs(text, **kwargs):
    return [(r.text.strip(), r.lang) for r in language_runs(text, **kwargs)]


def test_alternating_lines_of_one_script_become_separate_runs():
    text = (
        "Уряд оголосив про нові заходи підтримки економіки та малого бізнесу.\n"
        "Правительство объявило о новых мерах поддержки экономики и малого бизнеса.\n"
        "Die Regierung hat neue Maßnahmen zur Unterstützung der Wirtschaft angekündigt.\n"
        "De regering heeft nieuwe maatregelen aangekondigd om de economie te steunen."
    )
    assert [lang for _, lang in _langs(text)] == ["uk", "ru", "de", "nl"]


def test_lines_that_agree_are_one_run():
    text = (
        "Die Regierung hat neue Maßnahmen zur Unterstützung der Wirtschaft angekündigt.\n"
        "Der Bundestag stimmt in der kommenden Woche über das Gesetz ab."
    )
    runs = language_runs(text)
    assert [(r.text, r.lang, r.by) for r in runs] == [(text, "de", "model")]


def test_an_english_interface_over_a_german_article_keeps_its_language():
    text = (
        "Sign in\nSubscribe now\n"
        "Die Regierung hat neue Maßnahmen zur Unterstützung der Wirtschaft angekündigt.\n"
        "Der Bundestag stimmt in der kommenden Woche über das Gesetz ab, sagte ein Sprecher.\n"
        "Share\nPrivacy policy"
    )
    runs = language_runs(text)
    assert [(r.text.strip(), r.lang) for r in runs] == [
        ("Sign in\nSubscribe now", "en"),
        ("Die Regierung hat neue Maßnahmen zur Unterstützung der Wirtschaft angekündigt.\n"
         "Der Bundestag stimmt in der kommenden Woche über das Gesetz ab, sagte ein Sprecher.", "de"),
        ("Share\nPrivacy policy", "en"),
    ]
    assert runs[0].by in ("page+model", "phrase") and runs[1].by == "model"


def test_a_phrase_of_the_packs_is_evidence_of_its_language():
    text = (
        "Читайте также\n"
        "Уряд оголосив про нові заходи підтримки економіки та малого бізнесу.\n"
        "Верховна Рада ухвалила закон про державний бюджет на наступний рік."
    )
    runs = language_runs(text)
    assert [(r.lang, r.by) for r in runs] == [("ru", "phrase"), ("uk", "model")]


def test_a_declared_language_tells_short_runs_with_nothing_else_to_follow():
    from cleaner.detect import PageEvidence

    text = "Главная\nThe council approved the new budget after a debate that lasted late into the night."
    declared = PageEvidence((("html-lang", "uk"),))
    assert language_runs(text, evidence=declared)[0].lang == "uk"
    assert language_runs(text, evidence=declared)[0].by == "page"
    assert language_runs(text)[0].lang == "ru"  # undeclared: the script's usual language


def test_language_runs_and_the_pipeline_agree_on_the_same_text():
    from cleaner import clean

    text = (
        "Новости\n\n"
        "Уряд оголосив про нові заходи підтримки економіки та малого бізнесу.\n\n"
        "Правительство объявило о новых мерах поддержки экономики и малого бизнеса."
    )
    result = clean(text)
    by_line = [(s.text, s.lang) for s in result.segments]
    runs = [(r.text.strip(), r.lang) for r in language_runs(text)]
    assert by_line == runs
    assert [lang for _, lang in runs] == ["ru", "uk", "ru"]


def test_a_latin_letter_inside_a_cyrillic_word_is_part_of_the_word():
    # Web text types Latin i for Ukrainian і: one Cyrillic run, not three.
    assert [(r.text, r.script) for r in script_runs("Але тут вiн в трьох")] == [("Але тут вiн в трьох", "Cyrl")]
    assert [(r.text, r.script) for r in script_runs("Kиев")] == [("Kиев", "Cyrl")]
    # Whole words of another script stay their own runs.
    assert [r.script for r in script_runs("iPhone и Android")] == ["Latn", "Cyrl", "Latn"]
    assert [r.script for r in script_runs("вітамін C тут")] == ["Cyrl", "Latn", "Cyrl"]


def test_a_segment_that_mixes_languages_says_how_each_run_was_tagged():
    import json
    from pathlib import Path

    import jsonschema

    from cleaner import clean

    text = (
        "Корреспондент сообщает из Москвы: The council approved the new budget after a debate "
        "that lasted late into the night, officials said on Tuesday."
    )
    out = json.loads(clean(text).to_json())
    runs = out["segments"][0]["runs"]
    assert [(r["lang"], r["by"]) for r in runs] == [("ru", "model"), ("en", "model")]
    assert all(0 < r["confidence"] <= 1 for r in runs)
    schema = json.loads((Path(__file__).parents[1] / "cleaner" / "schema" / "cleaner-1.schema.json").read_text())
    jsonschema.validate(out, schema)


def test_ranking_a_few_languages_is_the_full_ranking_filtered():
    # Short runs rank only the languages they ask about (`rank_among`): the
    # same entries, order and floats as the full ranking filtered to them.
    from cleaner.detect.backends import Py3LangidBackend

    backend = Py3LangidBackend()
    texts = ["Много благодаря", "Все новости", "Política de privacidade", "Bis bald", "政府宣布", "1234", ""]
    choices = [("ru", "uk", "bg", "sr", "be", "kk", "mk"), ("pt", "es", "gl"), ("zh", "ja"), ("xx",), ("en",)]
    for text in texts:
        full = backend.scores(text)
        decided = backend.decided(text)
        assert backend.rank_among(decided, None) == full
        for langs in choices:
            assert backend.rank_among(decided, langs) == [(lang, p) for lang, p in full if lang in langs]


def test_a_full_memo_drops_its_oldest_answers_and_keeps_the_same_tags():
    small = Detector(DetectConfig(memo_size=8))
    texts = ["Все новости", "Bis bald", "Много благодаря", "Lees verder", "Добар дан"] * 4
    tagged = [[(r.lang, r.confidence) for r in language_runs(text, detector=small)] for text in texts]
    assert len(small._memo) <= 8
    fresh = Detector(DetectConfig())
    assert tagged == [[(r.lang, r.confidence) for r in language_runs(text, detector=fresh)] for text in texts]


def test_lines_of_kanji_alone_on_a_japanese_page_are_japanese():
    article = "金正恩氏が習近平氏に書簡を送ったと朝鮮中央通信が伝えた。首脳会談の後、両国の関係は改善に向かっている。"
    runs = language_runs(f"{article}\n\n編集委員 中沢克二\n\n日本経済新聞 電子版")
    assert {run.lang for run in runs} == {"ja"}
    # Without kana to go by, the same lines are read as Chinese.
    assert {run.lang for run in language_runs("编辑委员 中泽克二\n\n日本经济新闻 电子版")} == {"zh"}
