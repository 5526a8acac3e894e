"""The benchmark suite still runs (a --quick smoke run); its figures are not asserted (no timing
asserts in tests), only that every section produced a ratio against its baseline, and that the
verdict logic says NOISY rather than PASS when rounds disagree."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import Comparison, compare, is_noisy  # noqa: E402


def _comparison(sdk_samples: list[float], target: float = 1.15) -> Comparison:
    baseline = [100.0] * len(sdk_samples)
    return Comparison(
        section="t",
        title="t",
        unit="ms",
        baseline="raw",
        contenders=compare({"raw": baseline, "sdk": sdk_samples}, "raw"),
        detail="",
        target=target,
        target_for="sdk",
    )


def test_agreeing_rounds_give_pass_or_miss() -> None:
    assert _comparison([105.0, 106.0, 104.0, 105.0]).verdict("sdk") == "PASS"
    assert _comparison([125.0, 126.0, 124.0, 125.0]).verdict("sdk") == "MISS"
    assert _comparison([105.0, 106.0]).verdict("raw") is None


def test_rounds_that_disagree_are_noisy_even_with_a_passing_median() -> None:
    noisy = _comparison([60.0, 80.0, 100.0, 140.0, 160.0])
    assert is_noisy(noisy.contender("sdk"))
    assert noisy.verdict("sdk") == "NOISY"


@pytest.mark.parametrize(("spread", "noisy"), [(0.09, False), (0.11, True)])
def test_the_noise_limit_is_ten_percent_around_the_median(spread: float, noisy: bool) -> None:
    samples = [100.0 * (1 - spread)] * 3 + [100.0] + [100.0 * (1 + spread)] * 3
    assert is_noisy(_comparison(samples).contender("sdk")) is noisy


@pytest.mark.slow
def test_a_quick_run_reports_ratios_against_baselines(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "run.py"),
        "--quick",
        "--only",
        "sync,ledger,governance,process,async",
    ]
    result = subprocess.run([*command, "--json", str(output)], capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert "| benchmark | contender | median | ratio vs baseline |" in result.stdout
    document = json.loads(output.read_text())
    sections = [entry["section"] for entry in document["results"]]
    assert sections == ["sync", "ledger", *["governance"] * 3, *["process"] * 4, "async"]
    for entry in document["results"]:
        ratios = [c["ratio"] for c in entry["contenders"] if c["name"] != entry["baseline"]]
        assert ratios
        assert all(isinstance(ratio, float) and ratio > 0 for ratio in ratios)
        if entry["target"] is not None:
            assert entry["verdict"] in {"PASS", "MISS", "NOISY"}
    async_entry = document["results"][-1]
    # The fan-out ran against nginx over warm pools, and the benchmark counted the connections the
    # timed rounds opened (it reports them rather than failing: a count, not a timing).
    assert "static nginx" in async_entry["detail"]
    assert re.search(r"warmed \((no new connections in the timed rounds|\d+ new connections)\)", async_entry["detail"])


def test_the_store_benchmark_writes_through_the_syncs_own_row_writer() -> None:
    """benchmarks/store.py (not in run.py) times the writer sync uses: a small run still reaches it."""
    command = [sys.executable, str(ROOT / "benchmarks" / "store.py"), "--rows", "200", "--no-sync"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^\| insert rate \| [\d,]+ rows/s \|", result.stdout, re.MULTILINE), result.stdout
