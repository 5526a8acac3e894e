"""``report --by team`` in every format: each key in one team, unmapped ones kept, the teams adding up
to the total exactly; the teams file from --teams or $AIMLAPI_BILLING_TEAMS, refused in one line."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from fake_api.seeded_store import SeededKey, seed

from aimlapi_billing._cli import main

END = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
WINDOW = ["--start", "2026-11-01", "--end", "2026-12-01"]
KEYS = [
    SeededKey("a1b2c3d4", "main"),
    SeededKey("a1b2ffff", "main-2"),
    SeededKey("b747e891", "chatbot-prod"),
    SeededKey("c0ffee42", "batch"),
    SeededKey("d15ab1ed", None),
]
TEAMS = """
[[rule]]
team = "search"
cost_centre = "CC-1"
prefix = "a1b2c3"

[[rule]]
team = "core"
glob = "a1b2*"

[[rule]]
team = "bots"
name = "chatbot-prod"
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("AIMLAPI_BILLING_TEAMS", raising=False)
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    # A sync that covers WINDOW: a report of it is whole (no note on stderr).
    seed(
        url,
        KEYS,
        ["gpt-5", "claude"],
        end=END,
        days=20,
        per_day=30,
        synced=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    return url


@pytest.fixture
def teams(tmp_path: Path) -> Path:
    path = tmp_path / "teams.toml"
    path.write_text(TEAMS)
    return path


def _json(db: str, *argv: str) -> dict[str, object]:
    code, out, err = run("report", "--db", db, *WINDOW, *argv, "--json")
    assert (code, err) == (0, ""), err
    data: dict[str, object] = json.loads(out)
    return data


def test_team_totals_add_up_to_the_total_and_unmapped_keys_are_kept(db: str, teams: Path) -> None:
    by_key = _json(db, "--by", "key")
    by_team = _json(db, "--by", "team", "--teams", str(teams))
    assert by_team["total_usd"] == by_key["total_usd"]
    rows = by_team["rows"]
    assert isinstance(rows, list)
    assert [row["team"] for row in rows] == ["(unmapped)", "bots", "core", "search"]
    assert sum(Decimal(row["spend_usd"]) for row in rows) == Decimal(str(by_key["total_usd"]))
    keyed = {row["key_prefix"]: Decimal(row["spend_usd"]) for row in by_key["rows"]}  # type: ignore[attr-defined]
    spent = {row["team"]: Decimal(row["spend_usd"]) for row in rows}
    assert spent["search"] == keyed["a1b2c3d4"]  # the first rule wins over the glob after it
    assert spent["core"] == keyed["a1b2ffff"]
    assert spent["(unmapped)"] == keyed["c0ffee42"] + keyed["d15ab1ed"]
    assert list(rows[0]) == ["team", "spend_usd", "requests"]


def test_team_with_key_model_and_day_keeps_every_grouping(db: str, teams: Path) -> None:
    data = _json(db, "--by", "team,key,model,day", "--teams", str(teams))
    rows = data["rows"]
    assert isinstance(rows, list)
    assert list(rows[0]) == ["team", "key_prefix", "model", "day", "spend_usd", "requests"]  # --json's order
    fine = _json(db, "--by", "key,model,day")
    assert len(rows) == len(fine["rows"])  # type: ignore[arg-type]
    assert data["total_usd"] == fine["total_usd"]


def test_csv_and_table_by_team(db: str, teams: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_TEAMS", f"  {teams}  ")  # the environment's stray whitespace dropped
    code, out, err = run("report", "--db", db, *WINDOW, "--by", "team,day", "--csv")
    assert (code, err) == (0, ""), err
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == ["day", "team", "spend_usd", "requests"]
    assert {row[1] for row in table[1:]} == {"(unmapped)", "bots", "core", "search"}
    total = _json(db, "--by", "key")["total_usd"]
    assert sum(Decimal(row[2]) for row in table[1:]) == Decimal(str(total))
    code, out, err = run("report", "--db", db, *WINDOW, "--by", "team")
    assert (code, err) == (0, ""), err
    lines = out.splitlines()
    assert lines[1].split() == ["team", "USD", "requests"]
    assert lines[-1].split()[:2] == ["total", str(total)]


def test_the_option_wins_over_the_environment(
    db: str, teams: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.toml"
    other.write_text("[[rule]]\nteam = 'everyone'\nglob = '*'\n")
    monkeypatch.setenv("AIMLAPI_BILLING_TEAMS", str(other))
    assert [row["team"] for row in _json(db, "--by", "team")["rows"]] == ["everyone"]  # type: ignore[attr-defined]
    teams_of = [row["team"] for row in _json(db, "--by", "team", "--teams", str(teams))["rows"]]  # type: ignore[attr-defined]
    assert teams_of == ["(unmapped)", "bots", "core", "search"]


@pytest.mark.parametrize(
    ("text", "where"),
    [("[[rule]]\nteam = 'x'\n", "rule[0]: give exactly one"), ("[[rule]]\nteam = 'x'\nglob = 7\n", "rule[0].glob:")],
)
def test_a_malformed_teams_file_is_one_line_and_exit_2(db: str, tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    for output in ("--json", "--csv", "--html"):
        argv = [output, str(tmp_path / "out.html")] if output == "--html" else [output]
        code, out, err = run("report", "--db", db, *WINDOW, "--by", "team", "--teams", str(path), *argv)
        assert (code, out) == (2, "")
        assert err == f"aimlapi-billing: error: {path}: {where}" + err.split(where, 1)[1]
        assert len(err.splitlines()) == 1
    assert not (tmp_path / "out.html").exists()


def test_by_team_without_a_teams_file_is_a_usage_error(db: str) -> None:
    code, out, err = run("report", "--db", db, *WINDOW, "--by", "team", "--json")
    assert (code, out) == (2, "")
    assert err == (
        "aimlapi-billing: error: --by team needs a teams file: give --teams FILE or set $AIMLAPI_BILLING_TEAMS\n"
    )


@pytest.mark.parametrize(
    ("teams", "message"),
    [
        ("  ", "--teams: an empty path (give the teams file, or leave --teams out)"),
        (".", ".: not a regular file: not a teams file"),
        ("missing.toml", "missing.toml: cannot read the teams file: No such file or directory"),
        ("FIFO", "FIFO: not a regular file: not a teams file"),  # opened, it would wait for a writer forever
    ],
)
def test_a_teams_path_that_is_no_file_is_one_line_and_exit_2(
    db: str, teams: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if teams == "FIFO":
        monkeypatch.chdir(tmp_path)
        os.mkfifo("FIFO")
    code, out, err = run("report", "--db", db, *WINDOW, "--by", "team", "--teams", teams, "--json")
    assert (code, out, err) == (2, "", f"aimlapi-billing: error: {message}\n")
