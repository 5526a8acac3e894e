"""The dispatcher: every command is listed, and running one loads only its own module."""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fake_api_server import DETAIL, FakeAIMLAPI, Reply

from aimlapi_billing._cli import build_parser, main
from aimlapi_billing._cli._registry import COMMANDS
from tests.helpers.cli import modules_after

from ..conftest import API_KEY


@pytest.mark.parametrize(
    ("argv", "needed", "not_needed"),
    [
        (
            ["check", "-w", "10", "-c", "1"],
            {"aimlapi_billing._cli._commands.check"},
            {
                "aimlapi_billing.lib.forecast",
                "aimlapi_billing.metrics",
                "prometheus_client",
                "csv",
                # A balance check parses one model: not the error models, the generated clients or
                # the ledger's enums (each costs every run of the plugin).
                "aimlapi_billing_client.models.error",
                "aimlapi_billing_client.client",
                "aimlapi_billing_client.models.transaction_type",
            },
        ),
        (
            ["summary"],
            {"aimlapi_billing._cli._commands.billing"},
            {"aimlapi_billing.lib.forecast", "aimlapi_billing.metrics", "aimlapi_billing._cli._commands.check"},
        ),
        (
            ["monitoring", "rules"],
            {"aimlapi_billing._cli._commands.monitoring"},
            {"aimlapi_billing._client", "aimlapi_billing_client"},
        ),
    ],
)
def test_a_command_loads_its_own_module_and_not_the_others(
    fake_api: FakeAIMLAPI, argv: list[str], needed: set[str], not_needed: set[str]
) -> None:
    code, modules = modules_after([*argv, "--base-url", fake_api.url] if argv[0] != "monitoring" else argv)
    assert code == 0
    assert needed <= modules
    assert not (not_needed & modules)
    others = {f"aimlapi_billing._cli._commands.{COMMANDS[name].module}" for name in COMMANDS} - needed
    assert not (others & modules), others & modules


@pytest.mark.parametrize("collecting", [True, False])
def test_the_command_loads_while_collection_waits_and_runs_with_it(
    fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], collecting: bool
) -> None:
    import gc

    from aimlapi_billing._cli import _main, entry_point
    from aimlapi_billing._cli._commands import check

    loading, running = [], []
    module = _main._module
    monkeypatch.setattr(_main, "_module", lambda name: loading.append(gc.isenabled()) or module(name))
    run = check.run
    monkeypatch.setattr(check, "run", lambda *a: running.append(gc.isenabled()) or run(*a))
    monkeypatch.setattr(sys, "argv", ["aimlapi-billing", "check", "-w", "1", "-c", "0", "--base-url", fake_api.url])
    frozen = gc.get_freeze_count()
    sigint = signal.getsignal(signal.SIGINT)  # entry_point handles it, then ignores it once done
    (gc.enable if collecting else gc.disable)()
    try:
        with pytest.raises(SystemExit) as done:
            entry_point()
        assert done.value.code == 0, capsys.readouterr()
        assert capsys.readouterr().out.startswith("BILLING OK")
        # The command's module loads (its first lookup) without collections, the request runs with
        # them; a caller's own choice (collection off) is left alone.
        assert loading[0] is False
        assert running == [collecting]
        assert gc.isenabled() is collecting
        assert (gc.get_freeze_count() > frozen) is collecting  # what loaded is frozen, not traversed later
    finally:
        gc.unfreeze()
        gc.enable()
        signal.signal(signal.SIGINT, sigint)


def test_a_command_builds_only_its_own_parser() -> None:
    # A parser per command listed cost a monitoring check, which never shows the list, ~1 ms.
    parser = build_parser(["check", "-w", "10", "-c", "1"])
    (subcommands,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    assert set(subcommands.choices) == {"check"}
    assert parser.parse_args(["check", "-w", "10", "-c", "1"]).command == "check"


def test_the_top_level_help_lists_every_command_without_loading_any() -> None:
    out = io.StringIO()
    parser = build_parser([])
    help_text = parser.format_help()
    for name, command in COMMANDS.items():
        assert name in help_text
        assert command.help.split(" (")[0][:40] in " ".join(help_text.split())
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["--help"])
    assert exited.value.code == 0
    del out


def test_an_unknown_command_is_a_usage_error_naming_the_choices() -> None:
    err = io.StringIO()
    assert main(["balanse"], out=io.StringIO(), err=err) == 2
    line = err.getvalue()
    assert line.count("\n") == 1
    assert "invalid choice: 'balanse'" in line
    assert "summary" in line
    assert line.endswith("(see aimlapi-billing --help)\n")


