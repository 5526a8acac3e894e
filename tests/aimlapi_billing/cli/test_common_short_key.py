"""An API key shorter than the redaction's shortest echo (8 characters) is refused at start, one line,
exit 3 (UNKNOWN for a plugin), before any request: redacting a key like ``x`` cut it out of every word
that held it (``data[0].prefi<redacted>``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_api_server import FakeAIMLAPI

from tests.helpers.cli import run


@pytest.mark.parametrize("key", ["x", "k", "sk-1234"])
def test_a_key_too_short_to_redact_is_refused_before_any_request(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv("AIML_API_KEY", key)
    with FakeAIMLAPI() as server:
        code, out, err = run("usage", "--all-keys", "--base-url", server.url)
        plugin = run("check-keys", "-w", "80", "--base-url", server.url)
        assert server.requests == []
    assert (code, out) == (3, "")
    length = "1 character long" if len(key) == 1 else f"{len(key)} characters long"  # before: "1 characters long"
    assert err == (
        f"aimlapi-billing: error: The API key is {length}, shorter than 8: no AIML API key is "
        "(they are 32), and so short a secret cannot be kept out of the output. The key is not shown.\n"
    )
    assert plugin[0] == 3
    assert plugin[1].startswith(f"KEYS UNKNOWN - The API key is {length}, shorter than 8")


def test_a_short_key_from_a_file_is_refused_and_eight_characters_are_enough(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AIML_API_KEY", raising=False)
    monkeypatch.delenv("AIMLAPI_API_KEY", raising=False)
    short, enough = tmp_path / "short", tmp_path / "enough"
    short.write_text("abc\n")
    enough.write_text("abcdefgh\n")
    with FakeAIMLAPI() as server:
        assert run("balance", "--api-key-file", str(short), "--base-url", server.url)[0] == 3
        code, _, err = run("balance", "--api-key-file", str(enough), "--base-url", server.url)
    assert (code, err) == (0, "")  # the stand-in takes any bearer key
