"""The fake AIML API the call benchmarks talk to, on a loopback port.

By default it runs in a child process: the fake is a threaded Python server, and inside the
benchmark's own process its threads would compete with the client for the GIL (500 concurrent
connections mean hundreds of server threads), timing the server's scheduling rather than the
client. ``--server thread`` runs it in-process instead, for comparison.

Run as a script, this module is that child: it serves until its stdin closes, so it also stops
when the parent dies.
"""

from __future__ import annotations

import contextlib
import datetime
import selectors
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from common import PYTHON, SCRIPTS

if TYPE_CHECKING:
    from fake_api_server import FakeAIMLAPI

START_TIMEOUT = 20.0  # seconds for the child to report its URL
#: The stand-in answers 429 past 200 /v2/logs requests a minute, as the vendor documents; the
#: benchmarks make thousands, and measure the client's work, not the vendor's rate limit.
UNLIMITED_LOGS = 10**9
STOP_TIMEOUT = 10.0


def canned_documents() -> dict[str, object]:
    """The fake API's canned answers by path, for a static server to serve the same bytes."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    from fake_api_server import CANNED

    return dict(CANNED)


def _import_fake() -> type[FakeAIMLAPI]:
    """``FakeAIMLAPI`` from scripts/, which is not a package: put the folder on sys.path first."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    from fake_api_server import FakeAIMLAPI as Fake

    return Fake


def synthetic_ledger(size: int, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """``size`` entries, newest first, spread evenly over the 30 days before ``now``: model usage
    on a few models, a top-up every 1,000 entries, and the account's opening INIT entry last."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    from fake_api_server import ledger_entry

    now = now or datetime.datetime.now(datetime.UTC)
    step = datetime.timedelta(days=30) / max(size, 1)
    models = ("openai/gpt-5", "anthropic/claude-sonnet", "google/gemini-2.5-pro", "meta/llama-4")
    entries = []
    for index in range(size - 1):
        moment = (now - step * (index + 1)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        if index % 1000 == 999:
            entries.append(ledger_entry(moment, "TOPUP", "PAYMENT", 100.0, None, f"pay-{index}"))
        else:
            entries.append(ledger_entry(moment, "CHARGE", "MODEL_USAGE", 0.0012, models[index % 4], f"inf-{index}"))
    opening = (now - datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return [*entries, ledger_entry(opening, "TOPUP", "INIT", 0.0)]


@contextlib.contextmanager
def fake_server(mode: str = "process", ledger_size: int | None = None) -> Iterator[str]:
    """Start the fake (``mode`` is ``process`` or ``thread``), yield its base URL, stop it. With
    ``ledger_size``, its ledger is :func:`synthetic_ledger` of that size instead of the canned one."""
    if mode == "thread":
        ledger = None if ledger_size is None else synthetic_ledger(ledger_size)
        with _import_fake()(ledger=ledger, logs_rate_limit=UNLIMITED_LOGS) as fake:
            yield fake.url
        return
    child = subprocess.Popen(
        [PYTHON, __file__, *([] if ledger_size is None else [str(ledger_size)])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        url = _read_url(child)
        yield url
    finally:
        if child.stdin is not None:
            child.stdin.close()  # the child's cue to stop
        try:
            child.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=STOP_TIMEOUT)
        if child.stdout is not None:
            child.stdout.close()


def _read_url(child: subprocess.Popen[str]) -> str:
    """The child's first line, its URL; an error if it dies or says nothing in time."""
    assert child.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_TIMEOUT):
            raise RuntimeError(f"the fake server printed no URL within {START_TIMEOUT:.0f} s")
    url = child.stdout.readline().strip()
    if not url.startswith("http://127."):
        raise RuntimeError(f"the fake server did not start (it printed {url!r}, exit code {child.poll()})")
    return url


def _serve_until_stdin_closes() -> None:
    ledger = synthetic_ledger(int(sys.argv[1])) if len(sys.argv) > 1 else None
    with _import_fake()(ledger=ledger, logs_rate_limit=UNLIMITED_LOGS) as fake:
        print(fake.url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    _serve_until_stdin_closes()
