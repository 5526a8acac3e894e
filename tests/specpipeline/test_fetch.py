"""Fetching the vendor's fragments: reporting, exact bytes, all-or-nothing writes, --check, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytest_httpx import HTTPXMock, IteratorStream
from specpipeline import fetch
from specpipeline.fetch import FetchError, fetch_main, load_sources
from specpipeline.fragments import display_path

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://raw.example.test/docs/service-endpoints/"
# Deliberately not the way json.dumps writes it: the bytes must survive untouched.
ALPHA = b'{"openapi": "3.0.0",\r\n  "paths": {}, "info": {"title": "\xc3\xa9"}}'
BETA = b'{\n    "openapi":"3.0.0","paths":{}\n}\n'
GAMMA = b'{"openapi": "3.0.0", "paths": {"/v9/gamma": {}}}'
BEFORE = b'{"openapi": "3.0.0", "paths": {}, "old": true}'


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    path = tmp_path / "sources.json"
    path.write_text(json.dumps({"base_url": BASE, "files": ["alpha.json", "beta.json", "gamma.json"]}), "utf-8")
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A fragments directory: alpha as upstream has it, beta outdated, gamma missing, one stray file."""
    directory = tmp_path / "fragments"
    directory.mkdir()
    (directory / "alpha.json").write_bytes(ALPHA)
    (directory / "beta.json").write_bytes(BEFORE)
    (directory / "local-only.json").write_bytes(BEFORE)
    (directory / "notes.txt").write_bytes(b"not a fragment")
    return directory


def _serve(httpx_mock: HTTPXMock, **bodies: bytes) -> None:
    for name, body in bodies.items():
        httpx_mock.add_response(url=f"{BASE}{name}.json", content=body)


def _run(sources: Path, out: Path, *args: str) -> int:
    return fetch_main(["--sources", str(sources), "--out", str(out), *args])


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_reports_each_file_and_writes_the_bytes_as_downloaded(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    assert _run(sources, out) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"unchanged {display_path(out / 'alpha.json')}",
        f"updated   {display_path(out / 'beta.json')}",
        f"added     {display_path(out / 'gamma.json')}",
        f"not in sources {display_path(out / 'local-only.json')} (kept)",
    ]
    assert _snapshot(out) == {
        "alpha.json": ALPHA,
        "beta.json": BETA,
        "gamma.json": GAMMA,
        "local-only.json": BEFORE,
        "notes.txt": b"not a fragment",
    }


def test_a_second_run_reports_everything_unchanged(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    assert _run(sources, out) == 0
    capsys.readouterr()
    mtimes = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}
    assert _run(sources, out) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["unchanged"] * 3 + ["not"]
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == mtimes


def test_check_writes_nothing_and_exits_1_when_something_would_change(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    before = _snapshot(out)
    assert _run(sources, out, "--check") == 1
    captured = capsys.readouterr()
    assert f"updated   {display_path(out / 'beta.json')}" in captured.out
    assert f"added     {display_path(out / 'gamma.json')}" in captured.out
    assert captured.err == f"error: 2 fragment(s) differ from {BASE}; nothing was written\n"
    assert _snapshot(out) == before


def test_check_exits_0_when_everything_is_up_to_date(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (out / "beta.json").write_bytes(BETA)
    (out / "gamma.json").write_bytes(GAMMA)
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    assert _run(sources, out, "--check") == 0
    captured = capsys.readouterr()
    assert "not in sources" in captured.out  # reported, but a stray local file changes nothing
    assert captured.err == ""


def test_a_failing_download_writes_nothing_at_all(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpx_mock, alpha=BETA)  # would update alpha, had everything downloaded
    httpx_mock.add_response(url=f"{BASE}beta.json", status_code=404, text="404: Not Found")
    before = _snapshot(out)
    assert _run(sources, out) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {BASE}beta.json: HTTP 404 Not Found\n"
    assert captured.out == ""
    assert _snapshot(out) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!doctype html><title>Docs</title>", "the body is not JSON"),
        (b'["openapi", "3.0.0"]', "the body is not a JSON object (found list)"),
        (b"\xff\xfe\x00", "the body is not JSON"),
    ],
    ids=["html", "json-array", "not-utf8"],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str], body: bytes, expected: str
) -> None:
    _serve(httpx_mock, alpha=body)
    before = _snapshot(out)
    assert _run(sources, out) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {BASE}alpha.json: {expected}")
    assert err.count("\n") == 1
    assert _snapshot(out) == before


