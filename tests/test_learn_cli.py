"""`clean learn FILES --out DIR`, `clean --site-packs DIR` and `clean --learn-sites FILES` (cleaner/learn_cli.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from test_sites import HOST, PROMO, TAGLINE, crawl

from conftest import ROOT


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env=env, check=False)


@pytest.fixture(scope="module")
def crawl_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("crawl") / "crawl.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in crawl()), encoding="utf-8")
    return path


def test_learn_writes_one_pack_per_host_then_site_packs_applies_it(crawl_file, tmp_path):
    done = run("learn", str(crawl_file), "--out", str(tmp_path / "packs"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().startswith("clean learn: 1 site packs,")
    assert [p.name for p in (tmp_path / "packs").iterdir()] == [f"{HOST}.toml"]
    done = run("--site-packs", str(tmp_path / "packs"), str(crawl_file), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(records) == 6
    for record in records:
        assert PROMO not in record["text"] and TAGLINE not in record["text"]
        assert record["provenance"]["rule_packs"][-1]["id"] == "site-stadtblatt-example-de"


def test_learn_sites_learns_and_cleans_in_two_passes(crawl_file, tmp_path):
    done = run("--learn-sites", "--site-packs", str(tmp_path / "kept"), str(crawl_file), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert all(PROMO not in r["text"] for r in records)
    assert (tmp_path / "kept" / f"{HOST}.toml").is_file()  # what was learned, kept for review


def test_learn_sites_refuses_stdin_with_a_clear_message(crawl_file):
    done = run("--learn-sites", stdin=crawl_file.read_bytes())
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.decode().startswith("clean: --learn-sites reads the inputs twice")


def test_a_missing_site_pack_folder_is_a_usage_error(tmp_path):
    done = run("--site-packs", str(tmp_path / "nowhere"), str(tmp_path / "page.txt"))
    assert done.returncode == 2
    assert done.stderr.decode().strip() == f"clean: {tmp_path / 'nowhere'}: not a folder of site packs"


def test_learn_reports_unreadable_records_and_goes_on(crawl_file, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(crawl_file.read_bytes() + b"{not json\n")
    done = run("learn", str(broken), "--out", str(tmp_path / "packs"))
    assert done.returncode == 1
    assert "broken.jsonl:7: not a JSON object" in done.stderr.decode()
    assert (tmp_path / "packs" / f"{HOST}.toml").is_file()
