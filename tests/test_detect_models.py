"""py3langid's model converted into the user's cache and mapped from there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from cleaner.detect import models

TEXTS = [
    "Читайте также", "Новости дня", "Share this article", "Die Regierung hat am Montag beschlossen",
    "Le gouvernement a annoncé", "Їжак", "日本語のテキスト", "中文新闻", "Ćwiczenia", "", "12:30",
]


@pytest.fixture(scope="module")
def shipped() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_converted_model_answers_as_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: LanguageIdentifier
) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    first = models.py3langid_identifier()
    (folder,) = (tmp_path / "models").iterdir()
    assert folder.name.startswith("py3langid-") and (folder / "ptc.npy").is_file()

    def no_unpacking(path: object) -> None:
        raise AssertionError("the cached model should be mapped, not unpacked again")

    monkeypatch.setattr("py3langid.modelio.load_model", no_unpacking)
    second = models.py3langid_identifier()
    assert isinstance(second.nb_ptc.base, np.memmap) or isinstance(second.nb_ptc.base.base, np.memmap)
    for text in TEXTS:
        assert first.rank(text) == second.rank(text) == shipped.rank(text), text
        assert second.classify(text) == shipped.classify(text), text
    # The ranking is sorted by numpy: the same order, ties included, after narrowing too.
    second.set_languages(["ru", "uk", "bg", "sr", "en", "de"])
    shipped.set_languages(["ru", "uk", "bg", "sr", "en", "de"])
    try:
        for text in TEXTS:
            assert second.rank(text) == shipped.rank(text), text
    finally:
        shipped.set_languages(None)


def test_unwritable_cache_falls_back_to_the_shipped_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: LanguageIdentifier
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(blocker / "cache"))  # cannot be created: its parent is a file
    identifier = models.py3langid_identifier()
    assert not (blocker / "cache").exists()
    for text in TEXTS:
        assert identifier.rank(text) == shipped.rank(text), text


def test_broken_cache_folder_is_converted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: LanguageIdentifier
) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    models.py3langid_identifier()
    (folder,) = (tmp_path / "models").iterdir()
    ptc = folder / "ptc.npy"
    ptc.write_bytes(ptc.read_bytes()[:1000])  # truncated, as by a full disk
    assert models._read(folder) is None
    identifier = models.py3langid_identifier()
    assert models._read(folder) is not None
    assert identifier.rank("Читайте также") == shipped.rank("Читайте также")


def test_older_layouts_of_the_same_model_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    from py3langid.langid import MODEL_DIR

    current = models._folder_for(Path(MODEL_DIR) / MODEL_FILE)
    older = current.with_name(current.name.rsplit("-v", 1)[0] + "-v0")
    another_version = current.with_name("py3langid-0.0.1-1-1-v0")  # another environment's: kept
    for folder in (older, another_version):
        folder.mkdir(parents=True)
    models.py3langid_identifier()
    assert current.is_dir() and not older.exists() and another_version.is_dir()
