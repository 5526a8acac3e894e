"""aimlapi-billing keys create: the created key is never lost silently (an output that cannot take it, a
reader that leaves, a key that cannot be one, an answer lost or refused), against the stand-in server."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from fake_api.hostile import Connection, json_body
from fake_api.hostile import Request as HostileRequest
from fake_api_server import AfterApplying, FakeAIMLAPI, Reply, Reset

from aimlapi_billing._cli import main
from aimlapi_billing._cli._common import EXIT_KEY_NOT_PRINTED
from tests.aimlapi_billing.conftest import API_KEY, CREATED, CREATED_KEY
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


def _cli(argv: list[str], shell: str = "", **options: Any) -> subprocess.CompletedProcess[str]:
    """The installed command, in a fresh process (its real stdout handling: entry_point); ``shell``:
    redirections for ``sh`` to apply first (``>&-``)."""
    env = {**os.environ, "AIML_API_KEY": API_KEY}
    command = [str(Path(sys.executable).parent / "aimlapi-billing"), *argv]
    if shell:
        command = ["sh", "-c", f'exec "$@" {shell}', "sh", *command]
    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(command, stderr=subprocess.PIPE, text=True, env=env, timeout=60, check=False, **options)


@pytest.mark.parametrize("stdout", ["closed", "/dev/full", "closed pipe", "read-only"])
def test_create_refuses_an_output_that_cannot_take_the_key_before_creating_it(
    fake_api: FakeAIMLAPI, tmp_path: Path, stdout: str
) -> None:
    argv = ["keys", "create", "--name", "lost", "--base-url", fake_api.url]
    if stdout == "closed":
        done = _cli(argv, ">&-")
    elif stdout == "/dev/full":
        with open("/dev/full", "w") as full:
            done = _cli(argv, stdout=full)
    elif stdout == "closed pipe":
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = _cli(argv, stdout=writer)
        finally:
            os.close(writer)
    else:
        path = tmp_path / "out"
        path.write_text("")
        with path.open("r") as read_only:
            done = _cli(argv, stdout=read_only)
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("aimlapi-billing: error: cannot write to standard output: ")
    assert "no key was created" in done.stderr
    assert fake_api.requests_to("/v1/keys") == []
    assert not any(record["name"] == "lost" for record in fake_api.keys)


class _FailingOutput(io.StringIO):
    """A stdout that takes nothing: every write fails as ``error`` does."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


@pytest.mark.parametrize(
    "error", [OSError(errno.ENOSPC, "No space left on device"), BrokenPipeError(errno.EPIPE, "Broken pipe")]
)
def test_a_key_created_but_not_printed_is_exit_7_naming_the_key_to_delete(
    fake_api: FakeAIMLAPI, error: OSError
) -> None:
    """A reader that leaves, a disk that fills between the check and the write: the key exists and
    is lost; a broken pipe is no success here."""
    fake_api.script("POST /v1/keys", Reply(200, CREATED))
    err = io.StringIO()
    code = main(["keys", "create", "--name", "ci", "--base-url", fake_api.url], out=_FailingOutput(error), err=err)
    assert code == EXIT_KEY_NOT_PRINTED == 7
    assert err.getvalue() == (
        f"aimlapi-billing: error: key newkey01 (ci) WAS created but could not be written to stdout "
        f"({error.strerror}): it is lost; delete it (aimlapi-billing keys delete newkey01 --yes) and create another\n"
    )
    assert len(fake_api.requests_to("/v1/keys")) == 1


def test_a_reader_that_leaves_before_the_key_is_printed_is_exit_7() -> None:
    """The real process: its reader closes the pipe after the check passed, while the server is
    creating the key; the write that follows fails with a broken pipe."""
    reader, writer = os.pipe()
    reader_gone = threading.Event()

    def create_once_the_reader_is_gone(connection: Connection, request: HostileRequest) -> None:
        os.close(reader)
        reader_gone.set()
        json_body(CREATED)(connection, request)

    with FakeAIMLAPI() as server:
        server.route("/v1/keys", create_once_the_reader_is_gone)
        env = {**os.environ, "AIML_API_KEY": API_KEY}
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "aimlapi-billing"), "keys", "create", "--base-url", server.url],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        os.close(writer)
        _, err = process.communicate(timeout=60)
    assert reader_gone.is_set()
    assert server.count("/v1/keys") == 1
    assert process.returncode == 7, err
    assert err == (
        "aimlapi-billing: error: key newkey01 (ci) WAS created but could not be written to stdout (Broken pipe): "
        "it is lost; delete it (aimlapi-billing keys delete newkey01 --yes) and create another\n"
    )


_UNPRINTABLE = "not printable ASCII without whitespace (it holds a space, a control character or non-ASCII)"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("newkey01abc\ndef0123456789", _UNPRINTABLE),
        ("newkey01\x1b]0;pwned\x07abcdef", _UNPRINTABLE),
        ("newkey01", "8 characters long, too short for a key"),
    ],
)
def test_a_created_key_that_cannot_be_a_key_is_not_printed(fake_api: FakeAIMLAPI, value: str, problem: str) -> None:
    fake_api.script("POST /v1/keys", Reply(200, {"data": {**CREATED["data"], "key": value}}))
    code, out, err = run("keys", "create", "--name", "ci", "--base-url", fake_api.url)
    assert (code, out) == (6, ""), problem
    assert err == (
        f"aimlapi-billing: error: the API created key newkey01 (ci) but answered a value that cannot be a key "
        f"({problem}), so it is not printed; delete the key: aimlapi-billing keys delete newkey01 --yes\n"
    )


