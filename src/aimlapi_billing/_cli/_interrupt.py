"""The command line's Ctrl-C: :mod:`aimlapi_billing._interrupts` records it (and raises it again at a
command's safe points); this says it, one line and exit 130."""

from __future__ import annotations

import sys

from .._interrupts import check, install

__all__ = ["check", "install", "stopped"]

#: _common's PROG and EXIT_INTERRUPTED, not imported from there: this module loads before the SDK does.
_LINE = "aimlapi-billing: interrupted (Ctrl-C)"
_EXIT = 130


def stopped() -> int:
    """The one line of an interrupted run, on stderr; its exit code (130)."""
    print(_LINE, file=sys.stderr)
    return _EXIT
