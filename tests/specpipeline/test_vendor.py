"""vendor-check against a stand-in for the vendor's raw files: a web server on 127.0.0.1.

It fetches what spec/sources.json lists from a base URL given by option or environment, runs the
pipeline aside and exits 0 (as committed), 10 (changed, nothing breaking) or 11 (breaking) with the
change report, writing nothing; ``--apply`` writes the fragments, the spec, the client, the
CHANGELOG entry and the version as one.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, copy_project, run_script

FRAGMENT = "billing-v2.json"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the test output stays readable
        return None


@pytest.fixture
def vendor(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The vendor's folder of raw files (the committed fragments to start with), served on 127.0.0.1."""
    folder = tmp_path / "vendor"
    shutil.copytree(ROOT / "spec" / "fragments", folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _digest(project: Path) -> str:
    """Everything the tree holds, but the lock file a writer leaves."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.name != ".regenerate.lock":
            digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _publish(folder: Path, change: Any) -> bytes:
    """The vendor changes billing-v2.json (its own formatting, as it would); returns the new bytes."""
    document = json.loads((folder / FRAGMENT).read_bytes())
    change(document["paths"]["/v2/billing"]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    body = json.dumps(document, indent=4).encode("utf-8")
    (folder / FRAGMENT).write_bytes(body)
    return body


def test_fragments_as_committed_exit_0_and_the_tree_is_untouched(vendor: tuple[str, Path], project: Path) -> None:
    before = _digest(project)
    result = run_script(project, "vendor_check.py", "--base-url", vendor[0])
    assert result.returncode == 0, result.stdout + result.stderr
    listed = len(json.loads((project / "spec" / "sources.json").read_text())["files"])
    assert (
        result.stdout == f"no change: the {listed} fragments spec/sources.json lists are as committed ({vendor[0]})\n"
    )
    assert _digest(project) == before


def test_a_non_breaking_change_exits_10_with_the_report_and_is_written_only_with_apply(
    vendor: tuple[str, Path], project: Path
) -> None:
    body = _publish(vendor[1], lambda schema: schema["properties"].update(pending={"type": "number"}))
    before = _digest(project)
    checked = run_script(project, "vendor_check.py", env={"AIMLAPI_BILLING_VENDOR_BASE_URL": vendor[0]})
    assert checked.returncode == 10, checked.stdout + checked.stderr
    assert checked.stdout.startswith(f"# Vendor check: changed, nothing breaking\n\nFragments from {vendor[0]}:\n")
    assert f"- updated: `{FRAGMENT}`" in checked.stdout
    assert "## API changes 0.4.0 -> 0.5.0 (minor bump)" in checked.stdout
    assert "- non-breaking: `GET /v2/billing response field pending`: response field added" in checked.stdout
    assert _digest(project) == before  # only reported

    report = project.parent / "report.md"
    applied = run_script(project, "vendor_check.py", "--apply", "--report", str(report), "--base-url", vendor[0])
    assert applied.returncode == 10, applied.stdout + applied.stderr
    assert report.read_text(encoding="utf-8") == checked.stdout
    assert (project / "spec" / "fragments" / FRAGMENT).read_bytes() == body  # byte for byte
    spec = json.loads((project / "spec" / "openapi.json").read_text(encoding="utf-8"))
    assert "pending" in spec["components"]["schemas"]["BillingResponse"]["properties"]
    assert "pending" in (project / "generated/aimlapi_billing_client/models/billing_response.py").read_text()
    assert (project / "src" / "aimlapi_billing" / "_version.py").read_text() == '__version__ = "0.5.0"\n'
    assert (
        (project / "CHANGELOG.md").read_text().startswith("# Changelog\n\n## API changes 0.4.0 -> 0.5.0 (minor bump)")
    )
    assert run_script(project, "regenerate.py", "--check", "--quiet").returncode == 0  # as regenerate makes them
    again = run_script(project, "vendor_check.py", "--base-url", vendor[0])
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_breaking_change_exits_11(vendor: tuple[str, Path], project: Path) -> None:
    _publish(vendor[1], lambda schema: schema["properties"]["current_balance"].update(type="string"))
    result = run_script(project, "vendor_check.py", "--base-url", vendor[0])
    assert result.returncode == 11, result.stdout + result.stderr
    assert result.stdout.startswith("# Vendor check: a change breaks a client\n")
    assert "- **breaking**: `GET /v2/billing response field current_balance`: type changed" in result.stdout


def test_a_change_of_wording_only_exits_10_and_says_the_api_is_the_same(
    vendor: tuple[str, Path], project: Path
) -> None:
    _publish(vendor[1], lambda schema: schema["properties"]["currency"].update(description="Always USD."))
    result = run_script(project, "vendor_check.py", "--base-url", vendor[0])
    assert result.returncode == 10, result.stdout + result.stderr
    assert "No change to the API a client sees (descriptions, examples or repairs only)." in result.stdout
    assert "## API changes" not in result.stdout


def test_a_failed_download_exits_5_in_one_line_and_writes_nothing(vendor: tuple[str, Path], project: Path) -> None:
    (vendor[1] / FRAGMENT).unlink()
    before = _digest(project)
    result = run_script(project, "vendor_check.py", "--apply", "--base-url", vendor[0])
    assert result.returncode == 5
    [line] = result.stderr.splitlines()
    assert line == f"error: cannot fetch the fragments: {vendor[0]}{FRAGMENT}: HTTP 404 File not found"
    assert _digest(project) == before


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        (["--base-url", "ftp://127.0.0.1/"], {}, "error: --base-url must be an http(s) URL ending in '/'"),
        ([], {"AIMLAPI_BILLING_VENDOR_BASE_URL": "http://127.0.0.1/x"}, "error: $AIMLAPI_BILLING_VENDOR_BASE_URL must"),
        (["--timeout", "0"], {}, "error: --timeout must be a positive number of seconds"),
    ],
)
def test_a_bad_base_url_or_timeout_exits_2_before_any_download(
    project: Path, arguments: list[str], environment: dict[str, str], expected: str
) -> None:
    result = run_script(project, "vendor_check.py", *arguments, env=environment)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(expected)