def test_no_command_at_all_is_a_usage_error() -> None:
    err = io.StringIO()
    assert main([], out=io.StringIO(), err=err) == 2
    assert "required: COMMAND" in err.getvalue()


@pytest.mark.parametrize("name", [name for name, command in COMMANDS.items() if command.plugin])
def test_a_plugins_bad_option_is_an_unknown_status_line_on_stdout(name: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main([name, "--no-such-option"], out=out, err=err) == 3
    assert err.getvalue() == ""
    assert out.getvalue().startswith(f"{COMMANDS[name].label} UNKNOWN - ")
    assert out.getvalue().count("\n") == 1


_COMMAND = str(Path(sys.executable).parent / "aimlapi-billing")
#: Commands that print a result on stdout, each as a user would run it against the stand-in.
_PRINTING = [
    ["balance"],
    ["summary"],
    ["detail"],
    ["keys"],
    ["keys", "--json"],
    ["usage"],
    ["transactions", "--csv"],
    ["forecast"],
    ["reconcile"],
    ["logs"],
]


@pytest.mark.parametrize(
    "argv", [*_PRINTING, ["check", "-w", "500", "-c", "400"], ["check-keys", "-w", "1", "-c", "2"]], ids=" ".join
)
def test_stdout_that_cannot_be_written_is_one_line_and_exit_2(fake_api: FakeAIMLAPI, argv: list[str]) -> None:
    """`> /dev/full`: no traceback; the README's exit 2 for an unwritable output, and for a monitoring
    plugin 3 (UNKNOWN: its 2 would read as CRITICAL)."""
    env = {**os.environ, "AIMLAPI_API_KEY": API_KEY}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [_COMMAND, *argv, "--base-url", fake_api.url],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        3 if COMMANDS[argv[0]].plugin else 2,
        "aimlapi-billing: error: cannot write to standard output: No space left on device\n",
    )


@pytest.mark.parametrize("argv", [["keys"], ["summary"], ["transactions", "--csv"]], ids=" ".join)
def test_a_closed_stdout_is_one_line_and_exit_2(fake_api: FakeAIMLAPI, argv: list[str]) -> None:
    env = {**os.environ, "AIMLAPI_API_KEY": API_KEY}
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", _COMMAND, *argv, "--base-url", fake_api.url],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (
        2,
        "aimlapi-billing: error: cannot write to standard output: it is closed\n",
    )


@pytest.mark.parametrize("argv", [["keys"], ["transactions", "--csv"]], ids=" ".join)
def test_a_reader_that_went_away_is_still_exit_0(fake_api: FakeAIMLAPI, argv: list[str]) -> None:
    """`| head -c 1`: the reader had what it wanted; a broken pipe is no error of the command's."""
    env = {**os.environ, "AIMLAPI_API_KEY": API_KEY}
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [_COMMAND, *argv, "--base-url", fake_api.url],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (0, "")


