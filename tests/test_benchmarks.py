"""The benchmark suite still runs (a --quick smoke run); its figures are not asserted (no timing
asserts in tests), only that every section produced a ratio against its baseline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_quick_run_reports_ratios_against_baselines(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--only", "sync,ledger,async"]
    result = subprocess.run([*command, "--json", str(output)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "| benchmark | contender | median | ratio vs baseline |" in result.stdout
    document = json.loads(output.read_text())
    assert [entry["section"] for entry in document["results"]] == ["sync", "ledger", "async"]
    for entry in document["results"]:
        ratios = [c["ratio"] for c in entry["contenders"] if c["name"] != entry["baseline"]]
        assert ratios
        assert all(isinstance(ratio, float) and ratio > 0 for ratio in ratios)
