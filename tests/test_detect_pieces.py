from __future__ import annotations

from cleaner.detect.pieces import language_pieces, merge_agreeing


def test_lines_of_one_script_are_cut_and_keep_their_offsets():
    text = "Новости\nНовини дня\n\nNews of the day"
    pieces = language_pieces(text)
    assert [(p.text, p.script) for p in pieces] == [
        ("Новости\n", "Cyrl"), ("Новини дня\n\n", "Cyrl"), ("News of the day", "Latn"),
    ]
    assert all(text[p.start:p.end] == p.text for p in pieces)


def test_a_line_of_no_letters_stays_with_the_line_before():
    pieces = language_pieces("Weather\n—\n2024\nSport")
    assert [p.text for p in pieces] == ["Weather\n—\n2024\n", "Sport"]


def test_long_runs_are_cut_after_sentences_only_when_asked():
    text = "Der Rat hat den Haushalt beschlossen. De gemeenteraad heeft de begroting goedgekeurd."
    assert len(language_pieces(text)) == 1
    pieces = language_pieces(text, sentence_min_letters=40)
    assert [p.text for p in pieces] == [
        "Der Rat hat den Haushalt beschlossen. ", "De gemeenteraad heeft de begroting goedgekeurd.",
    ]


def test_neighbours_that_agree_merge_back_into_one_run():
    text = "Erste Zeile\nZweite Zeile\nEnglish line"
    pieces = language_pieces(text)
    for piece, lang in zip(pieces, ["de", "de", "en"]):
        piece.lang, piece.confidence, piece.by = lang, 0.8, "model"
    merged = merge_agreeing(pieces)
    assert [(r.text, r.lang) for r in merged] == [("Erste Zeile\nZweite Zeile\n", "de"), ("English line", "en")]
    assert all(text[r.start:r.end] == r.text for r in merged)
    assert merged[0].letters == 21 and merged[0].confidence == 0.8
