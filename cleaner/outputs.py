"""Files the command line writes besides stdout: never over an input, never half-written.

A report or an errors file is written to a temporary file beside it and
renamed into place at the end (`atomic_file`), so an interrupted run or a full
disk leaves the previous file as it was; `same_file` tells when a path the
user gave for output is one of the inputs, so that it is refused before
anything is opened for writing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_file", "same_file"]


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[IO[str]]:
    """A text file that replaces ``path`` only when the block ends without an exception.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> with atomic_file(target) as out:
    ...     _ = out.write("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        # backslashreplace: a lone surrogate from a scraped page shows as \\udXXX instead of failing the write.
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def same_file(output: str | int, inputs: Iterable[str]) -> str | None:
    """The input that ``output`` (a path or an open file descriptor) is, if any; ``-`` is stdin."""
    try:
        out = os.fstat(output) if isinstance(output, int) else os.stat(output)
    except OSError:
        return None  # it does not exist yet: it is no input
    if isinstance(output, int) and not _regular(out.st_mode):
        return None  # a terminal or a pipe
    for name in inputs:
        try:
            found = os.fstat(0) if name == "-" else os.stat(name)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (out.st_dev, out.st_ino) and _regular(found.st_mode):
            return name
    return None


def _regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)
