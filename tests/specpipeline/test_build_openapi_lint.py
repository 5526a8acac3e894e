"""The merged document passes mainstream linters' recommended rules; the raw fragments do not.

Spectral (``spectral:oas``) and Redocly CLI (``recommended``) are pinned in tools/lint and
installed by scripts/test.sh.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "lint"
BIN = LINT / "node_modules" / ".bin"
MERGED = ROOT / "spec" / "openapi.json"
RAW = ROOT / "spec" / "fragments" / "billing-detail-v2.json"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BIN / "spectral").exists(), reason="the linters are installed by scripts/test.sh (npm ci in tools/lint)"
    ),
]


def _spectral(document: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "spectral"), "lint", str(document), "--ruleset", str(LINT / ".spectral.yaml")]
    return subprocess.run([*command, "--fail-severity", "hint"], capture_output=True, text=True, check=False)


def _redocly(document: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "redocly"), "lint", str(document), "--format", "stylish", "--max-problems", "100"]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=LINT)


def test_spectral_finds_nothing_in_the_merged_document() -> None:
    result = _spectral(MERGED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'hint' or higher found!" in result.stdout


def test_spectral_flags_the_raw_fragment() -> None:
    result = _spectral(RAW)
    assert result.returncode != 0
    for rule in ("oas3-schema", "info-contact", "operation-description", "operation-tags"):
        assert rule in result.stdout


def test_redocly_finds_nothing_in_the_merged_document() -> None:
    result = _redocly(MERGED)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Your API description is valid" in output
    assert "warning" not in output.lower().replace("deprecation warning", "")


def test_redocly_flags_the_raw_fragment() -> None:
    result = _redocly(RAW)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for rule in ("security-defined", "info-license", "operation-4xx-response"):
        assert rule in output
