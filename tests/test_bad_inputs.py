"""Everything a crawler drags in: one line that names the input, a record in its place, the batch goes on."""

from __future__ import annotations

import gzip
import json
import os
import random

import pytest

from conftest import FIXTURES
from test_cli import run

GOOD = FIXTURES / "seeds" / "002_9e5059d829b5ffdd.txt"
RUSSIAN = "Москва. Правительство объявило о новых мерах поддержки экономики и малого бизнеса. " * 4


def _nested(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + "<p>Deep.</p>" + "</div>" * depth + "</body></html>").encode()


# name -> (file content, expected error type, start of the message after "PATH: ")
REFUSED = {
    "empty.txt": (b"", "EmptyInputError", "input is empty or whitespace only"),
    "blank.txt": (b" \n\t\n\xc2\xa0\n", "EmptyInputError", "input is empty or whitespace only"),
    "image.png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "BinaryInputError", "binary data"),
    "paper.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "BinaryInputError", "binary data"),
    "page.html.gz": (gzip.compress(b"<html><body><p>Hi</p></body></html>"), "BinaryInputError", "binary data"),
    "random.bin": (random.Random(7).randbytes(4096), "BinaryInputError", "binary data"),
    "nul.txt": (b"Title\x00\x00\x00 text\x00" * 200, "BinaryInputError", "binary data"),
    "deep.html": (_nested(10_000), "TooDeepError", "HTML nested 10,003 levels deep"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_bad_input_gets_an_error_record_and_the_batch_goes_on(tmp_path, name):
    content, error_type, message = REFUSED[name]
    bad = tmp_path / name
    bad.write_bytes(content)
    done = run("--format", "jsonl", "--jobs", "1", str(GOOD), str(bad), str(GOOD))
    assert done.returncode == 1
    good, refused, good_again = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert good["text"] and good_again["text"] == good["text"]
    assert refused["error"]["type"] == error_type
    assert refused["error"]["message"].startswith(f"{bad}: {message}")
    assert "\n" not in refused["error"]["message"] and refused["provenance"]["input_sha256"]


@pytest.mark.parametrize("name", REFUSED)
def test_in_text_mode_the_error_is_one_line_on_stderr(tmp_path, name):
    bad = tmp_path / name
    bad.write_bytes(REFUSED[name][0])
    done = run(str(bad))
    assert done.returncode == 1 and done.stdout == b""
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith(f"clean: {bad}: ")


def test_too_large_is_refused_by_the_configured_limit(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"word " * 300_000)
    done = run("--format", "jsonl", "--max-bytes", "1000000", str(big))
    assert done.returncode == 1
    error = json.loads(done.stdout)["error"]
    assert (error["type"], error["message"]) == (
        "InputTooLargeError", f"{big}: input is 1,500,003 bytes, over the limit of 1,000,000 (max_bytes)")


def test_a_directory_and_a_missing_file_are_records_too(tmp_path):
    done = run("--format", "jsonl", "--jobs", "1", str(tmp_path), str(tmp_path / "nowhere.html"), str(GOOD))
    assert done.returncode == 1
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r.get("error", {}).get("message") for r in records[:2]] == [
        f"{tmp_path}: cannot read: Is a directory", f"{tmp_path / 'nowhere.html'}: cannot read: No such file or directory"]
    assert records[2]["text"]


@pytest.mark.parametrize(
    "name, content",
    [
        ("cp1251.txt", RUSSIAN.encode("cp1251")),
        ("broken-utf8.txt", RUSSIAN.encode("utf-8")[:-1] + b"\xff\xfe" + RUSSIAN.encode("utf-8")),
        ("mixed.txt", RUSSIAN.encode("utf-8") + b"\n\n" + RUSSIAN.encode("cp1251")),
        ("long-line.txt", b"x" * 5_000_000),
    ],
)
def test_inputs_that_are_handled_not_refused(tmp_path, name, content):
    page = tmp_path / name
    page.write_bytes(content)
    done = run("--format", "jsonl", str(page))
    assert done.returncode == 0, done.stdout[:300]
    record = json.loads(done.stdout)
    assert record["text"] and record["provenance"]["encoding"]
    if name != "long-line.txt":
        assert "Правительство объявило" in record["text"] or "Правительство объявило" in (record["title"] or "")


def test_rule_pack_problems_stop_before_any_page(tmp_path):
    cases = {
        "not-toml.toml": "[pack\nid = ",
        "action.toml": '[pack]\nid="p"\nversion="1"\n[[rules]]\nid="r"\ncategory="share"\naction="burn"\nphrases={en=["x"]}\n',
    }
    for name, text in cases.items():
        pack = tmp_path / name
        pack.write_text(text, encoding="utf-8")
        done = run("--rules", str(pack), str(GOOD))
        assert done.returncode == 2 and done.stdout == b""
        (line,) = done.stderr.decode().splitlines()
        assert line.startswith(f"clean: {pack}: ")
    assert os.path.exists(GOOD)
