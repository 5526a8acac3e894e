"""The secret canary (tests/helpers/secret_canary.py) fails a session whose output shows the key, and only then."""

from __future__ import annotations

import pytest

from .conftest import ROOT

CONFTEST = """
from tests.helpers.secret_canary import SecretCanary

def pytest_configure(config):
    config.pluginmanager.register(SecretCanary(["sk-canary-0123456789abcdef"]), "secret-canary")
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("body", "seen"),
    [
        ("print('key sk-canary-0123456789abcdef')", True),
        ("import sys; print('partial 0123456789', file=sys.stderr)", True),
        ("import logging; logging.getLogger('x').warning('ends cdef and sk-can')", False),
        ("import logging; logging.getLogger('x').warning('…456789abcdef')", True),
        ("print('nothing secret')", False),
    ],
)
def test_the_canary_fails_a_passing_session_that_showed_the_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, body: str, seen: bool
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(f"def test_it():\n    {body}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert result.ret == (pytest.ExitCode.TESTS_FAILED if seen else pytest.ExitCode.OK)
    result.stdout.fnmatch_lines(
        ["secret canary: 3 reports searched; the test key seen in: " + ("*test_it*" if seen else "none")]
    )


@pytest.mark.slow
def test_the_canary_fails_a_parallel_session_that_showed_the_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scripts/test.sh runs the suite on pytest-xdist workers: what a worker's test printed reaches
    the canary of the session that decides the exit status."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_quiet="def test_quiet():\n    print('nothing secret')\n",
        test_loud="def test_loud():\n    print('key sk-canary-0123456789abcdef')\n",
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["secret canary: 6 reports searched; the test key seen in: *test_loud.py::test_loud*"])
