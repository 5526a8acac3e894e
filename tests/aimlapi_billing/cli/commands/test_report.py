"""``report``'s guards, against a real SQLite store seeded on disk: --html never replaces what the
command reads, and a bad teams file in the environment only matters where teams are used."""

from __future__ import annotations

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
WINDOW = ["--start", "2026-11-01T00:00:00Z", "--end", "2026-12-01T00:00:00Z"]
#: The store's sync began at END, before WINDOW ends: every output of the window says it is partial.
PARTIAL = "aimlapi-billing: note: the last sync began 2026-11-30T12:00:00Z: spend after it is not in this report\n"
TEAMS_TOML = '[[rule]]\nteam = "search"\ncost_centre = "CC-1"\nprefix = "a1b2"\n'


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "spend.db"
    keys = [SeededKey("a1b2c3d4", "search-prod", Decimal(50)), SeededKey("b747e891", "=cmd|' /C calc'!A0")]
    seed(f"sqlite:///{path}", keys, ['=HYPERLINK("http://x")', "gpt-4o"], end=END, days=10, per_day=6)
    return path


@pytest.fixture
def teams(tmp_path: Path) -> Path:
    path = tmp_path / "teams.toml"
    path.write_text(TEAMS_TOML)
    return path


def _protected(store: Path, teams: Path) -> list[tuple[Path, str]]:
    """Each file report reads, named as the user might name it for --html."""
    link = store.parent / "link-to-store.html"
    link.symlink_to(store)
    hard = store.parent / "hard-link.html"
    os.link(store, hard)
    return [
        (store, "the store"),
        (Path(f"{store}-wal"), "the store's WAL"),
        (Path(f"{store}-shm"), "the store's index"),
        (Path(f"{store}.lock"), "the sync lock"),
        (store.parent / "." / store.name, "the store, spelled otherwise"),
        (link, "a symlink to the store"),
        (hard, "a hard link of the store"),
        (teams, "the teams file"),
    ]


def test_html_never_replaces_the_store_or_the_teams_file(store: Path, teams: Path) -> None:
    pytest.importorskip("matplotlib")
    before = store.read_bytes(), teams.read_bytes()
    for target, what in _protected(store, teams):
        code, _, err = run("report", "--db", str(store), *WINDOW, "--teams", str(teams), "--html", str(target))
        assert code == 2, what
        assert err.count("\n") == 1, (what, err)
        assert "which this command reads: not replaced" in err, (what, err)
        assert (store.read_bytes(), teams.read_bytes()) == before, what
    # The guard is no blanket refusal: a file of its own is written.
    code, _, err = run("report", "--db", str(store), *WINDOW, "--html", str(store.parent / "page.html"))
    assert code == 0, err
    assert (store.parent / "page.html").read_bytes().startswith(b"<!DOCTYPE html>")


def _page(store: Path, *argv: str) -> tuple[int, str, str]:
    page = store.parent / "page.html"
    code, _, err = run("report", "--db", str(store), *WINDOW, "--html", str(page), *argv)
    return code, page.read_text() if page.exists() else "", err


def test_a_window_past_the_last_sync_is_not_called_healthy(store: Path) -> None:
    """The seeded sync began at END (2026-11-30T12Z), before the window's end: the page says so."""
    pytest.importorskip("matplotlib")
    code, page, err = _page(store)
    assert code == 0, err
    assert 'data-synced="2026-11-30T12:00:00Z"' in page
    assert 'data-verdict="cannot compare"' in page
    assert 'data-verdict="agree"' not in page
    assert "spend after it is not in this page" in page
    note, wrote = err.splitlines()
    assert note.endswith(
        f"note: the last sync began 2026-11-30T12:00:00Z: spend after it is not in {store.parent}/page.html"
    )
    assert wrote.startswith("wrote ")


@pytest.mark.parametrize("output", [[], ["--json"], ["--csv"], ["--html", "PAGE"]])
def test_a_store_no_sync_finished_is_refused_never_a_total_of_what_is_there(
    store: Path, output: list[str], tmp_path: Path
) -> None:
    """A first sync killed midway leaves a ledger without its request rows: a total of 0 would be a lie."""
    sqlite3 = pytest.importorskip("sqlite3")
    if "PAGE" in output:
        pytest.importorskip("matplotlib")
        output = ["--html", str(tmp_path / "page.html")]
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE sync_runs SET finished_us = NULL")
    code, out, err = run("report", "--db", str(store), *WINDOW, *output)
    assert (code, out) == (12, ""), err
    assert err.endswith("has no finished sync: run `aimlapi-billing sync` first\n"), err
    assert err.count("\n") == 1
    assert not (tmp_path / "page.html").exists()