def test_an_endless_body_is_cut_at_the_cap_and_nothing_is_written(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hostile or broken server streaming without end: reading stops past the cap, not at the end."""
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"openapi": "3.0.0", "x": "'
        while True:
            sent += 65536
            yield b"a" * 65536

    httpx_mock.add_response(url=f"{BASE}alpha.json", stream=IteratorStream(endless()))
    before = _snapshot(out)
    assert _run(sources, out) == 2
    assert capsys.readouterr().err == (
        f"error: {BASE}alpha.json: the body is larger than {fetch.MAX_FRAGMENT_BYTES} bytes: no fragment is\n"
    )
    assert sent <= fetch.MAX_FRAGMENT_BYTES + 65536
    assert _snapshot(out) == before


def test_a_body_still_arriving_after_the_time_limit_is_refused(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk in time for the read timeout, the whole never: the download's own limit ends it."""
    monkeypatch.setattr(fetch, "MAX_DOWNLOAD_SECONDS", 0.2)

    def trickle() -> Iterator[bytes]:
        yield b'{"openapi": "3.0.0", "x": "'
        while True:
            time.sleep(0.05)
            yield b"a"

    httpx_mock.add_response(url=f"{BASE}alpha.json", stream=IteratorStream(trickle()))
    assert _run(sources, out) == 2
    assert capsys.readouterr().err == f"error: {BASE}alpha.json: the body took longer than 0.2 s to arrive\n"


def test_a_network_error_names_the_url(
    httpx_mock: HTTPXMock, sources: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"), url=f"{BASE}alpha.json")
    assert _run(sources, out) == 2
    assert capsys.readouterr().err == f"error: {BASE}alpha.json: download failed: ReadTimeout: timed out\n"


def test_downloads_have_a_finite_timeout(httpx_mock: HTTPXMock, sources: Path, out: Path) -> None:
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    assert _run(sources, out, "--timeout", "7.5") == 0
    for request in httpx_mock.get_requests():
        assert request.extensions["timeout"] == {"connect": 7.5, "read": 7.5, "write": 7.5, "pool": 7.5}
        assert request.headers["User-Agent"] == fetch.USER_AGENT


def test_a_missing_output_directory_is_created(httpx_mock: HTTPXMock, sources: Path, tmp_path: Path) -> None:
    _serve(httpx_mock, alpha=ALPHA, beta=BETA, gamma=GAMMA)
    assert _run(sources, tmp_path / "new" / "fragments") == 0
    assert (tmp_path / "new" / "fragments" / "alpha.json").read_bytes() == ALPHA


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[]", "expected a JSON object"),
        ('{"base_url": "ftp://x/", "files": ["a.json"]}', "'base_url' must be an http(s) URL ending in '/'"),
        ('{"base_url": "https://x/y", "files": ["a.json"]}', "'base_url' must be an http(s) URL ending in '/'"),
        ('{"base_url": "https://x/", "files": []}', "'files' must be a non-empty list"),
        ('{"base_url": "https://x/", "files": ["../a.json"]}', "'../a.json' is not a plain *.json file name"),
        ('{"base_url": "https://x/", "files": ["a.yaml"]}', "'a.yaml' is not a plain *.json file name"),
        ('{"base_url": "https://x/", "files": ["a.json", "a.json"]}', "lists a name twice"),
        ("{", "cannot read the sources file"),
    ],
)
def test_a_bad_sources_file_exits_2_and_downloads_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    path = tmp_path / "sources.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FetchError, match=expected.replace("*", r"\*").replace("(", r"\(").replace(")", r"\)")):
        load_sources(path)
    assert _run(path, tmp_path / "fragments") == 2
    assert capsys.readouterr().err.startswith(f"error: {path}: ")
    assert not (tmp_path / "fragments").exists()


def test_the_committed_sources_name_the_vendors_raw_files() -> None:
    sources = load_sources(ROOT / "spec" / "sources.json")
    assert sources.url("billing-v2.json") == (
        "https://raw.githubusercontent.com/aimlapi/api-docs/refs/heads/main/docs/api-references/"
        "service-endpoints/billing-v2.json"
    )
    assert set(sources.files) == {path.name for path in (ROOT / "spec" / "fragments").glob("*.json")}


def test_the_entry_point_runs() -> None:
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fetch_fragments.py"), "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--check" in result.stdout
