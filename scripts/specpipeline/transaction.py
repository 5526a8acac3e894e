"""Replacing several files and trees as one: all of them change, or none does.

``regenerate`` writes ``spec/openapi.json``, ``generated/aimlapi_billing_client/``, the
``CHANGELOG.md`` entry and the version it implies (``src/aimlapi_billing/_version.py``), and with
``vendor-check --apply`` the new fragments too, which only make sense together. :class:`Transaction` stages every new
version under ``.regenerate/new/`` (beside the targets, so a rename moves it in), then commits:

1. it writes ``.regenerate/journal`` (atomically), listing the targets: the commit point;
2. with SIGINT and SIGTERM blocked, it moves each target to ``.regenerate/old/`` and its new
   version into place, then removes the journal and ``.regenerate/``.

An interrupt (SIGINT, SIGTERM) before the commit point discards the staged versions: the old state
stays. Once the commit point is passed the signals wait until the renames are done: the new state.
Only a kill that cannot be caught (SIGKILL, a power cut) can stop the renames half-way; the
journal then remains, and :func:`recover` (run first by every ``regenerate``) finishes them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .atomic import write_text_atomically

WORKDIR_NAME = ".regenerate"
_SIGNALS = {signal.SIGINT, signal.SIGTERM}
# A test hook: "<phase>:<SIGNAL>" makes the process send itself that signal at that phase.
HOOK_VARIABLE = "AIMLAPI_BILLING_REGENERATE_SIGNAL_AT"


class Interrupted(BaseException):
    """SIGTERM, turned into an exception so that staged files are cleaned up as for SIGINT."""


@contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` (SIGINT already raises KeyboardInterrupt) for the duration."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(f"interrupted by signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def phase(name: str) -> None:
    """Mark a phase of the run; the test hook may deliver a signal here."""
    wanted = os.environ.get(HOOK_VARIABLE, "")
    if ":" in wanted:
        at, signal_name = wanted.rsplit(":", 1)
        if at == name:
            os.kill(os.getpid(), getattr(signal, signal_name))


class Transaction:
    """Stage new versions of files and directories under ``root``, then swap them all in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workdir = root / WORKDIR_NAME
        self.targets: list[Path] = []

    def __enter__(self) -> Transaction:
        # Held: an interrupt between the mkdir and the return would skip __exit__ and leave the stage.
        with _signals_held():
            shutil.rmtree(self.workdir, ignore_errors=True)
            (self.workdir / "new").mkdir(parents=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        with _signals_held():  # a second interrupt must not cut the clean-up short
            if not (self.workdir / "journal").exists():
                shutil.rmtree(self.workdir, ignore_errors=True)

    def _staged(self, target: Path) -> Path:
        return self.workdir / "new" / target.relative_to(self.root).as_posix().replace("/", "%")

    def stage_text(self, target: Path, text: str) -> None:
        self.stage_bytes(target, text.encode("utf-8"))

    def stage_bytes(self, target: Path, data: bytes) -> None:
        self.targets.append(target)
        self._staged(target).write_bytes(data)

    def stage_tree(self, target: Path, source: Path) -> None:
        self.targets.append(target)
        shutil.copytree(source, self._staged(target))

    def commit(self, progress: Callable[[str], None] = phase) -> None:
        journal = {"targets": [target.relative_to(self.root).as_posix() for target in self.targets]}
        progress("staged")
        with _signals_held():
            write_text_atomically(self.workdir / "journal", json.dumps(journal))
            progress("journal-written")
            _roll_forward(self.root, progress)
        progress("committed")


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (they are delivered then)."""
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


def _roll_forward(root: Path, progress: Callable[[str], None]) -> None:
    workdir = root / WORKDIR_NAME
    journal = json.loads((workdir / "journal").read_text(encoding="utf-8"))
    (workdir / "old").mkdir(exist_ok=True)
    for index, relative in enumerate(journal["targets"]):
        target = root / relative
        staged = workdir / "new" / relative.replace("/", "%")
        if not staged.exists():
            continue  # moved in before an interruption
        retired = workdir / "old" / relative.replace("/", "%")
        if target.exists() and not retired.exists():
            target.rename(retired)
        elif target.exists():
            _remove(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(target)
        progress(f"moved-{index}")
    (workdir / "journal").unlink()
    shutil.rmtree(workdir, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


class Busy(Exception):
    """Another regeneration holds the lock on this tree."""


@contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold the tree's lock (``.regenerate.lock``) for the duration: two runs would share a stage."""
    lock_path = root / f"{WORKDIR_NAME}.lock"
    with open(lock_path, "a+b") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"another regenerate is running in {root} (it holds {lock_path.name})") from None
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def recover(root: Path) -> str | None:
    """Finish a commit a kill interrupted (journal present), or discard an uncommitted stage.
    Returns what was done, for the log; ``None`` when there was nothing to do."""
    workdir = root / WORKDIR_NAME
    if workdir.is_file() or workdir.is_symlink():
        workdir.unlink()
        return "removed a stray .regenerate file"
    if (workdir / "journal").exists():
        with _signals_held():
            _roll_forward(root, lambda _: None)
        return "finished an interrupted regeneration"
    if workdir.exists():
        shutil.rmtree(workdir, ignore_errors=True)
        return "discarded the files of an interrupted regeneration"
    return None
