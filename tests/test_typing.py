"""The public methods are typed honestly: mypy --strict (the pinned one) on tests/typing_samples/,
whose assert_type lines state what a caller's type checker sees; and the check can fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "typing_samples" / "clients.py"


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_clients_methods_have_the_types_they_return() -> None:
    result = _mypy(SAMPLE)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


@pytest.mark.slow
def test_a_wrong_type_fails_the_check(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        SAMPLE.read_text(encoding="utf-8")
        + "\n\ndef raw(billing: Billing) -> None:\n"
        + "    assert_type(billing.with_raw_response.detail(), BillingDetailResponse)\n",
        encoding="utf-8",
    )
    result = _mypy(wrong)
    assert result.returncode == 1
    assert 'Expression is of type "APIResponse[BillingDetailResponse]"' in result.stdout