def test_a_window_the_last_sync_covers_gets_a_verdict(store: Path) -> None:
    pytest.importorskip("matplotlib")
    code, page, err = run(
        "report",
        "--db",
        str(store),
        "--start",
        "2026-11-25",
        "--end",
        "2026-11-30T12:00:00Z",
        "--html",
        str(store.parent / "page.html"),
    )
    page = (store.parent / "page.html").read_text()
    assert code == 0, err
    assert "note:" not in err
    assert 'data-verdict="cannot compare"' not in page
    assert 'data-verdict="agree"' in page  # the seeded ledger, logs and usage are the same charges


@pytest.mark.parametrize("output", [[], ["--json"], ["--csv"], ["--html", "page.html"]])
def test_max_age_refuses_an_old_store_exit_12(store: Path, output: list[str]) -> None:
    if "--html" in output:
        pytest.importorskip("matplotlib")
        output = ["--html", str(store.parent / "page.html")]
    code, out, err = run("report", "--db", str(store), *WINDOW, "--max-age", "1h", *output)
    assert (code, out) == (12, "")
    assert err.count("\n") == 1
    assert "older than --max-age 1h 0m" in err
    assert not (store.parent / "page.html").exists()
    code, _, err = run("report", "--db", str(store), *WINDOW, "--max-age", "3660d", *output)
    assert code == 0, err


@pytest.mark.parametrize("output", [[], ["--json"], ["--csv"]])
def test_a_bad_teams_file_in_the_environment_leaves_a_report_by_key_alone(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: list[str]
) -> None:
    monkeypatch.setenv("AIMLAPI_BILLING_TEAMS", str(tmp_path / "missing.toml"))
    code, out, err = run("report", "--db", str(store), *WINDOW, *output)
    assert (code, err) == (0, PARTIAL)  # the teams file is not mentioned
    assert "a1b2c3d4" in out
    # Where teams are used, the same file is one line, exit 2.
    for argv in (["--by", "team"], ["--teams", str(tmp_path / "missing.toml")]):
        code, out, err = run("report", "--db", str(store), *WINDOW, *argv, *output)
        assert (code, out) == (2, "")
        assert "missing.toml: cannot read the teams file" in err


def test_csv_cells_a_spreadsheet_would_run_are_quoted(store: Path, teams: Path, tmp_path: Path) -> None:
    """The seeded model =HYPERLINK(…) and hostile team names come back as text, not formulas."""
    import csv

    hostile = tmp_path / "hostile.toml"
    hostile.write_text('[[rule]]\nteam = "@SUM(1+1)"\nprefix = "a1b2"\n[[rule]]\nteam = "-2+3"\nglob = "b*"\n')
    code, out, err = run(
        "report", "--db", str(store), *WINDOW, "--by", "team,model,day", "--teams", str(hostile), "--csv"
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["team"] for row in rows} == {"'@SUM(1+1)", "'-2+3"}
    assert {row["model"] for row in rows} == {'\'=HYPERLINK("http://x")', "gpt-4o"}
    assert all(row["day"].startswith("2026-11-") for row in rows)
    # Money is never prefixed (a negative amount stays a number), and the table keeps the text as is.
    assert all(not row["spend_usd"].startswith("'") for row in rows)
    code, out, err = run("report", "--db", str(store), *WINDOW, "--by", "model", "--teams", str(hostile))
    assert code == 0, err
    assert '=HYPERLINK("http://x")' in out
    assert "'=HYPERLINK" not in out


class _InterruptedOnFlush(io.StringIO):
    """stdout that gets Ctrl-C when the CLI flushes it, after the command has finished."""

    def flush(self) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_after_wrote_file_keeps_the_success_exit(store: Path) -> None:
    pytest.importorskip("matplotlib")
    page = store.parent / "page.html"
    err = io.StringIO()
    code = main(["report", "--db", str(store), *WINDOW, "--html", str(page)], _InterruptedOnFlush(), err)
    assert code == 0
    assert err.getvalue().splitlines()[-1].startswith(f"wrote {page} (")
    assert page.read_text().endswith("</html>\n")
    # Before the command finished, Ctrl-C is still an interrupt (entry_point makes it 130).
    with pytest.raises(KeyboardInterrupt):
        main(["report", "--db", str(store), *WINDOW, "--html", str(page)], io.StringIO(), _InterruptedOnWrite())


class _InterruptedOnWrite(io.StringIO):
    def write(self, text: str) -> int:
        raise KeyboardInterrupt


@pytest.mark.parametrize("given", ["", "  ", "-"])
def test_html_needs_a_file(store: Path, given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("report", "--db", str(store), *WINDOW, "--html", given)
    assert (code, out) == (2, "")
    assert err == f"aimlapi-billing: error: --html: give a file to write the page to, not {given!r}\n"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("name", "kind"), [("spend.csv", "csv"), ("SPEND.JSON", "json"), (".csv", "csv")])
