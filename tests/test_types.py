"""The package type-checks: `mypy cleaner` in strict mode (configured in pyproject.toml) reports nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_reports_no_errors() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "cleaner"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
