"""What the numbers were measured on: they mean little without the CPU, the cores and the load."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    usable_cores: int
    python: str
    system: str
    httpx: str
    sdk: str
    load_average: tuple[float, float, float]
    started_utc: str


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _sdk_version() -> str:
    """The work tree's version (the installed metadata of an editable install can be stale)."""
    from aimlapi_billing import __version__

    return __version__


def describe() -> Machine:
    return Machine(
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        usable_cores=len(os.sched_getaffinity(0)),
        python=f"{platform.python_implementation()} {platform.python_version()}",
        system=platform.platform(terse=True),
        httpx=_version("httpx"),
        sdk=_sdk_version(),
        load_average=os.getloadavg(),
        started_utc=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
