"""Running a document's code samples against the stand-in server, as a reader would: the README's
(tests/test_readme.py) and the documentation site's (tests/test_docs.py) alike.

A sample is a fenced ``python`` or ``bash`` block right after a ``<!-- quickstart -->`` line; it runs
in a fresh process with ``AIMLAPI_BILLING_BASE_URL`` pointing at a stand-in started for it (the
documents' fixed port 8765, made free for parallel runs) and is judged by :func:`check_quickstart`.
A ``$ aimlapi-billing ...`` block followed by its output must print that output, dates masked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from fake_api_server import FakeAIMLAPI

QUICKSTART = re.compile(r"<!-- quickstart -->\n```(\w+)\n(.*?)```", re.DOTALL)
DOCUMENTED_URL = "http://127.0.0.1:8765"
SAMPLE = re.compile(r"```\n\$ (aimlapi-billing [^\n]*)\n(.*?)```", re.DOTALL)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")
ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def quickstart_blocks(text: str) -> list[tuple[str, str]]:
    """The document's quickstart blocks: (language, code)."""
    return QUICKSTART.findall(text)


def docs_page(name: str) -> str:
    """The text of a documentation page, ``name`` relative to ``docs/`` (``"cli/index.md"``)."""
    return (DOCS / name).read_text(encoding="utf-8")


def markdown_block(text: str, marker: str, language: str = "") -> str:
    """The fenced block right after ``marker`` (an HTML comment, or a heading line) in ``text``."""
    found = re.search(rf"{re.escape(marker)}\n+```{language}\n(.*?)```", text, re.DOTALL)
    assert found, marker
    return found[1]


def markdown_table(text: str, header: str) -> dict[str, str]:
    """The rows of the table of ``text`` whose header row starts with ``header``: first cell (its
    backticks stripped) -> second."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header}"))
    rows: dict[str, str] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        first, second = (cell.strip() for cell in line.strip("|").split("|", 1))
        rows[first.strip("`")] = second
    return rows


EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def relative_links(text: str) -> list[str]:
    """The targets of a Markdown document's links that are files, not sites or anchors."""
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    return [target for target in targets if not EXTERNAL.match(target) and not target.startswith("mailto:")]


def start_stand_in() -> tuple[FakeAIMLAPI, dict[str, str]]:
    """A stand-in server on 127.0.0.1 (the caller stops it) and the environment a reader would have
    set for it: any key, the base URL, and this interpreter's ``aimlapi-billing`` first on PATH."""
    server = FakeAIMLAPI().start()
    env = {
        **os.environ,
        "AIML_API_KEY": "any-key-will-do",
        "AIMLAPI_BILLING_BASE_URL": server.url,  # the documents' fixed port, made free for parallel runs
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    return server, env


def run_quickstart(language: str, code: str, tmp_path: Path) -> tuple[FakeAIMLAPI, subprocess.CompletedProcess[str]]:
    """Run one block against a stand-in of its own, stopped when the block ends."""
    server, env = start_stand_in()
    try:
        command = [sys.executable, "-c", code] if language == "python" else ["bash", "-euo", "pipefail", "-c", code]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False, cwd=tmp_path)
    finally:
        server.stop()
    return server, result


