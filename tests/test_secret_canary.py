"""The secret canary (tests/helpers/secret_canary.py) fails a session whose output shows the key, and only then."""

from __future__ import annotations

import pytest

from .conftest import ROOT

CONFTEST = """
from tests.helpers.secret_canary import SecretCanary

def pytest_configure(config):
    config.pluginmanager.register(SecretCanary(["sk-canary-0123456789abcdef"]), "secret-canary")
"""


#: What a test shows, and whether the canary must see the key in it (a piece of 10 or more of its
#: characters, cut at either end). Each is a test of one session: a session costs a second or two.
SHOWN = {
    "test_printed": ("print('key sk-canary-0123456789abcdef')", True),
    "test_piece_on_stderr": ("import sys; print('partial 0123456789', file=sys.stderr)", True),
    "test_pieces_too_short": ("import logging; logging.getLogger('x').warning('ends cdef and sk-can')", False),
    "test_logged_tail": ("import logging; logging.getLogger('x').warning('…456789abcdef')", True),
    "test_quiet": ("print('nothing secret')", False),
}


@pytest.mark.slow
def test_the_canary_fails_a_passing_session_that_showed_the_key_and_names_each_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(**{name: f"def {name}():\n    {body}\n" for name, (body, _) in SHOWN.items()})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=len(SHOWN))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    summary = [line for line in result.outlines if line.startswith("secret canary: ")]
    assert len(summary) == 1, result.outlines
    assert summary[0].startswith(f"secret canary: {3 * len(SHOWN)} reports searched; the test key seen in: ")
    named = {name for name in SHOWN if f"{name}.py::{name}" in summary[0]}
    assert named == {name for name, (_, seen) in SHOWN.items() if seen}


@pytest.mark.slow
def test_a_session_that_never_showed_the_key_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(**{name: f"def {name}():\n    {body}\n" for name, (body, seen) in SHOWN.items() if not seen})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["secret canary: 6 reports searched; the test key seen in: none"])


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
