"""HuggingFace `datasets`: clean a column of pages with ``Dataset.map(batched=True)``.

``pip install 'cleaner[datasets]'``::

    from datasets import load_dataset
    from cleaner.integrations.datasets import clean_batch

    pages = load_dataset("json", data_files="crawl.jsonl", split="train")
    cleaned = pages.map(clean_batch, batched=True, num_proc=2,
                        fn_kwargs={"html_column": "html", "languages": ["en", "ru"]})
    articles = cleaned.filter(lambda row: row["text"] != "")

Each process builds one `Cleaner` per set of options, on first use, and keeps
it (the packs and models load once per worker, not per batch).  The batch
gains these columns, every one a string but ``removed``, and ``""`` where
there is nothing to say: Arrow fixes a column's type from the first batch
written, so a column that starts with nulls would fail later batches.

| column | what |
| --- | --- |
| ``text`` | the article (``""`` when there is none) |
| ``title``, ``language`` | headline; ISO 639-1 code or ``und`` |
| ``author``, ``date``, ``site`` | from the page where it declares them |
| ``removed`` | how many pieces were cut (an int) |
| ``reason`` | why ``text`` is empty, when it is and nothing failed |
| ``error`` | one line naming the record, when it could not be cleaned |
| ``cleaner_json`` | the whole ``cleaner/1`` object (only with ``with_json=True``) |

A row that fails becomes an error row: the map never stops on a bad page.
``text`` is replaced, so a text column holding the input is overwritten
unless ``output_column`` names another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..config import CleanerConfig
from ..core import shared_cleaner

__all__ = ["clean_batch"]


def clean_batch(
    batch: Mapping[str, Sequence[Any]],
    *,
    html_column: str = "html",
    url_column: str | None = "url",
    output_column: str = "text",
    with_json: bool = False,
    **cleaner_options: Any,
) -> dict[str, list[Any]]:
    """Clean one batch of rows; returns the new columns (see the module docstring).

    >>> out = clean_batch({"html": ["Headline\\n\\nThe article.\\n\\nПоделиться", b""], "url": [None, "x"]})
    >>> out["text"], out["title"], out["error"]
    (['The article.', ''], ['Headline', ''], ['', 'x: input is empty or whitespace only'])
    """
    cleaner = shared_cleaner(CleanerConfig().replace(**cleaner_options) if cleaner_options else CleanerConfig())
    pages = batch[html_column]
    urls = batch[url_column] if url_column and url_column in batch else [None] * len(pages)
    out: dict[str, list[Any]] = {key: [] for key in (output_column, "title", "language", "author", "date", "site",
                                                     "removed", "reason", "error")}
    if with_json:
        out["cleaner_json"] = []
    for page, url in zip(pages, urls):
        result = cleaner.clean_record({"html": page, "url": url} if isinstance(url, str) else {"html": page})
        out[output_column].append(result.text)
        out["title"].append(result.title or "")
        out["language"].append(result.language)
        for key in ("author", "date", "site"):
            out[key].append(result.metadata.get(key) or "")
        out["removed"].append(len(result.removed))
        out["reason"].append(result.reason or "")
        out["error"].append(result.error["message"] if result.error else "")
        if with_json:
            out["cleaner_json"].append(result.to_json())
    return out