def check_quickstart(server: FakeAIMLAPI, code: str, result: subprocess.CompletedProcess[str]) -> None:
    """The block worked, said nothing on stderr (but what the key commands must say) and printed the
    stand-in's figures: each kind of block its own."""
    assert result.returncode == 0, result.stdout + result.stderr
    if "keys create" in code:  # the CLI's key commands say what they did on stderr, the new key on stdout
        created = next(seen.path.rsplit("/", 1)[1] for seen in server.requests if seen.method == "DELETE")
        assert result.stderr.splitlines() == [
            f"created key {created} (ci): its value is on stdout, shown this once; store it now",
            f"updated key {created}",
            f"deleted key {created}",
        ]
        assert all(record["prefix"] != created for record in server.keys)
    else:
        assert result.stderr == ""
    if "billing.keys.create" in code:  # the usage, keys and logs block: its own figures
        assert "CreatedKey(prefix=" in result.stdout
        assert "SecretKey('**********')" in result.stdout
        assert {seen.method for seen in server.requests} >= {"GET", "POST", "PATCH", "DELETE"}
    elif "billing.usage.all_keys" in code:  # every key at once: by spend, nothing missing, failed rows per key
        assert result.stdout.startswith("a1b2c3d4 main 2.5 ['openai/gpt-5']\nb747e891 chatbot-prod 1.56")
        assert "not measured" not in result.stdout
        assert result.stdout.endswith("a1b2c3d4 1\nb747e891 1\nc0ffee42 0\nd15ab1ed 0\n")
    elif "billing.reconcile" in code:
        assert result.stdout.startswith("True 4.48 4.48 4.48 3\n")
    elif "aimlapi-billing reconcile" in code:
        assert result.stdout.splitlines()[-1] == "verdict        agree (differences below 0.01 USD)"
        assert "spend     2.50 USD" in result.stdout  # usage of the key in use (main)
        assert result.stdout.count("inf-") == 2 + 1  # two rows of chatbot-prod, main's one succeeded request
    elif "billing.keys.budgets" in code:  # each key's limit; its spend depends on the UTC day and month
        rows = [line.split() for line in result.stdout.splitlines()]
        assert [row[:4] for row in rows] == [
            ["a1b2c3d4", "main", "None", "None"],
            ["d15ab1ed", "old-experiments", "no_reset", "10"],
            ["b747e891", "chatbot-prod", "month", "25"],
            ["c0ffee42", "batch-jobs", "day", "5"],
        ]
        assert all(Decimal(row[4]) >= 0 for row in rows[1:])
        assert [row[-1] for row in rows] == ["False"] * 4  # no month cross-check mismatch
    elif "billing.models" in code:  # the catalogue's block: the stand-in's prices, kinds and metrics
        lines = result.stdout.splitlines()
        assert "openai/gpt-4o output token 3.25 per 1000000" in lines
        assert "google/veo-2.0-generate-001 {'resolution': '1080p'} 0.65 per 1 second" in lines
        assert "{'gpt-5': Decimal('1.3125'), 'openai/gpt-4o': Decimal('3.25')}" in lines
        assert "openai/gpt-5 412 51.7 300" in lines
        assert lines[-1].startswith('W/"')
    elif "aimlapi-billing models" in code:
        assert "openai/gpt-4o                openai/chat-completions (also gpt-4o)\n" in result.stdout
        assert "resolution=1080p: 0.65 USD per 1 second" in result.stdout
        assert "openai/gpt-5  /v1/chat/completions: ttft_ms 412/588/910/2140;" in result.stdout
    else:
        assert "275.78" in result.stdout
    if "check --warning-usd 100 --critical-usd 20\n" in code:
        assert "BILLING OK - balance 275.78 USD | balance_usd=275.78;100:;20:" in result.stdout
    if "aimlapi-billing metrics" in code:  # the OpenMetrics command (not model-metrics)
        assert "aimlapi_scrape_success 1.0" in result.stdout
    assert len(server.requests) >= 2


def check_samples(text: str) -> list[str]:
    """Run each ``$ aimlapi-billing ...`` sample of ``text`` against a stand-in and check it prints
    exactly what is shown, dates masked (the stand-in's ledger is dated from its start); the
    commands run."""
    samples = SAMPLE.findall(text)
    server, env = start_stand_in()
    try:
        for command, shown in samples:
            result = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", command], capture_output=True, text=True, env=env, timeout=60
            )
            assert (result.returncode, result.stderr) == (0, ""), command
            assert DATE.sub("DATE", result.stdout) == DATE.sub("DATE", shown), command
    finally:
        server.stop()
    return [command for command, _ in samples]