@pytest.mark.parametrize(
    ("value", "prefix", "problem"),
    [
        ("", "newkey01", "empty"),
        ("$(rm -rf ~)0123456789abcdef", "$(rm -rf ~)", "not printable ASCII"),
        ("$(rm${IFS}-rf${IFS}~)0123456789", "$(rm${IFS}-rf${IFS}~)", "not a key that starts with the prefix"),
        ("otherkey0123456789abcdef", "newkey01", "not a key that starts with the prefix"),
        (API_KEY, API_KEY[:8], "the caller's own key"),
    ],
)
def test_a_created_key_whose_prefix_cannot_be_trusted_is_looked_for_by_name(
    fake_api: FakeAIMLAPI, value: str, prefix: str, problem: str
) -> None:
    """A prefix the key does not start with may be another existing key's, or shell text: the advice
    never names it; nor the caller's own key, answered as the new one."""
    fake_api.script("POST /v1/keys", Reply(200, {"data": {**CREATED["data"], "key": value, "prefix": prefix}}))
    code, out, err = run("keys", "create", "--name", "ci", "--base-url", fake_api.url)  # as API_KEY
    assert (code, out) == (6, "")
    assert err.startswith("aimlapi-billing: error: the API created a key (ci) but answered a value that cannot be")
    assert problem in err
    assert err.endswith("so it is not printed; list the keys (aimlapi-billing keys) and look for ci to delete it\n")
    assert "keys delete" not in err
    assert "$(rm" not in err


def test_a_created_key_that_differs_from_the_request_is_not_printed(fake_api: FakeAIMLAPI) -> None:
    data = {**CREATED["data"], "name": "other", "scopes": None}
    del data["limit"]
    fake_api.script("POST /v1/keys", Reply(200, {"data": data}))
    argv = ("keys", "create", "--name", "ci", "--threshold", "5", "--retention", "day", "--scope", "model:chat")
    code, out, err = run(*argv, "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert err == (
        "aimlapi-billing: error: the API created key newkey01 (other) but it differs from the request (name is "
        "'other'; scopes is None; limit.threshold is None; limit.retention is None), so it is not printed; "
        "delete the key: aimlapi-billing keys delete newkey01 --yes\n"
    )


def test_server_text_in_the_creation_line_is_redacted(fake_api: FakeAIMLAPI) -> None:
    """A server that echoes the caller's key, or the new key, in the name: neither reaches stderr."""
    data = {**CREATED["data"], "name": f"echo {API_KEY} {CREATED_KEY}\x1b[2J"}
    fake_api.script("POST /v1/keys", Reply(200, {"data": data}))
    code, out, err = run("keys", "create", "--base-url", fake_api.url)
    assert (code, out) == (0, CREATED_KEY + "\n")
    assert (
        err == "created key newkey01 (echo <redacted> <redacted>\\x1b[2J): its value is on stdout, "
        "shown this once; store it now\n"
    )


def test_a_lost_creation_gives_the_clis_advice_not_pythons(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("POST /v1/keys", AfterApplying(Reset()))
    code, _, err = run("keys", "create", "--name", "lost", "--base-url", fake_api.url)
    assert code == 4
    assert err.endswith("the key may have been created; list the keys (aimlapi-billing keys) and look for 'lost'\n")
    assert "billing." not in err


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({**CREATED["data"], "pad": "x" * 70_000}, "larger than 65,536 bytes"),
        ({**CREATED["data"], "limit": None}, "field 'data.limit' should be an object (or left out), got null"),
        ({**CREATED["data"], "created_at": "not a date"}, "'data.created_at' should be an ISO 8601 date and time"),
    ],
)
def test_every_creation_answer_that_fails_says_the_key_may_have_been_created(
    fake_api: FakeAIMLAPI, data: dict[str, Any], problem: str
) -> None:
    fake_api.script("POST /v1/keys", Reply(200, {"data": data}))
    code, out, err = run("keys", "create", "--name", "ci", "--base-url", fake_api.url)
    assert (code, out) == (6, "")
    assert problem in err
    assert err.endswith("the key may have been created; list the keys (aimlapi-billing keys) and look for 'ci'\n")
    assert len(err.splitlines()) == 1
    assert len(fake_api.requests_to("/v1/keys")) == 1


@pytest.mark.parametrize(("status", "may_exist"), [(400, False), (403, False), (500, True), (503, True)])
def test_a_creation_refused_says_the_key_may_exist_only_after_a_5xx(
    fake_api: FakeAIMLAPI, status: int, may_exist: bool
) -> None:
    fake_api.script("POST /v1/keys", Reply(status, {"message": "bad name"}))
    code, out, err = run("keys", "create", "--name", "ci", "--base-url", fake_api.url)
    assert (code, out) == (5, "")
    assert "bad name" in err
    assert ("the key may have been created; list the keys (aimlapi-billing keys) and look for 'ci'" in err) is may_exist
    assert len(fake_api.requests_to("/v1/keys")) == 1
