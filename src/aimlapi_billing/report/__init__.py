"""``report --html``: the spend store's figures for one window as one self-contained HTML file.

Needs the ``[report]`` extra (matplotlib draws the charts as inline SVG)::

    import datetime
    from aimlapi_billing.report import write_html
    from aimlapi_billing.store import dashboard, open_for_reading

    with open_for_reading() as store:
        figures = dashboard(store, start, end)
    write_html("spend.html", figures)

The file is written atomically: a reader (or a mail client attaching it) sees the old file or the
whole new one, never a part.
"""

from __future__ import annotations

import atexit
import datetime
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import replacing
from .._exceptions import ConfigurationError

if TYPE_CHECKING:
    from ..store import Dashboard

__all__ = ["REPORT_EXTRA", "ReportExtraMissingError", "render_html", "require_extra", "write_html"]

REPORT_EXTRA = "pip install 'aimlapi-billing[report]'"


class ReportExtraMissingError(ConfigurationError):
    """matplotlib, which draws the charts, is not installed."""


def _writable_or_made(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)


def _matplotlib_config_dir() -> None:
    """Point ``$MPLCONFIGDIR`` at a private temporary directory when matplotlib's own config or cache
    directory cannot be written (a read-only home, a service user): matplotlib would otherwise say so
    on stderr at every run. The user's own ``$MPLCONFIGDIR`` is left alone."""
    if os.environ.get("MPLCONFIGDIR") or "matplotlib" in sys.modules:
        return
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
    if _writable_or_made(config) and _writable_or_made(cache):
        return
    private = tempfile.mkdtemp(prefix="aimlapi-billing-matplotlib-")
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    os.environ["MPLCONFIGDIR"] = private


def require_extra() -> None:
    """ReportExtraMissingError (one line: what to install) when the ``[report]`` extra is missing."""
    _matplotlib_config_dir()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ReportExtraMissingError(f"report --html needs the [report] extra (matplotlib): {REPORT_EXTRA}") from None


def render_html(report: Dashboard, generated: datetime.datetime | None = None) -> str:
    """The page for ``report`` (``generated``: the moment it says it was made; default now)."""
    require_extra()
    from ._page import render

    return render(report, generated or datetime.datetime.now(datetime.UTC))


def write_html(path: str | os.PathLike[str], report: Dashboard, generated: datetime.datetime | None = None) -> int:
    """Render ``report`` and replace ``path`` with it atomically; the bytes written. OSError when the
    file cannot be written (its directory missing or read-only, a full disk): nothing is left behind.
    In the main thread a Ctrl-C while drawing is KeyboardInterrupt once the drawing returns (``path``
    untouched); one during the rename is dropped (the page is in place)."""
    from .._interrupts import held_interrupt

    target = Path(path)
    with held_interrupt() as held:
        data = render_html(report, generated).encode("utf-8")
        held.check()  # a Ctrl-C while drawing: raised now, before the file is replaced
        try:
            with replacing(target) as file:
                file.write(data)
        except OSError as exc:  # the message names the file asked for, never the temporary one
            raise OSError(f"cannot write {target}: {exc.strerror or exc}; nothing was written") from None
    return len(data)
