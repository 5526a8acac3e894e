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


def loads_only_its_own_module(server: FakeAIMLAPI, argv: list[str], not_needed: set[str]) -> None:
    """Running ``argv`` in a fresh interpreter imports its command's module, none of the other
    commands' modules, and none of ``not_needed``."""
    from aimlapi_billing._cli._registry import COMMANDS

    from .test_main import _modules_after

    code, modules = _modules_after([*argv, "--base-url", server.url])
    own = f"aimlapi_billing._cli._commands.{COMMANDS[argv[0]].module}"
    others = {f"aimlapi_billing._cli._commands.{command.module}" for command in COMMANDS.values()} - {own}
    assert code in (0, 10)
    assert own in modules
    assert not (others & modules), others & modules
    assert not (not_needed & modules), not_needed & modules
