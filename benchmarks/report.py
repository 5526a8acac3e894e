"""Markdown and JSON output. Ratios are the results; absolute times are shown only for scale."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import RERUN_ADVICE, Comparison, Measurement
from imports import ImportProfile
from machine import Machine

Result = Comparison | Measurement


def _number(value: float) -> str:
    if value == int(value) and value < 1000:
        return str(int(value))
    return f"{value:,.0f}" if value >= 1000 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _verdicts(result: Result) -> set[str]:
    if isinstance(result, Comparison):
        return {v for c in result.contenders if (v := result.verdict(c.name)) is not None}
    return {result.verdict} if result.verdict is not None else set()


def _verdict(verdict: str | None) -> str:
    return "" if verdict is None else f"**{verdict}**"


def _comparison_rows(comparison: Comparison) -> list[str]:
    rows = []
    for index, contender in enumerate(comparison.contenders):
        title = comparison.title if index == 0 else ""
        median = f"{_number(contender.median)} {comparison.unit}"
        if contender.ratio is None:
            ratio, spread = "1.00 (baseline)", ""
        else:
            ratio, spread = f"{contender.ratio:.3f}", f"{contender.ratio_p25:.3f}-{contender.ratio_p75:.3f}"
        verdict = comparison.verdict(contender.name)
        target = f"≤ {comparison.target:.2f}" if verdict is not None else ""
        rows.append(
            f"| {title} | `{contender.name}` | {median} | {ratio} | {spread} | {target} | {_verdict(verdict)} |"
        )
    return rows


def _measurement_row(measurement: Measurement) -> str:
    target = "" if measurement.target is None else f"≤ {measurement.target:g} {measurement.unit}"
    value = f"{_number(measurement.value)} {measurement.unit}"
    return (
        f"| {measurement.title} | {measurement.detail} | {value} |  |  | {target} | {_verdict(measurement.verdict)} |"
    )


def _machine_lines(machine: Machine, mode: str, server: str) -> list[str]:
    load = " / ".join(f"{value:.2f}" for value in machine.load_average)
    return [
        "# aimlapi-billing benchmarks",
        "",
        f"- **Machine:** {machine.cpu}; {machine.cores} cores ({machine.usable_cores} usable); {machine.system}",
        f"- **Python:** {machine.python}; httpx {machine.httpx}, aimlapi-billing {machine.sdk}",
        f"- **Run:** {mode}; started {machine.started_utc}; load average at start {load}; "
        f"fake API server in a {server} on 127.0.0.1",
        "",
    ]


def _offender_lines(profile: ImportProfile) -> list[str]:
    lines = [
        f'`python -X importtime -c "{profile.statement}"`: {profile.total_us:,} µs beyond interpreter start-up, '
        f"{profile.added_to_httpx_us:,} µs of it in modules that `import httpx; httpx.Client()` does not load "
        "(those are left out below).",
        "",
        "| module | depth | self µs | cumulative µs (without httpx's modules) |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| `{o.module}` | {o.depth} | {o.self_us:,} | {o.cumulative_us:,} |" for o in profile.offenders]
    return [*lines, ""]


def markdown(
    machine: Machine,
    mode: str,
    server: str,
    results: Sequence[Result],
    profiles: Sequence[ImportProfile],
) -> str:
    lines = _machine_lines(machine, mode, server)
    lines += [
        "| benchmark | contender | median | ratio vs baseline | per-round ratio p25-p75 | target | verdict |",
        "| --- | --- | ---: | ---: | :---: | :---: | :---: |",
    ]
    for result in results:
        lines += _comparison_rows(result) if isinstance(result, Comparison) else [_measurement_row(result)]
    if any(_verdicts(result) & {"NOISY"} for result in results):
        lines += ["", RERUN_ADVICE]
    lines += ["", "How each was measured:", ""]
    for result in results:
        if isinstance(result, Comparison):
            lines.append(f"- *{result.title}*: {result.detail}; ratio = median of per-round ratios to the baseline.")
            lines.extend(f"  - {note}" for note in result.notes)
        elif isinstance(packages := result.extra.get("packages"), list):
            lines.append(f"- *{result.title}*: {', '.join(str(package) for package in packages)}")
    if profiles:
        lines += ["", "## Import-time offenders", ""]
        for profile in profiles:
            lines += _offender_lines(profile)
    return "\n".join(lines).rstrip() + "\n"


def write_json(
    path: Path,
    machine: Machine,
    mode: str,
    server: str,
    results: Sequence[Result],
    profiles: Sequence[ImportProfile],
) -> None:
    def entry(result: Result) -> dict[str, Any]:
        data = dataclasses.asdict(result)
        data["kind"] = type(result).__name__.lower()
        if isinstance(result, Comparison):
            data["verdict"] = result.verdict(result.target_for) if result.target_for else None
        else:
            data["verdict"] = result.verdict
        return data

    document = {
        "machine": dataclasses.asdict(machine),
        "mode": mode,
        "server": server,
        "results": [entry(result) for result in results],
        "import_profiles": [dataclasses.asdict(profile) for profile in profiles],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
