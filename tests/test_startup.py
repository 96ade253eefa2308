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
NEVER_AT_START = HTML_ONLY + ("jsonschema", "tqdm", "charset_normalizer", "ftfy")


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


def test_ftfy_is_imported_only_for_text_it_could_act_on():
    plain = "Council approves budget\n\nThe council approved the budget on Monday after a long debate."
    assert "ftfy" not in _loaded(f"import cleaner; cleaner.clean({plain!r})")
    broken = "Caf\u00c3\u00a9 reopens\n\nThe caf\u00c3\u00a9 on the square reopened on Monday after repairs."
    code = f"import cleaner; assert 'café on the square' in cleaner.clean({broken!r}).text"
    assert "ftfy" in _loaded(code)
