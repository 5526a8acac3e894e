"""The store's address as the commands see it: never echoed with a secret (a URL password, or any query
value), and wrong as written (a password option, stray whitespace) a usage error, exit 2, whether it came
from ``--db`` or ``$AIMLAPI_BILLING_DB``; nothing made on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing.store import StoreAddressError, redact, resolve
from tests.helpers.cli import run

SECRET = "S3CRETPW"
SECRET_URLS = [
    f"postgresql://bob@127.0.0.1:1/db?password={SECRET}",
    f"postgresql://bob@127.0.0.1:1/db?sslmode=require&sslpassword={SECRET}",
    f"postgresql://bob@127.0.0.1:1/db?passfile=/home/bob/{SECRET}",
    f"postgresql://bob@127.0.0.1:1/db?PASSWORD={SECRET}",
    f"postgresql://bob@127.0.0.1:1/db?pass%77ord={SECRET}",
    f"postgresql://bob:{SECRET}@127.0.0.1:1/db",
    # libpq keyword strings: as a plain path they became a local file named after the password.
    f"host=db.internal port=5432 user=billing password={SECRET} dbname=spend",
    f"host = 127.0.0.1 dbname = {SECRET}",
    f"Password={SECRET}",
    # A database name libpq reads as keywords (its errors echoed the decoded name, password and all).
    f"postgresql://u@127.0.0.1:1/host%3D127.0.0.1%20password%3D{SECRET}%20dbname%3Dspend",
    f"postgresql://u@127.0.0.1:1/spend%20{SECRET}",
]


@pytest.mark.parametrize("url", SECRET_URLS)
def test_a_secret_in_the_url_is_refused_and_never_shown(url: str) -> None:
    with pytest.raises(StoreAddressError) as caught:
        resolve(url)
    assert SECRET not in str(caught.value)


def test_redact_masks_every_query_value_whatever_its_name() -> None:
    text = f"cannot reach postgresql://bob@h:5/db?sslmode=require&token={SECRET}&flag (and more)"
    assert redact(text) == "cannot reach postgresql://bob@h:5/db?sslmode=***&token=***&flag (and more)"


def test_redact_masks_a_pass_keyword_that_libpq_echoes() -> None:
    text = f"connection failed: host=127.0.0.1 password={SECRET} dbname=spend; passfile='/x/{SECRET} y'"
    assert redact(text) == "connection failed: host=127.0.0.1 password=*** dbname=spend; passfile=***"


@pytest.mark.parametrize("path", ["/srv/a=b/spend.db", "/srv/my spend.db", "/srv/x=1.db"])
def test_a_path_with_one_equals_sign_or_a_space_is_still_a_path(path: str) -> None:
    assert resolve(path).path == Path(path)


@pytest.mark.parametrize("via", ["--db", "env"])
def test_a_keyword_string_makes_no_file(
    api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, via: str
) -> None:
    monkeypatch.chdir(tmp_path)
    address = f"host=db.internal port=5432 user=billing password={SECRET} dbname=spend"
    if via == "env":
        monkeypatch.setenv("AIMLAPI_BILLING_DB", address)
        code, out, err = run("sync")
    else:
        code, out, err = run("sync", "--db", address)
    assert (code, out) == (2, ""), err
    assert "keyword string" in err
    assert SECRET not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", SECRET_URLS)
@pytest.mark.parametrize(
    "command",
    [
        ["sync"],
        ["report", "--period", "1d"],
        ["check-keys", "-w", "80", "-c", "95"],
        ["metrics", "--keys"],
        ["export", "focus", "--month", "2026-11"],
    ],
)
@pytest.mark.parametrize("via", ["--db", "env"])
def test_every_command_exits_2_without_the_secret(
    api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, url: str, command: list[str], via: str
) -> None:
    if via == "env":
        monkeypatch.setenv("AIMLAPI_BILLING_DB", url)
        argv = command if command[0] != "metrics" else [*command, "--db", url]  # metrics reads a store with --db only
    else:
        argv = [*command, "--db", url]
    if command[0] == "check-keys" and via == "env":
        argv = [*command, "--db", url]  # check-keys reads the store only when --db is given
    code, out, err = run(*argv)
    assert SECRET not in out + err
    if command[0] == "check-keys":  # a monitoring plugin: UNKNOWN (3), one line on stdout
        assert code == 3
        assert out.startswith("KEYS UNKNOWN - ")
        assert out.count("\n") == 1
    else:
        assert code == 2, err
        assert err.count("\n") == 1


@pytest.mark.parametrize("padding", [" {}", "{} ", "\t{}", "{}\n"])
@pytest.mark.parametrize("via", ["--db", "env"])
def test_stray_whitespace_is_refused_and_nothing_is_made(
    api: FakeAIMLAPI, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, padding: str, via: str
) -> None:
    monkeypatch.chdir(tmp_path)
    address = padding.format(str(tmp_path / "spend.db"))
    if via == "env":
        monkeypatch.setenv("AIMLAPI_BILLING_DB", address)
        code, out, err = run("sync")
    else:
        code, out, err = run("sync", "--db", address)
    assert (code, out) == (2, ""), err
    assert "whitespace" in err
    assert list(tmp_path.iterdir()) == []
