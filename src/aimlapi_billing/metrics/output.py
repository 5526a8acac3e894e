"""A registry of one collector, its exposition as text, and the atomic textfile write."""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest as _generate_prometheus
from prometheus_client.openmetrics.exposition import generate_latest as _generate_openmetrics

from .._atomic import replacing
from .._exceptions import InvalidParameterError

if TYPE_CHECKING:
    from prometheus_client.registry import Collector

__all__ = ["FORMATS", "build_registry", "exposition", "write_textfile"]

#: The formats :func:`exposition` writes.
FORMATS = ("openmetrics", "prometheus")


def build_registry(collector: Collector) -> CollectorRegistry:
    """A new registry holding ``collector`` alone (never prometheus_client's global ``REGISTRY``)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def exposition(registry: Collector, fmt: str = "openmetrics") -> bytes:
    """The registry's metrics as text: ``"openmetrics"`` (with ``# UNIT`` and ``# EOF``) or ``"prometheus"``."""
    if fmt == "openmetrics":
        data: bytes = _generate_openmetrics(registry)  # type: ignore[no-untyped-call]
        return data
    if fmt == "prometheus":
        return _generate_prometheus(registry)
    raise InvalidParameterError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")


def write_textfile(path: pathlib.Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, for node_exporter's textfile collector (the temporary
    file's leading dot keeps it out of the collector's ``*.prom`` glob; ``_atomic.replacing``), 0644
    whatever the umask: node_exporter runs as another user and must read it."""
    with replacing(path, mode=0o644) as file:
        file.write(data)
