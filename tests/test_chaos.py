"""The command line under a hostile crawl: dead workers, Ctrl-C, odd bytes, slow pages, outputs over inputs.

Every process started here runs in a session of its own and is killed with
its group when a test ends; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from conftest import SLOW_PACK, slow_block

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "cleaner" / "schema" / "cleaner-1.schema.json").read_text(encoding="utf-8"))
LIMIT = 300  # seconds any run may take on a loaded machine before the test gives up


def start(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner.cli", *args], cwd=tmp_path, env=env, start_new_session=True,
        stdout=(tmp_path / "out.jsonl").open("wb"), stderr=(tmp_path / "err.txt").open("wb"),
    )


def finish(proc: subprocess.Popen, timeout: float = LIMIT) -> int:
    try:
        return proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def records(tmp_path: Path) -> list[dict]:
    """Every output line, each valid JSON (no NaN) and valid against the schema."""
    out = []
    for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line, parse_constant=_refuse)
        jsonschema.validate(obj, SCHEMA)
        out.append(obj)
    return out


def _refuse(constant: str) -> None:
    raise ValueError(f"not JSON: {constant}")


def write_pages(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in range(count):
            body = " ".join(f"Sentence {j} of article {i} says something plain." for j in range(12))
            f.write(json.dumps({"id": i, "html": f"<html><body><h1>Title {i}</h1><p>{body}</p></body></html>"}) + "\n")


def workers_of(pid: int) -> list[int]:
    """The worker processes of a `clean` process.

    Spawned workers are its children running ``spawn_main``; workers started
    through the fork server are the server's children (the server is the
    `clean` process's child running ``forkserver``).
    """
    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    servers = {p for p, parent in parents.items() if parent == pid and b"forkserver" in commands[p]}
    return sorted(p for p, parent in parents.items()
                  if (parent == pid and b"spawn_main" in commands[p]) or parent in servers)


def wait_for_output(proc: subprocess.Popen, tmp_path: Path) -> None:
    deadline = time.monotonic() + LIMIT
    while (tmp_path / "out.jsonl").stat().st_size == 0:
        assert proc.poll() is None, (tmp_path / "err.txt").read_text()
        assert time.monotonic() < deadline, "no output"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds workers through /proc")
def test_a_killed_worker_costs_its_record_and_the_batch_finishes_in_order(tmp_path):
    write_pages(tmp_path / "in.jsonl", 600)
    proc = start(tmp_path, "in.jsonl", "--jobs", "2")
    try:
        wait_for_output(proc, tmp_path)
        workers = workers_of(proc.pid)
        assert workers, "no worker processes found"
        os.kill(workers[0], signal.SIGKILL)
        code = finish(proc)
    finally:
        finish(proc, 0)
    out = records(tmp_path)
    assert [o["position"] for o in out] == list(range(600))  # every record, in order
    lost = [o for o in out if "error" in o]
    # The worker held one page when it died (or none, if it was between two).
    assert len(lost) <= 1 and all(o["error"]["type"] == "WorkerDiedError" for o in lost)
    assert code == (1 if lost else 0)
    assert all(o["text"].startswith("Sentence 0 of article") for o in out if "error" not in o)


def test_ctrl_c_ends_the_run_within_seconds_with_whole_records(tmp_path):
    write_pages(tmp_path / "in.jsonl", 20000)
    proc = start(tmp_path, "in.jsonl", "--jobs", "2")
    try:
        wait_for_output(proc, tmp_path)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
        code = finish(proc, timeout=5)
    finally:
        finish(proc, 0)
    assert code == 130
    out = records(tmp_path)  # every line whole and valid
    assert out and [o["position"] for o in out] == list(range(len(out)))
    assert len(out) < 20000
    assert "interrupted" in (tmp_path / "err.txt").read_text()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_surrogates_and_odd_numbers_are_escaped_and_every_record_is_cleaned(tmp_path, jobs):
    lines = [
        r'{"id": "a\ud800", "url": "https://e.org/\udfff", "text": "Title\n\nBody one \ud800 here.", "note": "x\ud800"}',
        r'{"id": NaN, "text": "Title\n\nBody two."}',
        r'{"id": 1e400, "text": "Title\n\nBody three.", "score": -Infinity}',
        r'{"id": {"k": 1}, "text": "Title\n\nBody four."}',
        r'{"id": 5, "html": null, "text": "Title\n\nBody five."}',
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert finish(start(tmp_path, "in.jsonl", "--jobs", jobs, "--report", "report.html")) == 0
    assert "Body one" in (tmp_path / "report.html").read_text(encoding="utf-8")
    out = records(tmp_path)
    assert [o["text"] for o in out] == ["Body one \ufffd here.", "Body two.", "Body three.", "Body four.", "Body five."]
    assert [o["id"] for o in out] == ["a\ud800", "NaN", "Infinity", '{"k": 1}', 5]  # escaped, read back whole
    assert out[0]["fields"] == {"note": "x\ud800"} and out[2]["fields"] == {"score": "-Infinity"}


def test_a_slow_page_becomes_a_timeout_record_and_the_rest_are_cleaned_in_order(tmp_path):
    (tmp_path / "slow.toml").write_text(SLOW_PACK, encoding="utf-8")
    slow = "Title\n\n" + "\n\n".join([slow_block(0.05)] * 400)  # minutes of matching without a page limit
    pages = ["Title\n\nBody one.", slow, "Title\n\nBody three.", "Title\n\nBody four."]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": i, "text": p}) + "\n" for i, p in enumerate(pages)))
    code = finish(start(tmp_path, "in.jsonl", "--jobs", "2", "--timeout", "2", "--rules", "slow.toml"))
    out = records(tmp_path)
    assert code == 1
    assert [o["id"] for o in out] == [0, 1, 2, 3]
    assert [o["text"] for o in out if o["id"] != 1] == ["Body one.", "Body three.", "Body four."]
    assert out[1]["error"]["type"] in ("PageTimeoutError", "RuleTimeoutError")
    assert "(timeout)" in out[1]["error"]["message"] or "(pattern_page_budget)" in out[1]["error"]["message"]


@pytest.mark.parametrize("option", ["--report", "--errors"])
def test_a_report_or_errors_file_that_is_an_input_is_refused_and_the_input_kept(tmp_path, option):
    page = tmp_path / "in.jsonl"
    page.write_text('{"id": 1, "text": "Title\\n\\nBody."}\n', encoding="utf-8")
    before = page.read_bytes()
    assert finish(start(tmp_path, "in.jsonl", option, "in.jsonl")) == 2
    assert page.read_bytes() == before
    assert "refusing to overwrite" in (tmp_path / "err.txt").read_text()


def test_an_output_redirected_onto_its_input_is_refused(tmp_path):
    page = tmp_path / "in.jsonl"
    page.write_text('{"id": 1, "text": "Title\\n\\nBody."}\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with page.open("ab") as same:  # `clean in.jsonl >> in.jsonl` would read its own output forever
        done = subprocess.run([sys.executable, "-m", "cleaner.cli", "in.jsonl"], cwd=tmp_path, env=env,
                              stdout=same, stderr=subprocess.PIPE, timeout=LIMIT)
    assert done.returncode == 2 and b"refusing to overwrite" in done.stderr
    assert page.read_text() == '{"id": 1, "text": "Title\\n\\nBody."}\n'


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"id": 1, "text": "Title\\n\\nBody."}\n' * 50, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "cleaner.cli", "in.jsonl", "--jobs", "1"], cwd=tmp_path,
                              env=env, stdout=full, stderr=subprocess.PIPE, timeout=LIMIT, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["clean: cannot write the output: No space left on device"]


def test_an_interrupted_report_keeps_the_previous_one(tmp_path):
    write_pages(tmp_path / "in.jsonl", 20000)
    (tmp_path / "report.html").write_text("previous report", encoding="utf-8")
    proc = start(tmp_path, "in.jsonl", "--jobs", "2", "--report", "report.html")
    try:
        wait_for_output(proc, tmp_path)
        os.killpg(proc.pid, signal.SIGINT)
        finish(proc, timeout=5)
    finally:
        finish(proc, 0)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "previous report"


def _peak_kb(tmp_path: Path, *args: str) -> tuple[int, int]:
    """Exit status and peak resident memory (KB) of one `clean` run.

    The peak is the process's own VmHWM, read until it ends: ``ru_maxrss``
    would count the pages of this (large) test process it was forked from.
    """
    proc = start(tmp_path, *args)
    peak = 0
    status = Path(f"/proc/{proc.pid}/status")
    try:
        deadline = time.monotonic() + LIMIT
        while proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            time.sleep(0.02)
        code = finish(proc, 10)
    finally:
        finish(proc, 0)
    return code, peak


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from /proc")
@pytest.mark.parametrize("kind", ["jsonl.gz", "warc.gz"])
def test_a_compression_bomb_is_refused_as_it_streams_and_the_rest_are_cleaned(tmp_path, kind):
    sys.path.insert(0, str(ROOT / "bench"))
    from bombs import jsonl_gz_bomb, warc_gz_bomb

    inflated = 400 << 20  # read whole, at ~4.5 times its size, this would take gigabytes
    make = jsonl_gz_bomb if kind == "jsonl.gz" else warc_gz_bomb
    make(tmp_path / f"bomb.{kind}", inflated)
    code, peak_kb = _peak_kb(tmp_path, f"bomb.{kind}", "--jobs", "1", "--max-bytes", "1000000")
    out = records(tmp_path)
    assert code == 1
    refused = [o for o in out if "error" in o]
    assert len(refused) == 1 and "(max_bytes)" in refused[0]["error"]["message"]
    assert all(o["text"] for o in out if "error" not in o) and len(out) >= 3
    assert peak_kb < 400 * 1024  # the bomb alone is 400 MB
