"""Helpers for the tests of the usage, keys, logs and reconcile commands."""

from __future__ import annotations

import io

from fake_api_server import FakeAIMLAPI

from aimlapi_billing._cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """The command in this process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def rejected(server: FakeAIMLAPI, *argv: str) -> str:
    """The one stderr line of a command line refused before any request (exit 2, nothing on stdout)."""
    code, out, err = run(*argv, "--base-url", server.url)
    assert (code, out) == (2, ""), err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("aimlapi-billing: error: ")
    assert server.requests == []
    return err
