"""The ``aimlapi-billing`` command: balance, summary, detail and the ledger, forecasts, metrics and an
exporter, and monitoring checks.

Exit codes (other than a monitoring plugin's): 0 success, 2 usage (a bad option, an unwritable
output, an address that cannot be bound), 3 configuration (no key, a bad key or URL), 4 connection
failure or timeout, 5 the API answered with an error status, 6 the API's answer was not usable; 1 is
left to bugs (an exception nobody expected). Plugins (``check``) follow the monitoring plugin
convention instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Every option is checked before any
request: a bad one is one line on stderr (for a plugin, an UNKNOWN line on stdout).

The shape is the openai SDK's ``cli/_api``: ``_registry`` names every command and the module that
implements it, ``_commands/`` holds one module per command group, and ``_common`` and ``_options``
hold the output, errors and option types they share. Only the invoked command's module is imported.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ._common import (
        EXIT_API_STATUS,
        EXIT_BAD_RESPONSE,
        EXIT_CODES,
        EXIT_CONFIGURATION,
        EXIT_CONNECTION,
        EXIT_INTERRUPTED,
        EXIT_OK,
        EXIT_SDK_ERROR,
        EXIT_USAGE,
    )
    from ._main import build_parser, main
    from ._options import UsageError

__all__ = [
    "EXIT_API_STATUS",
    "EXIT_BAD_RESPONSE",
    "EXIT_CODES",
    "EXIT_CONFIGURATION",
    "EXIT_CONNECTION",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SDK_ERROR",
    "EXIT_USAGE",
    "UsageError",
    "build_parser",
    "entry_point",
    "main",
]
_HOMES = {"build_parser": "_main", "main": "_main", "UsageError": "_options"}


def __getattr__(name: str) -> Any:
    # Loaded on first use: the console script imports this package for entry_point alone, which
    # must run before anything heavy loads (see there).
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_HOMES.get(name, '_common')}", __name__), name)
    globals()[name] = value
    return value


_paused_collection = False


def entry_point() -> NoReturn:
    """The ``aimlapi-billing`` command. Garbage collection waits while the command's modules load
    (httpx, the SDK, the command's own): what they create lives as long as the process, and
    collecting it anyway cost a monitoring check, a process started every minute, about 5 % of its
    run. Collection resumes (:func:`resume_collection`) before the command makes any request."""
    global _paused_collection
    from . import _interrupt

    _interrupt.install()  # first: a Ctrl-C while the modules load is one line and exit 130 too
    if gc.isenabled():
        gc.disable()
        _paused_collection = True
    try:
        try:
            from ._main import entry_point as run
        except KeyboardInterrupt:
            sys.exit(_interrupt.stopped())
        run()
    finally:
        resume_collection()


def resume_collection() -> None:
    """Turn garbage collection back on if :func:`entry_point` paused it (else nothing), the objects
    loaded meanwhile frozen: resuming alone would only defer their traversal to the next collection."""
    global _paused_collection
    if _paused_collection:
        _paused_collection = False
        gc.freeze()
        gc.enable()