def test_html_into_a_csv_or_json_name_is_refused_and_nothing_is_written(
    store: Path, tmp_path: Path, name: str, kind: str
) -> None:
    page = tmp_path / name
    page.write_text("the previous file")
    code, out, err = run("report", "--db", str(store), *WINDOW, "--html", str(page))
    assert (code, out) == (2, "")
    assert err == (
        f"aimlapi-billing: error: --html writes an HTML page, not the {kind.upper()} {str(page)!r} names: "
        f"name it .html, or print {kind.upper()} with --{kind} > {page}\n"
    )
    assert page.read_text() == "the previous file"
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("spend.db")) == [name]


def test_a_teams_file_without_rules_is_said(store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing yet\n")
    code, out, err = run("report", "--db", str(store), *WINDOW, "--by", "team", "--teams", str(empty), "--json")
    assert code == 0, err
    assert err == f"aimlapi-billing: note: {empty} has no [[rule]]: every key is (unmapped)\n{PARTIAL}"
    assert {row["team"] for row in json.loads(out)["rows"]} == {"(unmapped)"}


@pytest.fixture
def just_synced(tmp_path: Path) -> Path:
    """A store whose last sync began a minute ago, as right after `sync`: the default window ends now."""
    path = tmp_path / "recent.db"
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    keys = [SeededKey("a1b2c3d4", "search-prod", Decimal(50))]
    seed(f"sqlite:///{path}", keys, ["gpt-4o"], end=now - datetime.timedelta(minutes=1), days=5, per_day=4)
    return path


@pytest.mark.parametrize("window", [[], ["--period", "7d"], ["--since", "2026-01-01"], ["--period", "1mo"]])
def test_a_window_ending_now_ends_at_the_last_sync(just_synced: Path, window: list[str]) -> None:
    """The one-command default right after a sync is not called partial: the window ends where the
    sync began, as reconcile --db's does."""
    pytest.importorskip("matplotlib")
    page = just_synced.parent / "page.html"
    code, _, err = run("report", "--db", str(just_synced), *window, "--html", str(page))
    assert code == 0, err
    assert "note:" not in err
    text = page.read_text()
    assert "spend after it is not in this page" not in text
    assert 'data-verdict="agree"' in text
    code, out, err = run("report", "--db", str(just_synced), *window, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["end"] == json.loads(out)["as_of"]


def _charged_otherwise(store: Path) -> None:
    """One charge of the ledger 0.01 USD above its request's cost: the records disagree."""
    import sqlite3

    with sqlite3.connect(store) as connection:
        connection.execute(
            "UPDATE ledger SET usd_nano = usd_nano + 10000000 WHERE rowid = "
            "(SELECT MIN(rowid) FROM ledger WHERE type = 'MODEL_USAGE')"
        )


def test_a_difference_in_the_synced_part_is_disagree_though_the_window_reaches_past(store: Path) -> None:
    pytest.importorskip("matplotlib")
    _charged_otherwise(store)
    code, page, err = _page(store)  # WINDOW ends after the last sync began
    assert code == 0, err
    assert 'data-verdict="disagree"' in page
    assert "disagree in what the store holds; the window reaches past the store's last finished sync" in page
    assert '<b data-count="differing">1</b>' in page


@pytest.mark.parametrize("output", [[], ["--json"], ["--csv"], ["--html", "page.html"]])
def test_a_window_the_store_holds_nothing_for_is_exit_11(store: Path, output: list[str]) -> None:
    """Not a spend of 0.00 that agrees: the store's data begin later (export focus refuses it too)."""
    if output[:1] == ["--html"]:
        pytest.importorskip("matplotlib")
        output = ["--html", str(store.parent / "page.html")]
    code, out, err = run("report", "--db", str(store), "--month", "2026-07", *output)
    assert (code, out) == (11, "")
    assert err.count("\n") == 1
    assert "holds no ledger entry and no request row from 2026-07-01T00:00:00Z to 2026-08-01T00:00:00Z" in err
    assert not (store.parent / "page.html").exists()


def test_a_month_not_begun_is_refused_as_export_does(store: Path) -> None:
    month = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=62)).strftime("%Y-%m")
    code, out, err = run("report", "--db", str(store), "--month", month)
    assert (code, out) == (2, "")
    assert err == f"aimlapi-billing: error: --month {month} has not begun: nothing to report\n"


@pytest.mark.parametrize("output", [[], ["--json"], ["--html", "page.html"]])
@pytest.mark.parametrize("window", [["--start", "2999-01-01", "--end", "2999-02-01"], ["--start", "2999-01-01"]])
def test_a_start_in_the_future_is_a_usage_error_not_no_data(store: Path, window: list[str], output: list[str]) -> None:
    """Before: --start/--end wholly in the future was exit 11, as if the store had missed the data."""
    if output[:1] == ["--html"]:
        pytest.importorskip("matplotlib")
        output = ["--html", str(store.parent / "page.html")]
    code, out, err = run("report", "--db", str(store), *window, *output)
    assert (code, out) == (2, "")
    assert err == "aimlapi-billing: error: --start (2999-01-01) is in the future\n"  # --since's wording
    assert not (store.parent / "page.html").exists()
