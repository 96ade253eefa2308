"""Every exception `cleaner` raises on purpose, in one place.

    CleanerError
    ├── InputError          the page itself cannot be cleaned
    │   ├── EmptyInputError     nothing but whitespace
    │   ├── BinaryInputError    not text (an image, an archive, random bytes)
    │   ├── InputTooLargeError  over the size limit (``max_bytes``)
    │   ├── TooDeepError        HTML nested deeper than the parser reads
    │   ├── TooComplexError     more elements or attributes than the limits allow
    │   └── PageTimeoutError    cleaning the page ran past its time limit (``timeout``)
    ├── WorkerDiedError     the worker process cleaning a page ended (killed, out of memory)
    └── RulePackError       a rule pack is unusable (bad TOML, unknown action, bad regex)
        └── RuleTimeoutError    a rule's pattern ran past its time limit

Messages are one line and name the input, the file or the rule.
"""

from __future__ import annotations


class CleanerError(Exception):
    """Base class: catch this to catch everything `cleaner` raises on purpose."""


class InputError(CleanerError, ValueError):
    """The input cannot be cleaned."""


class EmptyInputError(InputError):
    """The input holds no text."""


class BinaryInputError(InputError):
    """The input is binary data, not a page."""


class InputTooLargeError(InputError):
    """The input is larger than the configured limit."""


class TooDeepError(InputError):
    """The HTML nests elements deeper than the parser can read."""


class TooComplexError(InputError):
    """The HTML has more elements or attributes than the structural limits allow."""


class PageTimeoutError(InputError):
    """Cleaning the page took longer than the time limit."""


class WorkerDiedError(CleanerError):
    """The worker process that held a page ended before answering."""


class RulePackError(CleanerError, ValueError):
    """A rule pack is invalid."""


class RuleTimeoutError(RulePackError):
    """A rule's pattern took longer than its time limit (catastrophic backtracking)."""
