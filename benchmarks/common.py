"""Paths, statistics and result records shared by every benchmark section.

Every timed comparison here is *interleaved*: round ``i`` measures each contender once, in a
rotated order, so load from other processes or CPU frequency drift hits all contenders alike. A
contender's ratio is the median over rounds of ``contender[i] / baseline[i]`` (each round compared
with its own baseline, which cancels drift between rounds); the median of the per-round values is
shown alongside, in µs or ms, for scale.
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
#: The interpreter running the suite (the project's .venv): every child process uses it too.
PYTHON = sys.executable


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) with linear interpolation; enough for the small samples here."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def rotated(names: Sequence[T], round_index: int) -> list[T]:
    """The order of round ``round_index``: each contender takes every position equally often."""
    shift = round_index % len(names)
    return [*names[shift:], *names[:shift]]


@dataclass(frozen=True)
class Contender:
    """One contender's per-round samples and how they compare with the baseline's."""

    name: str
    median: float  # median of the per-round values (per-batch means), in the comparison's unit
    ratio: float | None  # median of per-round ratios to the baseline; None for the baseline itself
    ratio_p25: float | None
    ratio_p75: float | None
    samples: list[float]


@dataclass(frozen=True)
class Comparison:
    """An interleaved comparison: contenders against one baseline, with an optional target."""

    section: str
    title: str
    unit: str
    baseline: str
    contenders: list[Contender]
    detail: str  # how it was measured, for the table's notes
    target: float | None = None  # the ratio ``target_for`` must not exceed
    target_for: str | None = None
    notes: list[str] = field(default_factory=list)

    def contender(self, name: str) -> Contender:
        return next(c for c in self.contenders if c.name == name)

    def verdict(self, name: str) -> str | None:
        """PASS/MISS for the targeted contender, None for the others; NOISY when its rounds disagree
        too much for either (see :func:`is_noisy`)."""
        if self.target is None or name != self.target_for:
            return None
        contender = self.contender(name)
        if is_noisy(contender):
            return "NOISY"
        return "PASS" if contender.ratio is not None and contender.ratio <= self.target else "MISS"


#: A ratio whose middle half of rounds strays further than this from its median is not a verdict.
NOISE_TOLERANCE = 0.10
RERUN_ADVICE = (
    "NOISY: the per-round ratios' p25-p75 spread more than ±10 % around their median, so the run "
    "cannot say PASS or MISS. Re-run on a quiet machine (nothing else using the cores; check the "
    "load average in the header), for example `.venv/bin/python benchmarks/run.py --only SECTION`."
)


def is_noisy(contender: Contender) -> bool:
    """True when p25 or p75 of the per-round ratios lies more than 10 % from their median."""
    if contender.ratio is None or contender.ratio_p25 is None or contender.ratio_p75 is None:
        return False
    low, high = contender.ratio * (1 - NOISE_TOLERANCE), contender.ratio * (1 + NOISE_TOLERANCE)
    return contender.ratio_p25 < low or contender.ratio_p75 > high


def compare(samples: dict[str, list[float]], baseline: str) -> list[Contender]:
    """Per-contender medians and paired ratios; ``samples[name][i]`` belongs to round ``i``."""
    base = samples[baseline]
    contenders = []
    for name, values in samples.items():
        if len(values) != len(base):
            raise ValueError(f"{name} has {len(values)} rounds, {baseline} has {len(base)}")
        if name == baseline:
            contenders.append(Contender(name, statistics.median(values), None, None, None, values))
            continue
        ratios = [value / reference for value, reference in zip(values, base, strict=True)]
        contenders.append(
            Contender(
                name,
                statistics.median(values),
                statistics.median(ratios),
                quantile(ratios, 0.25),
                quantile(ratios, 0.75),
                values,
            )
        )
    return contenders


@dataclass(frozen=True)
class Measurement:
    """An absolute figure (seconds, KiB, a count), with an optional upper target."""

    section: str
    title: str
    value: float
    unit: str
    detail: str
    target: float | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def verdict(self) -> str | None:
        if self.target is None:
            return None
        return "PASS" if self.value <= self.target else "MISS"
