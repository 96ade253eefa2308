"""Start-up: a process loads what its pages need and no more.

Each check runs in a fresh interpreter, since this one has imported
everything already.  How long start-up takes is measured by
``bench/startup.py``, not here.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

from cleaner import Cleaner
from conftest import FIXTURES

ROOT = FIXTURES.parent
# What only an HTML page (or a batch option) needs.
HTML_ONLY = ("lxml", "trafilatura", "htmldate", "courlan", "justext")
NEVER_AT_START = HTML_ONLY + ("jsonschema", "tqdm", "charset_normalizer")


def _loaded(code: str) -> set[str]:
    """Top-level packages imported by running ``code`` in a fresh interpreter."""
    code += "\nimport sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_import_cleaner_loads_no_parser_no_schema_no_progress_bar():
    assert not _loaded("import cleaner") & set(NEVER_AT_START)


def test_a_cleaner_is_built_without_compiling_or_loading_models():
    loaded = _loaded("import cleaner; cleaner.Cleaner()")
    assert not loaded & set(NEVER_AT_START + ("py3langid", "numpy"))


def test_a_text_page_loads_no_html_parser():
    page = next((FIXTURES / "text").glob("*.txt"))
    loaded = _loaded(f"import cleaner; print(cleaner.clean(open({str(page)!r}, 'rb').read()).text[:20])")
    assert not loaded & set(HTML_ONLY)


def test_the_command_line_on_a_text_page_loads_no_html_parser():
    page = next((FIXTURES / "text").glob("*.txt"))
    code = f"import sys; sys.argv = ['clean', {str(page)!r}]\nfrom cleaner.cli import main\ntry: main()\nexcept SystemExit: pass"
    assert not _loaded(code) & set(HTML_ONLY + ("jsonschema", "tqdm"))


def test_an_html_page_still_gets_its_parser():
    page = next((FIXTURES / "html").glob("*.html"))
    assert {"lxml", "trafilatura"} <= _loaded(f"import cleaner; cleaner.clean(open({str(page)!r}, 'rb').read())")


def test_a_cleaner_with_lazy_state_pickles_before_and_after_use():
    cleaner = Cleaner()
    cold = pickle.loads(pickle.dumps(cleaner))
    page = (FIXTURES / "text").glob("*.txt").__next__().read_bytes()
    expected = cleaner.clean(page).to_json()  # compiles the patterns this page needs
    warm = pickle.loads(pickle.dumps(cleaner))
    assert cold.clean(page).to_json() == expected == warm.clean(page).to_json()
