from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import FIXTURES, ROOT

SEED = FIXTURES / "seeds" / "000_f72e3418c6e8cf22.txt"
CLEAN_SEED = FIXTURES / "seeds" / "002_9e5059d829b5ffdd.txt"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "cleaner.cli", *args], input=stdin, capture_output=True, cwd=ROOT, env=env, check=False
    )


def test_text_format_prints_title_and_article():
    done = run(str(SEED))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert out.startswith("China and Russia coordinate on Japan, vow to uphold WWII outcomes\n\nDuring the 20th round")
    assert out.endswith("are vital to its tourism sector.\n")
    assert "ИИ" not in out and done.stderr == b""


def test_stdin_and_file_give_the_same_json():
    from_file = json.loads(run("--format", "json", str(SEED)).stdout)
    from_stdin = json.loads(run("--format", "json", stdin=SEED.read_bytes()).stdout)
    assert (from_file.pop("id"), from_file.pop("input")) == (str(SEED), str(SEED))
    assert (from_stdin.pop("id"), from_stdin.pop("input")) == ("<stdin>", "<stdin>")
    assert from_file == from_stdin
    assert from_file["schema"] == "cleaner/1" and from_file["language"] == "en"


def test_jsonl_gives_one_line_per_input_and_failures_still_get_a_record(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    done = run("--format", "jsonl", str(SEED), str(empty), str(tmp_path / "missing.txt"), str(CLEAN_SEED))
    assert done.returncode == 1
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(records) == 4
    assert [r.get("error", {}).get("type") for r in records] == [None, "EmptyInputError", "InputError", None]
    assert [r["position"] for r in records] == [0, 1, 2, 3]
    assert records[1]["error"]["message"] == f"{empty}: input is empty or whitespace only"
    assert records[2]["error"]["message"].startswith(f"{tmp_path / 'missing.txt'}: cannot read")


def test_text_mode_failure_is_one_line_on_stderr():
    done = run(stdin=b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode().splitlines() == ["clean: <stdin>: binary data (b'\\x89PNG'...), not a page"]


def test_bad_rule_pack_is_a_usage_error(tmp_path):
    pack = tmp_path / "bad.toml"
    pack.write_text("[pack]\nid = 'x'\n", encoding="utf-8")
    done = run("--rules", str(pack), str(SEED))
    assert done.returncode == 2
    assert done.stderr.decode().startswith(f"clean: {pack}: [pack] version must be")


def test_unknown_option_is_a_usage_error():
    assert run("--frobnicate").returncode == 2


def test_same_input_gives_the_same_bytes_across_processes():
    first = run("--format", "json", str(SEED))
    env_seed = dict(os.environ, PYTHONHASHSEED="12345", PYTHONIOENCODING="utf-8")
    second = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", "--format", "json", str(SEED)], capture_output=True, cwd=ROOT, env=env_seed
    )
    assert first.stdout == second.stdout


HTML_PAGE = FIXTURES / "html" / "divsoup_ru_ui_over_en.html"


def test_html_file_stdin_and_json_all_work():
    as_file = run(str(HTML_PAGE))
    as_stdin = run(stdin=HTML_PAGE.read_bytes())
    assert as_file.returncode == as_stdin.returncode == 0
    assert as_file.stdout == as_stdin.stdout
    assert as_file.stdout.decode().startswith("Chile and Argentina sign pact to share Andean glacier water")
    data = json.loads(run("--format", "json", str(HTML_PAGE)).stdout)
    assert data["provenance"]["input_kind"] == "html" and data["id"] == str(HTML_PAGE)
    assert {"ai_image_label", "ai_image_caption", "reactions", "related", "cookie_consent"} <= {
        r["category"] for r in data["removed"]}


def test_a_reader_that_goes_away_is_no_error():
    command = f"{sys.executable} -m cleaner.cli --format json {SEED} {SEED} {SEED} | head -c 10"
    done = subprocess.run(command, shell=True, capture_output=True, cwd=ROOT, check=False)
    assert done.stdout == b'{\n  "schem'
    assert b"Traceback" not in done.stderr


def test_input_dir_cleans_every_file_below_it_in_name_order(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "sub" / "a.html").write_bytes((ROOT / "fixtures" / "html" / "semantic_clean_en.html").read_bytes())
    done = run("--input-dir", str(tmp_path), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    inputs = [json.loads(line)["input"] for line in done.stdout.decode().splitlines()]
    assert inputs == [str(tmp_path / "b.txt"), str(tmp_path / "sub" / "a.html")]


def test_an_empty_input_dir_is_a_usage_error(tmp_path):
    done = run("--input-dir", str(tmp_path))
    assert done.returncode == 2 and b"no files" in done.stderr


def test_verbose_says_what_was_decided_and_quiet_says_only_failures(tmp_path):
    mixed = tmp_path / "mixed.txt"  # UTF-8 and windows-1251 lines on one page
    mixed.write_bytes("Заголовок\n\ncafé ok\n\n".encode("utf-8") + "Привет мир и всем привет\n".encode("cp1251"))
    missing = tmp_path / "missing.html"
    verbose = run("-v", str(mixed))
    assert verbose.returncode == 0
    assert verbose.stderr.decode().startswith(f"clean: {mixed}: not valid UTF-8; decoded as utf-8+")
    assert run(str(mixed)).stderr == b""
    quiet = run("-q", "--progress", str(mixed), str(missing))
    assert quiet.returncode == 1
    assert quiet.stderr.decode().splitlines() == [f"clean: {missing}: cannot read: No such file or directory"]


def test_the_library_logs_to_the_cleaner_logger_only_when_asked(caplog):
    import logging

    from cleaner import Cleaner

    with caplog.at_level(logging.DEBUG, logger="cleaner"):
        result = Cleaner().clean_record({"html": "   ", "url": "https://example.org/empty"})
    assert result.error is not None
    assert [(r.name, r.levelname) for r in caplog.records] == [("cleaner.core", "DEBUG")]
    assert "https://example.org/empty: EmptyInputError" in caplog.records[0].getMessage()


def test_output_goes_to_a_file_and_never_over_an_input(tmp_path):
    out = tmp_path / "out.md"
    done = run("-o", str(out), "--format", "markdown", str(SEED))
    assert done.returncode == 0 and done.stdout == b""
    assert out.read_text(encoding="utf-8").startswith("# China and Russia coordinate on Japan")
    page = tmp_path / "page.txt"
    page.write_bytes(SEED.read_bytes())
    refused = run("--output", str(page), str(page))
    assert refused.returncode == 2 and b"refusing to overwrite it" in refused.stderr
    assert page.read_bytes() == SEED.read_bytes()
