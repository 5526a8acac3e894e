"""A registry of one collector, its exposition as text, and the atomic textfile write."""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import tempfile
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest as _generate_prometheus
from prometheus_client.openmetrics.exposition import generate_latest as _generate_openmetrics

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
    """Replace ``path`` with ``data`` atomically, for node_exporter's textfile collector.

    The bytes go to a temporary file in the same directory, named with a leading dot so the
    collector's ``*.prom`` glob skips it, are fsynced, made world-readable (0644) and renamed over
    ``path``: a reader sees the old file or the new one, never a partial write. On failure the
    temporary file is removed and the error raised.
    """
    path = pathlib.Path(path)
    directory = path.parent
    if path.exists() and not path.is_file():  # a rename would replace a device such as /dev/null
        raise OSError(errno.EINVAL, "not a regular file, so not replaced", str(path))
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; node_exporter often runs as another user
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # Make the rename itself durable; not every platform can open or fsync a directory.
    with contextlib.suppress(OSError):
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
