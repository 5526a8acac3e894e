"""``export focus --teams``: the Tags column of each key's rows names its team (and cost centre),
and a key no rule maps as unmapped; against a real SQLite store seeded on disk."""

from __future__ import annotations

import csv
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fake_api.seeded_store import SeededKey, seed

from tests.helpers.cli import run

END = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
TEAMS_TOML = (
    '[[rule]]\nteam = "search"\ncost_centre = "CC-1"\nprefix = "a1b2"\n\n[[rule]]\nteam = "ops"\nname = "batch"\n'
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("AIMLAPI_BILLING_DB", raising=False)
    monkeypatch.delenv("AIMLAPI_BILLING_TEAMS", raising=False)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    keys = [
        SeededKey("a1b2c3d4", "search-prod", Decimal(50)),
        SeededKey("b747e891", "batch"),
        SeededKey("c0ffee42", "x"),
    ]
    seed(url, keys, ["gpt-4o"], end=END, days=5, per_day=6)
    return url


@pytest.fixture
def teams(tmp_path: Path) -> Path:
    path = tmp_path / "teams.toml"
    path.write_text(TEAMS_TOML)
    return path


def _tags_by_key(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["SubAccountId"]]
    assert rows
    tags: dict[str, dict[str, str]] = {}
    for row in rows:
        tags.setdefault(row["SubAccountId"], json.loads(row["Tags"]))
        assert json.loads(row["Tags"]) == tags[row["SubAccountId"]]  # every row of a key alike
    return tags


def _export(store: str, out: Path, *argv: str) -> dict[str, dict[str, str]]:
    code, _, err = run("export", "focus", "--db", store, "--month", "2026-11", "-o", str(out), *argv)
    assert code == 0, err
    return _tags_by_key(out)


def test_teams_tag_each_key_and_say_unmapped(store: str, teams: Path, tmp_path: Path) -> None:
    tags = _export(store, tmp_path / "focus.csv", "--teams", str(teams))
    assert tags == {
        "a1b2c3d4": {
            "aimlapi/key_prefix": "a1b2c3d4",
            "aimlapi/key_name": "search-prod",
            "team": "search",
            "cost_centre": "CC-1",
        },
        "b747e891": {"aimlapi/key_prefix": "b747e891", "aimlapi/key_name": "batch", "team": "ops"},
        "c0ffee42": {"aimlapi/key_prefix": "c0ffee42", "aimlapi/key_name": "x", "team": "(unmapped)"},
    }


def test_the_environment_names_the_teams_file(
    store: str, teams: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "team" not in _export(store, tmp_path / "plain.csv")["a1b2c3d4"]
    monkeypatch.setenv("AIMLAPI_BILLING_TEAMS", f" {teams} ")
    assert _export(store, tmp_path / "env.csv")["a1b2c3d4"]["team"] == "search"


@pytest.mark.parametrize("text", ["[[rule]]\nteam = 'x'\n", "not toml ["])
def test_a_bad_teams_file_is_one_line_exit_2_and_nothing_written(store: str, tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    out = tmp_path / "focus.csv"
    code, _, err = run("export", "focus", "--db", store, "--month", "2026-11", "-o", str(out), "--teams", str(bad))
    assert code == 2
    assert err.count("\n") == 1
    assert str(bad) in err
    assert not out.exists()
