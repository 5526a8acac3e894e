"""Fixtures of ``report --html``'s tests: seeded stores (a three-month account whose key names and
models are hostile text, a teams file for it) and one headless Chromium per test session."""

from __future__ import annotations

import concurrent.futures
import datetime
import io
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fake_api.seeded_store import SeededKey, seed

from aimlapi_billing._cli import main

T = TypeVar("T")
#: Fixed in time, so that a window's figures are the same in every run.
END = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
WINDOW = ["--start", "2026-09-01T00:00:00Z", "--end", "2026-12-01T00:00:00Z"]
HOSTILE_NAMES = [
    "<script>alert('name')</script>",
    "a&b \"quoted\" 'single'",
    "$x^2$ and \\n",
    "</td></tr></table><img src=http://127.0.0.1:9/x.png>",
]
KEYS = [
    SeededKey("a1b2c3d4", HOSTILE_NAMES[0], Decimal(50)),
    SeededKey("b747e891", HOSTILE_NAMES[1], Decimal("12.5")),
    SeededKey("<i>ital", HOSTILE_NAMES[2]),
    SeededKey("c0ffee42", HOSTILE_NAMES[3], Decimal(1000)),
    *(SeededKey(f"k{n:07d}", f"service-{n}") for n in range(4, 12)),
]
#: The hostile one first, and used most (every third request), so that it is among the charts' top models.
MODELS = ["<svg onload=alert(1)>", *(f"vendor/model-{n}" for n in range(1, 15))]
TEAMS_TOML = """
[[rule]]
team = "<b>search</b>"
cost_centre = "CC-1"
prefix = "a1b2"

[[rule]]
team = "platform"
glob = "service-[0-4]"

[[rule]]
team = "platform-wide"
glob = "k*"
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def report_json(db: str, *argv: str) -> dict[str, Any]:
    code, out, err = run("report", "--db", db, *WINDOW, *argv, "--json")
    assert (code, err) == (0, ""), err
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.fixture(scope="session")
def three_months(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store of three months: 12 keys (four with hostile names), 15 models, 40 requests a day."""
    path = tmp_path_factory.mktemp("three-months") / "spend.db"
    url = f"sqlite:///{path}"
    seed(
        url,
        KEYS,
        MODELS,
        end=END,
        days=91,
        synced=datetime.datetime(2026, 12, 1, 0, 5, tzinfo=datetime.UTC),  # a sync after the window: complete
        per_day=40,
        key_of=lambda index: (index * 7 + index // 13) % len(KEYS),
        model_of=lambda index: 0 if index % 3 == 0 else 1 + index // 3 % (len(MODELS) - 1),
    )
    return url


@pytest.fixture(scope="session")
def teams_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("teams") / "teams.toml"
    path.write_text(TEAMS_TOML)
    return path


@dataclass
class Loaded:
    """What ``visit`` gave back from a page, and what the page logged and requested meanwhile."""

    result: Any = None
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class Browser:
    """Debian's chromium, headless, driven by Playwright's sync API in a thread of its own.

    Playwright's sync API keeps an asyncio loop marked as running in the thread that started it for
    as long as it runs: in the test thread, every later asyncio test of the worker would fail
    ("cannot be called from a running event loop"). So one thread owns Playwright and the browser,
    and each page is opened, read and closed there (:meth:`load`).
    """

    def __init__(self) -> None:
        self._thread = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Any = None
        self._browser: Any = None
        self._call(self._start)

    def _call(self, function: Callable[..., T], *args: Any) -> T:
        return self._thread.submit(function, *args).result(timeout=180)

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        executable = shutil.which("chromium")
        assert executable is not None, "chromium is not installed: scripts/test.sh installs Debian's package"
        self._playwright = sync_playwright().start()
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        self._browser = self._playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])

    def _stop(self) -> None:
        try:
            self._browser.close()
        finally:
            self._playwright.stop()

    def close(self) -> None:
        try:
            self._call(self._stop)
        finally:
            self._thread.shutdown(wait=True)

    def load(self, path: Path, visit: Callable[[Any], Any]) -> Loaded:
        """Open ``path`` in a fresh context, ``visit(page)`` once it has loaded, then close it."""
        return self._call(self._load, path, visit)

    def _load(self, path: Path, visit: Callable[[Any], Any]) -> Loaded:
        context = self._browser.new_context(viewport={"width": 1000, "height": 800})
        try:
            page = context.new_page()
            loaded = Loaded()
            page.on("console", lambda message: loaded.console.append((message.type, message.text)))
            page.on("pageerror", lambda error: loaded.errors.append(str(error)))
            page.on("request", lambda request: loaded.requests.append(request.url))
            page.on("dialog", lambda dialog: (loaded.dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(path.resolve().as_uri(), wait_until="load")
            loaded.result = visit(page)
            return loaded
        finally:
            context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test session (each xdist worker its own)."""
    opened = Browser()
    try:
        yield opened
    finally:
        opened.close()