class _Unwritable(io.StringIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def flush(self) -> None:
        raise self.error


def test_main_reports_a_failed_flush_of_its_output(fake_api: FakeAIMLAPI) -> None:
    """The output is flushed inside main, so that a failure there is reported, not left to the interpreter."""
    err = io.StringIO()
    code = main(["keys", "--base-url", fake_api.url], out=_Unwritable(OSError(28, "No space left on device")), err=err)
    assert (code, err.getvalue()) == (
        2,
        "aimlapi-billing: error: cannot write to standard output: No space left on device\n",
    )
    err = io.StringIO()
    assert main(["keys", "--base-url", fake_api.url], out=_Unwritable(BrokenPipeError(32, "Broken pipe")), err=err) == 0
    assert err.getvalue() == ""


class _Refusing(io.StringIO):
    """An output whose every write fails with ``error``: nothing can be written to it at all."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


_CRITICAL = ["check", "-w", "500", "-c", "400"]  # the stand-in's balance is 275.78


def test_a_reader_gone_at_the_last_flush_keeps_the_commands_exit_code(fake_api: FakeAIMLAPI) -> None:
    """`check | head`: the check ran, and its CRITICAL is still its exit code, not 0."""
    out = _Unwritable(BrokenPipeError(32, "Broken pipe"))
    err = io.StringIO()
    assert main([*_CRITICAL, "--base-url", fake_api.url], out=out, err=err) == 2
    assert err.getvalue() == ""


def test_a_reconciliation_that_disagrees_keeps_its_exit_code_when_the_reader_is_gone() -> None:
    from aimlapi_billing._cli._commands.reconcile import EXIT_MISMATCH

    with FakeAIMLAPI(discrepancies=("missing_charge",)) as server:
        out = _Unwritable(BrokenPipeError(32, "Broken pipe"))
        code = main(["reconcile", "--period", "30d", "--base-url", server.url], out=out, err=io.StringIO())
    assert code == EXIT_MISMATCH


@pytest.mark.parametrize(
    "output",
    [
        _Refusing(BrokenPipeError(32, "Broken pipe")),
        _Refusing(OSError(28, "No space left on device")),
        _Unwritable(OSError(28, "No space left on device")),
    ],
    ids=["gone before the line", "full before the line", "full at the last flush"],
)
@pytest.mark.parametrize("argv", [_CRITICAL, ["check-keys", "-w", "80", "-c", "90"]], ids=lambda argv: argv[0])
def test_a_plugin_whose_line_cannot_be_written_is_unknown(
    fake_api: FakeAIMLAPI, output: io.StringIO, argv: list[str]
) -> None:
    """Never 0 (OK) nor 2 (CRITICAL) for a line that reached nobody: 3, UNKNOWN."""
    assert main([*argv, "--base-url", fake_api.url], out=output, err=io.StringIO()) == 3


def test_what_the_output_encoding_cannot_hold_is_escaped(fake_api: FakeAIMLAPI) -> None:
    """`PYTHONIOENCODING=ascii`: a server's non-ASCII text is written escaped, not taken for an unwritable output
    (whose UNKNOWN line would say so instead)."""
    fake_api.script("/v2/billing/detail", Reply(200, {**DETAIL, "current_balance": 50, "currency": "€UR"}))
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    err = io.StringIO()
    assert main(["check", "-w", "10", "-c", "5", "--base-url", fake_api.url], out=out, err=err) == 3
    line = b"BILLING UNKNOWN - GET /v2/billing/detail returned 200 but field 'currency' is '\\u20acUR': the SDK"
    assert raw.getvalue().startswith(line)
    assert err.getvalue() == ""


def test_a_closed_stderr_sends_nothing_to_stdout(fake_api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """`2>&-`: sys.stderr is None; the error goes nowhere, never to stdout, and the exit code stays."""
    monkeypatch.setattr(sys, "stderr", None)
    fake_api.script("/v2/billing", Reply(403, {"message": "Forbidden", "statusCode": "403"}))
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["summary", "--base-url", fake_api.url]) == 5
    assert stdout.getvalue() == ""
    assert main(["keys", "create", "--name", "quiet", "--base-url", fake_api.url]) == 0
    (record,) = [record for record in fake_api.keys if record["name"] == "quiet"]
    assert stdout.getvalue() == record["key"] + "\n"  # the key alone on stdout


def test_a_failing_stderr_changes_no_exit_code(fake_api: FakeAIMLAPI) -> None:
    """`2>/dev/full`: the created key is on stdout and the command succeeded."""
    out = io.StringIO()
    err = _Refusing(OSError(28, "No space left on device"))
    assert main(["keys", "create", "--name", "full", "--base-url", fake_api.url], out=out, err=err) == 0
    (record,) = [record for record in fake_api.keys if record["name"] == "full"]
    assert out.getvalue() == record["key"] + "\n"
    fake_api.script("/v2/billing", Reply(403, {"message": "Forbidden", "statusCode": "403"}))
    assert main(["summary", "--base-url", fake_api.url], out=io.StringIO(), err=err) == 5


def test_a_value_the_spec_does_not_list_is_a_prefixed_warning_line() -> None:
    import uuid

    from fake_api.data import ledger_entry

    kind = f"NEW_{uuid.uuid4().hex[:8].upper()}"  # the open enum logs each new value once per process
    with FakeAIMLAPI(ledger=[ledger_entry("2026-11-30T12:00:00.000Z", "CHARGE", kind, 1.0)]) as server:
        out, err = io.StringIO(), io.StringIO()
        code = main(["transactions", "--base-url", server.url], out, err)
    assert code == 0, err.getvalue()
    assert kind in out.getvalue()
    assert err.getvalue() == (
        f"aimlapi-billing: warning: TransactionType: {kind!r} is not a value the specification lists; kept as is\n"
    )
