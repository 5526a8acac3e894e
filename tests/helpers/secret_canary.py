"""A pytest plugin that fails the session when a secret shows up in any captured output.

Every test report carries what its test printed (stdout, stderr) and logged, captured whether the
test passed or not, and the failure text when it failed. The plugin searches all of it, for every
test of the session, for each secret and for every run of :data:`PIECE` characters of it (a partial
echo), and turns a sighting into a failed session naming the tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

PIECE = 8


def pieces(secret: str, size: int = PIECE) -> Iterator[str]:
    """Every run of ``size`` characters of ``secret``: what a partial echo would show."""
    return (secret[i : i + size] for i in range(len(secret) - size + 1))


class SecretCanary:
    def __init__(self, secrets: list[str]) -> None:
        self.pieces = {piece for secret in secrets for piece in pieces(secret)}
        self.sightings: list[str] = []
        self.reports = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.reports += 1
        texts = [(name, content) for name, content in report.sections]
        if report.longrepr is not None:
            texts.append(("failure", str(report.longrepr)))
        for name, text in texts:
            if any(piece in text for piece in self.pieces):
                self.sightings.append(f"{report.nodeid} ({report.when}, {name})")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        verdict = "none" if not self.sightings else ", ".join(self.sightings)
        terminalreporter.write_line(f"secret canary: {self.reports} reports searched; the test key seen in: {verdict}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.sightings and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
