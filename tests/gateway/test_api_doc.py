"""docs/api.md's "A CLEC's day through the API" runs as written against a real `icaops serve`
(uvicorn on a free loopback port, with the doc's rehearsal clock file): the set-up commands,
then every curl block in order in one shell, each answer the doc shows checked against the
server's (`…` stands for what the doc leaves out). The doc cannot rot."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## A CLEC's day through the API"
END = "@@END-OF-BLOCK@@"
ELLIPSIS = "…"


def doc_blocks() -> list[tuple[str, str]]:
    """The fenced blocks of the section, in order: (language, text)."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return [(m[1], m[2]) for m in re.finditer(r"```(\w+)\n(.*?)```", section, re.S)]


def matches(shown: Any, got: Any, where: str = "$") -> list[str]:
    """Where `got` differs from what the doc `shown`: every key shown is there with a matching
    value; a list shown is a prefix of the list got (`…` ends it early); `…` matches anything,
    a string ending in `…` matches by its beginning."""
    if shown == ELLIPSIS:
        return []
    if isinstance(shown, dict):
        if not isinstance(got, dict):
            return [f"{where}: expected an object, got {got!r}"]
        return [
            d
            for k, v in shown.items()
            if k != ELLIPSIS
            for d in (matches(v, got[k], f"{where}.{k}") if k in got else [f"{where}.{k}: missing"])
        ]
    if isinstance(shown, list):
        if not isinstance(got, list):
            return [f"{where}: expected a list, got {got!r}"]
        items = [i for i in shown if i != ELLIPSIS]
        if len(items) == len(shown) and len(got) != len(shown):
            return [f"{where}: expected {len(shown)} items, got {len(got)}"]
        if len(got) < len(items):
            return [f"{where}: expected at least {len(items)} items, got {len(got)}"]
        return [d for n, (s, g) in enumerate(zip(items, got, strict=False)) for d in matches(s, g, f"{where}[{n}]")]
    if isinstance(shown, str) and shown.endswith(ELLIPSIS) and isinstance(got, str):
        return [] if got.startswith(shown[: -len(ELLIPSIS)]) else [f"{where}: {got!r} does not start as {shown!r}"]
    return [] if shown == got else [f"{where}: the doc shows {shown!r}, the server answered {got!r}"]


def last_json(output: str) -> Any:
    """The last JSON value printed."""
    decoder, found, at = json.JSONDecoder(), None, 0
    while (start := output.find("{", at)) != -1:
        try:
            found, at = decoder.raw_decode(output, start)
        except json.JSONDecodeError:
            at = start + 1
    return found


def test_the_matcher_finds_what_differs() -> None:
    shown = {"state": "completed", "notices": [{"kind": "acknowledgement"}, ELLIPSIS], ELLIPSIS: ELLIPSIS}
    assert matches(shown, {"state": "completed", "notices": [{"kind": "acknowledgement", "at": "x"}], "id": 1}) == []
    assert matches(shown, {"state": "inProgress", "notices": [{"kind": "acknowledgement"}]}) != []
    assert matches({"errors": []}, {"errors": [{"code": "x"}]}) != []
    assert matches({"id": "icaops_4c…"}, {"id": "icaops_4c1f"}) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_a_clecs_day_in_the_doc_runs_against_a_real_server(tmp_path: Path) -> None:
    """IV.7–IV.9 order, V.2.5 no-fault dispatch, II.2.26/VI.8.4 CSR refused then granted,
    III.9.2 the bill with the order's NRC, III.9.4 a timely dispute, the obligations feed."""
    if not (shutil.which("curl") and shutil.which("jq")):
        pytest.skip("the doc's examples need curl and jq")
    blocks = doc_blocks()
    setup = blocks[0][1]
    (serve_line,) = [line for line in setup.splitlines() if line.startswith("icaops serve ")]
    assert "export ICAOPS_DATABASE_URL=sqlite:///$PWD/gateway.sqlite" in setup
    port = _free_port()

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "icaops").write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m icaops.cli "$@"\n')
    (bin_dir / "icaops").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICAOPS_")}
    env |= {"PATH": f"{bin_dir}:{env['PATH']}", "PYTHONPATH": str(ROOT), "COLUMNS": "200"}

    def bash(script: str) -> str:
        done = subprocess.run(  # noqa: PLW1510
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{script}\n---\n{done.stdout}\n{done.stderr}"
        return done.stdout

    bash("\n".join(line for line in setup.splitlines() if line != serve_line))
    argv = shlex.split(serve_line.removesuffix(" &"))  # the doc starts it in the background; so does the test
    argv[argv.index("--port") + 1] = str(port)
    server_env = env | {"ICAOPS_DATABASE_URL": f"sqlite:///{tmp_path}/gateway.sqlite"}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(argv, cwd=tmp_path, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            alive = server.poll() is None and time.monotonic() < deadline
            assert alive, f"icaops serve did not start:\n{(tmp_path / 'serve.log').read_text()}"
            time.sleep(0.3)
        script = [f"export ICAOPS_DATABASE_URL=sqlite:///{tmp_path}/gateway.sqlite"]
        for language, text in blocks[1:]:
            if language == "sh":
                script += [text.replace("127.0.0.1:8000", f"127.0.0.1:{port}"), f"echo; echo {END}"]
        outputs = bash("\n".join(script)).split(END)
        shown_after: list[tuple[int, str]] = []
        n = -1
        for language, text in blocks[1:]:
            if language == "sh":
                n += 1
            elif language == "json":
                shown_after.append((n, text))
        assert len(shown_after) >= 10
        problems = []
        for n, text in shown_after:
            got = last_json(outputs[n])
            problems += [f"block {n + 1}: {p}" for p in matches(json.loads(text), got)]
        assert not problems, "\n".join(problems)
        assert (tmp_path / "granite-obligations.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_rehearsal_clock_reads_its_file_on_every_call_and_names_a_bad_one(tmp_path: Path) -> None:
    """`icaops serve --clock-file`: the moment in the file, read again on each call; a moment
    without its offset, or no file, is a UserError naming the file."""
    import datetime as dt

    from icaops.api.app import file_clock
    from icaops.app.errors import UserError

    path = tmp_path / "clock"
    clock = file_clock(path)
    path.write_text("2013-03-04T10:00-06:00\n")
    assert clock() == dt.datetime(2013, 3, 4, 16, 0, tzinfo=dt.UTC)
    path.write_text("2013-03-05T10:00-06:00")
    assert clock().date() == dt.date(2013, 3, 5)
    path.write_text("2013-03-05T10:00")
    with pytest.raises(UserError, match="no UTC offset"):
        clock()
    path.unlink()
    with pytest.raises(UserError, match=str(path)):
        clock()
