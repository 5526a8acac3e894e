"""The suite's own set-up (tests/conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.helpers.signals import sigint_left_as_found

from .conftest import ROOT

# A test that interrupts its child with SIGINT: check-keys, stopped mid fan-out (a child that
# inherited SIGINT ignored runs on, and the test fails at its 20 s bound). A second or two, where a
# regenerate interrupted after its last rename (two generations) took half a minute.
INTERRUPTING = "tests/aimlapi_billing/test_fanout.py::test_sigint_mid_fan_out_is_one_line_exit_130_and_no_status_line"


@pytest.mark.slow
def test_a_suite_started_in_the_background_of_a_script_still_interrupts_its_children(
    tmp_path: os.PathLike[str],
) -> None:
    """`./scripts/test.sh &` in a script: bash starts the suite with SIGINT ignored, which its
    children would inherit (they would then run to their end instead of being interrupted). As
    test.sh runs it: on an xdist worker, itself a child of the session."""
    ignored = f'"{sys.executable}" -c "import signal, sys; sys.exit(signal.getsignal(signal.SIGINT) != signal.SIG_IGN)"'
    nested = f'"{sys.executable}" -m pytest -p no:cacheprovider -q -n 1 --basetemp "{tmp_path}/nested" "{INTERRUPTING}"'
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST_", "COV_"))}
    result = subprocess.run(
        ["bash", "-c", f"{ignored} &\nwait $! || exit 99\n{nested} &\nwait $!"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_a_test_that_leaves_sigint_changed_fails_named_and_the_handler_is_put_back() -> None:
    # Seen: the CLI's entry_point, run in-process, left SIGINT ignored; on that xdist worker (-n 4)
    # four later tests that interrupt a regenerate with SIGINT then saw it run to the end (exit 0).
    found = signal.getsignal(signal.SIGINT)
    leaving = sigint_left_as_found()
    next(leaving)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with pytest.raises(pytest.fail.Exception, match=r"left SIGINT handled by .*SIG_IGN"):
        next(leaving)
    assert signal.getsignal(signal.SIGINT) == found
    unchanged = sigint_left_as_found()
    next(unchanged)
    with pytest.raises(StopIteration):  # a test that left it as found passes
        next(unchanged)
