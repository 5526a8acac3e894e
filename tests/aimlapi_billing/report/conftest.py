"""Fixtures of ``report --html``'s tests: seeded stores (a three-month account whose key names and
models are hostile text, a teams file for it) and one headless Chromium per test session."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fake_api.seeded_store import SeededKey, seed

from aimlapi_billing._cli import main

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
    """A page opened in the browser: what it logged, and every request it made."""

    page: Any
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, one per test session (scripts/_chromium.sh installs it)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable is not None, "chromium is not installed: scripts/test.sh installs Debian's package"
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def load(browser: Any) -> Iterator[Any]:
    """``load(path)``: the page at ``path`` opened in a fresh context, its console, errors and requests."""
    contexts: list[Any] = []

    def opened(path: Path) -> Loaded:
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        contexts.append(context)
        page = context.new_page()
        loaded = Loaded(page)
        page.on("console", lambda message: loaded.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: loaded.errors.append(str(error)))
        page.on("request", lambda request: loaded.requests.append(request.url))
        page.on("dialog", lambda dialog: (loaded.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.resolve().as_uri(), wait_until="load")
        return loaded

    yield opened
    for context in contexts:
        context.close()
