"""Files replaced whole: the textfile collector's ``.prom``, the FOCUS CSV, the HTML report.

A reader (node_exporter, a FinOps tool, a colleague opening an attachment) sees the old file or the
new one, never a part of either, whatever stops the writer: an error, a full disk, Ctrl-C, a kill.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ._exceptions import InvalidParameterError

__all__ = ["ProtectedFileError", "refuse_to_replace", "replacing"]


class ProtectedFileError(InvalidParameterError):
    """The file to write is one the command reads (the spend store, its companions, the teams file)."""


def refuse_to_replace(target: str | os.PathLike[str], *protected: str | os.PathLike[str] | None) -> None:
    """ProtectedFileError when ``target`` is (resolves to, through symlinks or another spelling, or is
    a hard link of) one of ``protected``: replacing it would destroy the input, e.g. all the store's
    history. ``None`` entries and protected files that do not exist are skipped (a missing companion
    such as ``-wal`` is still compared by its resolved path)."""
    wanted = Path(target)
    resolved = os.path.realpath(wanted)
    for candidate in protected:
        if candidate is None:
            continue
        same = os.path.realpath(candidate) == resolved
        if not same and wanted.exists() and Path(candidate).exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(wanted, candidate)
        if same:
            raise ProtectedFileError(
                f"{os.fspath(target)} is {os.fspath(candidate)}, which this command reads: not replaced"
            )


#: How much of the file's name the temporary file's name keeps (255 bytes less ".", ".XXXXXXXX.tmp").
_STEM_BYTES = 200


def _umask() -> int:
    """The process's umask, read without changing it where Linux says it (/proc), else by setting it back."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str], *, text: bool = False, mode: int | None = None) -> Iterator[IO[Any]]:
    """A file to write (bytes, or UTF-8 text with ``text``) that replaces ``path`` when the block ends.

    It is a temporary file beside ``path``, named with a leading dot (a ``*.prom`` glob skips it),
    synced, given its mode, renamed over ``path``, and the rename synced. The mode is ``mode`` when
    given (the textfile collector's 0644: node_exporter's user must read it), else the replaced file's
    own, else what ``open`` would give a new file (0666 less the umask), never mkstemp's 0600. A
    ``path`` that is a symlink is written through: its target is replaced, the link stays. On any
    error or interrupt the temporary file is removed and ``path`` is as it was. A ``path`` that exists
    and is not a regular file (``/dev/null``, a directory) is refused with an OSError: a rename would
    replace it.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if target.exists() and not target.is_file():
        raise OSError(errno.EINVAL, "not a regular file, so not replaced", str(target))
    if mode is None:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    # The temporary name is the file's, cut so that a name near the file system's 255 bytes still
    # leaves room for the dot, mkstemp's 8 letters and .tmp.
    stem = target.name.encode()[:_STEM_BYTES].decode(errors="ignore")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") if text else os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # Make the rename itself durable; not every platform can open or fsync a directory.
    with contextlib.suppress(OSError):
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
