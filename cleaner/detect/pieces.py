"""Where a language may change inside one script: lines and sentences.

A script run is cut once more, after each line break and, when it is long,
after each sentence end, so that two languages of one script (Ukrainian under
Russian, Dutch after German) can be told apart.  After tagging, neighbours
that agree are joined again (`merge_agreeing`): a paragraph in one language
comes out as the one run it was.
"""

from __future__ import annotations

import regex

from ..document import Run
from .scripts import script_runs

# A sentence ends at . ! ? … (or their CJK forms), with closing quotes and
# brackets, then a space before an upper-case letter or an opening quote; CJK
# full stops need no space.  Abbreviations ("Dr. Smith") cut too: a cut only
# matters where the two sides are told apart with confidence.
_SENTENCE_END = regex.compile(
    r"(?:[.!?…]+[\"'»”’)\]]*\s+(?=[\"'«“„(\[]?\p{Lu})|[。！？]+[」』”）]*\s*)", regex.V1
)


def language_pieces(text: str, offset: int = 0, sentence_min_letters: int = 0) -> list[Run]:
    """Script runs cut after line breaks, and long ones after sentence ends.

    ``sentence_min_letters``: a run is cut into sentences only when it has at
    least this many letters (0: never).  Pieces with no letters stay with the
    piece before them.

    >>> [(r.text, r.script) for r in language_pieces("Новости\\nНовини дня\\nNews")]
    [('Новости\\n', 'Cyrl'), ('Новини дня\\n', 'Cyrl'), ('News', 'Latn')]
    """
    runs = script_runs(text, offset)
    if "\n" not in text and not sentence_min_letters:
        return runs
    pieces: list[Run] = []
    for run in runs:
        cuts = _cuts(run, sentence_min_letters)
        if not cuts:
            pieces.append(run)
            continue
        start = 0
        for cut in [*cuts, len(run.text)]:
            piece = Run(run.text[start:cut], run.script, run.start + start, run.start + cut)
            if pieces and not piece.letters and pieces[-1].script == run.script:
                pieces[-1] = _joined(pieces[-1], piece)
            else:
                pieces.append(piece)
            start = cut
    return pieces


def _cuts(run: Run, sentence_min_letters: int) -> list[int]:
    text = run.text
    cuts = {i + 1 for i, ch in enumerate(text) if ch == "\n"} if "\n" in text else set()
    if sentence_min_letters and run.letters >= sentence_min_letters:
        cuts.update(m.end() for m in _SENTENCE_END.finditer(text))
    return sorted(cut for cut in cuts if 0 < cut < len(text))


def merge_agreeing(runs: list[Run]) -> list[Run]:
    """Join neighbours of one script and one language (touching, as pieces of one run do).

    Their confidence is the letter-weighted mean; how each was decided (``by``)
    is the one of the piece with most letters.
    """
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        if last is not None and last.end == run.start and last.script == run.script and last.lang == run.lang:
            merged[-1] = _joined(last, run)
        else:
            merged.append(run)
    return merged


def _joined(first: Run, second: Run) -> Run:
    letters = first.letters + second.letters
    confidence = (
        round((first.confidence * first.letters + second.confidence * second.letters) / letters, 4)
        if letters else max(first.confidence, second.confidence)
    )
    by = first.by if first.letters >= second.letters else second.by
    return Run(first.text + second.text, first.script, first.start, second.end, first.lang, confidence,
               letters, by)
