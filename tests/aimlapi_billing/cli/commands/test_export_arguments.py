"""``export focus``'s options at their edges: ``-o -`` is no file named "-", and --account-id/--account-name
are one printable line (a newline would break the CSV's consumers); each a usage error, nothing written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from aimlapi_billing._cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "extra",
    [
        ["-o", "-"],
        ["-o", " "],
        ["-o", "f.csv", "--account-id", "a\nb"],
        ["-o", "f.csv", "--account-name", "x\ty"],
        ["-o", "f.csv", "--account-id", " "],
        ["-o", "f.parquet", "--format", "xlsx"],
        ["-o", "f.parquet", "--format", "PARQUET"],
        ["-o", "f.parquet", "--format", ""],
    ],
)
def test_a_bad_option_is_exit_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("export", "focus", "--month", "2026-11", "--db", str(tmp_path / "s.db"), *extra)
    assert (code, out) == (2, ""), err
    assert err.count("\n") <= 2  # argparse: the usage line and the error line
    assert "\n" not in err.rstrip("\n").splitlines()[-1]
    assert os.listdir(tmp_path) == []
