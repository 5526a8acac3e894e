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
]


@pytest.mark.parametrize("url", SECRET_URLS)
def test_a_secret_in_the_url_is_refused_and_never_shown(url: str) -> None:
    with pytest.raises(StoreAddressError) as caught:
        resolve(url)
    assert SECRET not in str(caught.value)


def test_redact_masks_every_query_value_whatever_its_name() -> None:
    text = f"cannot reach postgresql://bob@h:5/db?sslmode=require&token={SECRET}&flag (and more)"
    assert redact(text) == "cannot reach postgresql://bob@h:5/db?sslmode=***&token=***&flag (and more)"


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
