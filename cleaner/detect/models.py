"""py3langid's model, converted once into files that load in milliseconds.

py3langid ships its model as an LZMA-compressed ``.npz``: unpacking it takes
0.5-0.8 s in every process that tags a page (and again in every worker).
The first process converts it into plain ``.npy`` arrays under the user's
cache directory (``CLEANER_CACHE_DIR``, else platformdirs' cache for
"cleaner"), in a folder named after py3langid's version and the model file's
size and time, so that an upgrade converts again.  Later processes map those
files read-only (``mmap``): a few milliseconds, only the pages a text touches
are read, and forked workers share them with the page cache.  Where the cache
cannot be written (a read-only home, a sandbox) the shipped model is read as
py3langid reads it, and nothing changes but the time.  Nothing is downloaded:
the arrays are py3langid's own (its float16 weights widened to float32, which
is exact), so the answers are the same to the last bit.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

# One folder per layout of the files below: bump when it changes.
_LAYOUT = 4
_ARRAYS = ("ptc", "pc", "nextmove", "row", "out")


def cache_root() -> Path:
    """Where converted models are kept: ``$CLEANER_CACHE_DIR``, else the platform's user cache."""
    chosen = os.environ.get("CLEANER_CACHE_DIR")
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("cleaner", appauthor=False))


def py3langid_identifier(norm_probs: bool = True) -> Any:
    """py3langid's ``LanguageIdentifier`` over its shipped model, from the cache when it can be."""
    source = Path(MODEL_DIR) / MODEL_FILE
    arrays = _cached(source, _folder_for(source))
    ptc, pc, classes, nextmove, row, out = arrays
    return _Identifier(ptc, pc, classes, nextmove, out, norm_probs=norm_probs, tk_row=row)


class _Identifier(LanguageIdentifier):  # type: ignore[misc]  # py3langid has no type hints
    """py3langid's identifier, its ranking sorted by numpy: the same list in a third of the time."""

    def __init__(self, *args: Any, tk_row: Any, **kwargs: Any) -> None:
        # py3langid pre-shifts the DFA's row offsets into a list of Python
        # ints: 4 MiB per process.  The same numbers as a uint32 array take
        # 0.4 MiB and are read by its walk as fast (plain ints either way).
        super().__init__(*args, tk_row=(), **kwargs)
        self.tk_row = tk_row
        self._rowbase = (np.asarray(tk_row, dtype=np.uint32) << 8).data

    def rank(self, text: str) -> list[tuple[str, float]]:
        # As LanguageIdentifier.rank: one entry per label (its first column
        # holds the merged score), best first, equal scores in the model's
        # order (a stable sort, as sorted(reverse=True) is).
        scores = self._decide(text)
        classes = self.nb_classes  # set_languages() replaces it
        if getattr(self, "_ranked_for", None) is not classes:
            first: dict[str, int] = {}
            for column, lang in enumerate(classes):
                first.setdefault(lang, column)
            self._columns = np.fromiter(first.values(), dtype=np.intp, count=len(first))
            self._labels = np.array(list(first), dtype=object)
            self._ranked_for = classes
        ranked = scores[self._columns]
        order = np.argsort(-ranked, kind="stable")
        return list(zip(self._labels[order].tolist(), ranked[order].tolist()))


def _folder_for(source: Path) -> Path:
    import py3langid

    stat = source.stat()
    # The package's own version string (importlib.metadata would scan sys.path: 35 ms).
    version = getattr(py3langid, "__version__", "unknown")
    return cache_root() / "models" / f"py3langid-{version}-{stat.st_size}-{stat.st_mtime_ns}-v{_LAYOUT}"


def _cached(source: Path, folder: Path) -> tuple[Any, ...]:
    """The model's arrays mapped from ``folder``; converted and written there first if missing."""
    found = _read(folder)
    if found is not None:
        return found
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, out = load_model(source)
    arrays = {
        # float32, not the shipped float16: numpy converts float16 a few ns
        # an element, 60-80 us a call for a sentence's 150-250 rows of 142
        # weights, and multiplies float32 by float16 without BLAS.  The sums
        # are the same float32 numbers (equal to the last bit on 26,000 texts
        # up to 2,000 characters).  It maps 28 MiB more of the file, shared.
        "ptc": np.asarray(ptc, dtype=np.float32), "pc": np.asarray(pc),
        "nextmove": np.frombuffer(nextmove, dtype=_UNSIGNED[nextmove.itemsize]),
        "row": np.frombuffer(row, dtype=_UNSIGNED[row.itemsize]),
        "out": np.asarray(out, dtype=np.int32),
    }
    try:
        _write(folder, arrays, classes)
    except OSError:
        pass  # a cache we may not write: this process keeps what it unpacked
    else:
        found = _read(folder)
        if found is not None:
            _drop_older_layouts(folder)
            return found
    return ptc, pc, classes, nextmove, row, out  # as py3langid itself would have them


_UNSIGNED = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _read(folder: Path) -> tuple[Any, ...] | None:
    """The arrays of a complete, consistent cache folder, mapped read-only; None otherwise."""
    try:
        classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
        loaded = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
    except (OSError, ValueError):
        return None
    ptc, pc, nextmove, row, out = (loaded[name] for name in _ARRAYS)
    consistent = (
        isinstance(classes, list) and ptc.ndim == 2 and ptc.shape[1] == len(pc) == len(classes)
        and nextmove.ndim == row.ndim == out.ndim == 1 and len(nextmove) % 256 == 0 and len(row) == len(out)
    )
    if not consistent:
        return None
    # Plain arrays over the same mapped pages: np.memmap's own indexing adds
    # Python work to every lookup.  The DFA is walked a byte at a time from
    # Python: a memoryview hands out plain ints as fast as the array.array
    # py3langid builds, without a copy.
    return (
        ptc.view(np.ndarray), np.array(pc), classes, memoryview(nextmove), memoryview(row), memoryview(out))


def _drop_older_layouts(folder: Path) -> None:
    """Remove this same model's folders of other layouts (another version's stay: another
    environment may share the cache)."""
    stem = folder.name.rsplit("-v", 1)[0] + "-v"
    for other in folder.parent.glob(stem + "*"):
        if other != folder and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)


def _write(folder: Path, arrays: dict[str, np.ndarray], classes: list[str]) -> None:
    """Write the folder whole under a temporary name, then rename it into place (another
    process converting at the same time may win: its copy is the same)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        staging.chmod(0o755)  # mkdtemp's 0700 would hide it from others sharing a cache directory
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", array, allow_pickle=False)
        (staging / "classes.json").write_text(json.dumps(classes), encoding="utf-8")
        if folder.is_dir() and _read(folder) is None:
            # A folder left broken (a disk that filled up, files deleted by hand): set it aside.
            stale = Path(tempfile.mkdtemp(prefix=f".{folder.name}.stale.", dir=folder.parent))
            folder.rename(stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        try:
            staging.rename(folder)
        except OSError:
            if _read(folder) is None:
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
