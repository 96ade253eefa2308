"""cleaner: the article out of a scraped news page, with what was cut and why.

>>> from cleaner import clean
>>> result = clean(open("fixtures/seeds/000_f72e3418c6e8cf22.txt", encoding="utf-8").read())  # doctest: +SKIP
>>> result.title  # doctest: +SKIP
'China and Russia coordinate on Japan, vow to uphold WWII outcomes'
"""

import logging

from .config import CleanerConfig
from .core import Cleaner, clean, error_result
from .detect import Backend, detect_language, language_runs
from .document import Removal, Run
from .errors import (
    BinaryInputError,
    CleanerError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    PageTimeoutError,
    RulePackError,
    RuleTimeoutError,
    TooComplexError,
    TooDeepError,
    WorkerDiedError,
)
from .result import SCHEMA, CleanResult, Segment
from .rules import RulePack, load_pack
from .sites import learn_sites

__all__ = [
    "SCHEMA",
    "Backend",
    "BinaryInputError",
    "CleanResult",
    "Cleaner",
    "CleanerConfig",
    "CleanerError",
    "EmptyInputError",
    "InputError",
    "InputTooLargeError",
    "PageTimeoutError",
    "Removal",
    "Run",
    "RulePack",
    "RulePackError",
    "RuleTimeoutError",
    "Segment",
    "TooComplexError",
    "TooDeepError",
    "WorkerDiedError",
    "clean",
    "detect_language",
    "error_result",
    "language_runs",
    "learn_sites",
    "load_pack",
]

# Diagnostics go to the "cleaner" logger; silent unless the application configures logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())
