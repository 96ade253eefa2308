from __future__ import annotations

from cleaner.extract import text_blocks


def test_each_line_is_a_block_with_its_span():
    text = "  Title \n\nFirst paragraph.\nSecond line\u00a0\n\u00a0\n\nLast."
    blocks = text_blocks(text)
    assert [b.text for b in blocks] == ["Title", "First paragraph.", "Second line", "Last."]
    assert all(text[b.start:b.end] == b.text for b in blocks)


def test_lines_without_a_blank_between_share_a_group():
    blocks = text_blocks("Caption line.\nLabel\n\nParagraph.")
    assert blocks[0].group == blocks[1].group != blocks[2].group


def test_hard_wrapped_paragraph_is_one_block():
    wrapped = (
        "The committee met on Tuesday to discuss the budget for the\n"
        "coming year and agreed, after a long debate about priorities,\n"
        "that the railway line would be repaired before the winter\n"
        "season."
    )
    blocks = text_blocks("Headline\n\n" + wrapped + "\n\nNext paragraph.")
    assert [b.text for b in blocks] == ["Headline", wrapped, "Next paragraph."]


def test_one_paragraph_per_line_is_not_mistaken_for_wrapping():
    lines = [
        "The committee met on Tuesday to discuss the budget for next year.",
        "It agreed that the railway line would be repaired before winter.",
        "Work will start in October, officials said on Wednesday evening.",
    ]
    assert [b.text for b in text_blocks("\n".join(lines))] == lines


def test_line_ends_of_every_kind_split_blocks():
    assert [b.text for b in text_blocks("a\r\nb\rc\u2028d")] == ["a", "b", "c", "d"]
