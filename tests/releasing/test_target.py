from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from releasing import publish
from releasing.target import Target, TargetError, derive_index_url, resolve_target


def test_twine_variables_come_first() -> None:
    target = resolve_target(
        {
            "TWINE_REPOSITORY_URL": "https://pkgs.example.com/legacy/",
            "TWINE_USERNAME": "u",
            "TWINE_PASSWORD": "pw-SECRET",
        }
    )
    assert (target.upload_url, target.index_url, target.username, target.password) == (
        "https://pkgs.example.com/legacy/",
        "https://pkgs.example.com/simple/",
        "u",
        "pw-SECRET",
    )
    assert "pw-SECRET" not in repr(target)


def test_uv_variables_with_a_token_and_a_check_url() -> None:
    target = resolve_target(
        {
            "UV_PUBLISH_URL": "https://up.example.com/",
            "UV_PUBLISH_TOKEN": "tok",
            "UV_PUBLISH_CHECK_URL": "https://ix/simple",
        }
    )
    assert (target.username, target.password, target.index_url) == ("__token__", "tok", "https://ix/simple/")


def test_a_pypirc_section(tmp_path: Path) -> None:
    pypirc = tmp_path / ".pypirc"
    pypirc.write_text("[private]\nrepository = http://127.0.0.1:8080/\nusername = me\npassword = secret\n")
    target = resolve_target({}, "private", pypirc)
    assert (target.upload_url, target.index_url, target.username, target.password) == (
        "http://127.0.0.1:8080/",
        "http://127.0.0.1:8080/simple/",
        "me",
        "secret",
    )
    assert target.source == "~/.pypirc [private]"
    with pytest.raises(TargetError, match=r"no \[other\] section"):
        resolve_target({}, "other", pypirc)


def test_credentials_inside_the_url_are_refused() -> None:
    with pytest.raises(TargetError, match="must not contain credentials"):
        resolve_target({"TWINE_REPOSITORY_URL": "https://u:p@pkgs.example.com/"})


def test_nothing_configured_says_what_to_set() -> None:
    with pytest.raises(TargetError, match="TWINE_REPOSITORY_URL"):
        resolve_target({})


@pytest.mark.parametrize(
    ("upload", "index"),
    [
        ("http://h:8080/", "http://h:8080/simple/"),
        ("https://h/legacy/", "https://h/simple/"),
        ("https://h/r", "https://h/r/simple/"),
    ],
)
def test_derive_index_url(upload: str, index: str) -> None:
    assert derive_index_url(upload) == index


def test_describe_masks_the_password() -> None:
    target = Target("https://h/", "https://h/simple/", "me", "s3cret-value", "test")
    assert "s3cret-value" not in target.describe()
    assert "****" in target.describe()
    assert target.redact("token s3cret-value here") == "token **** here"


def test_upload_passes_credentials_in_the_environment_not_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen["command"], seen["env"] = command, kwargs["env"]
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(publish, "_run", fake_run)
    monkeypatch.setenv("UV_PUBLISH_TOKEN", "stale-token-from-the-shell")
    wheel = tmp_path / "aimlapi_billing-1.0.0-py3-none-any.whl"
    target = Target("https://h/", "https://h/simple/", "me", "s3cret-value", "test")
    publish.upload(target, publish.Artifacts("1.0.0", (wheel,)))
    assert "s3cret-value" not in " ".join(seen["command"])
    assert seen["env"]["TWINE_PASSWORD"] == "s3cret-value"
    assert seen["env"]["TWINE_REPOSITORY_URL"] == "https://h/"
    assert "UV_PUBLISH_TOKEN" not in seen["env"]
