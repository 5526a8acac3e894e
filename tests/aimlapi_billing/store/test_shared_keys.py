"""Two keys listed with one prefix (the API knows a key by its prefix alone, and its usage and logs
take ``key_prefix``): ``sync`` says so once per run on stderr, records it, keeps one version of the
prefix instead of two that replace each other at every run, and every reader that shows a key marks
the prefix as shared instead of showing one key's name and limit as the whole. Against the stand-in,
on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from fake_api.data import CHATBOT_KEY, key_record
from fake_api_server import FakeAIMLAPI

from tests.helpers.cli import run

from .conftest import scalar

SHARED = CHATBOT_KEY[:8]
#: What the sync's stderr says, and the readers' mark.
MARK = "shared by 2 keys"


@pytest.fixture
def twins(api: FakeAIMLAPI) -> FakeAIMLAPI:
    """The stand-in's account with a second key whose value starts as the chatbot key's does: listed
    with the same prefix, a name and limit of its own, created a day later."""
    chatbot = next(key for key in api.keys if key["prefix"] == SHARED)
    created = datetime.datetime.fromisoformat(chatbot["created_at"].replace("Z", "+00:00")) + datetime.timedelta(days=1)
    api.keys.append(
        key_record(SHARED + "0" * 24, "chatbot-staging", created.isoformat().replace("+00:00", "Z"),
                   limit={"retention": "day", "threshold": 1000})
    )  # fmt: skip
    assert [key["prefix"] for key in api.keys].count(SHARED) == 2
    return api


def _sync(url: str) -> str:
    code, out, err = run("sync", "--db", url)
    assert code == 0, err
    assert out.startswith("synced ")
    return err


def test_sync_says_so_records_it_and_keeps_one_version(store_url: str, twins: FakeAIMLAPI) -> None:
    err = _sync(store_url)
    # One line for the prefix, naming it as the CLI shows prefixes and how many keys share it.
    assert err.splitlines() == [
        f"aimlapi-billing: warning: key prefix {SHARED} is {MARK}: the API tells them apart by nothing, so "
        "their usage and logs are stored, and reported, as one"
    ]
    assert scalar(store_url, "SELECT shared_by FROM keys WHERE prefix = :p", p=SHARED) == 2
    assert scalar(store_url, "SELECT COUNT(*) FROM keys WHERE shared_by IS NOT NULL") == 1
    versions = "SELECT COUNT(*) FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE k.prefix = :p"
    assert scalar(store_url, versions, p=SHARED) == 1
    # Each row once: the prefix is read once, not once per key listed with it.
    rows = [row for row in twins.logs if row["key_prefix"] == SHARED]
    stored = "SELECT COUNT(*) FROM logs l JOIN keys k ON k.id = l.key_id WHERE k.prefix = :p"
    assert scalar(store_url, stored, p=SHARED) == len(rows) > 0
    # A second run: the same line (the listing still shows both), no new version flip-flopping.
    assert _sync(store_url) == err
    assert scalar(store_url, versions, p=SHARED) == 1
    # One of them deleted: no line, but the rows already stored stay mixed, so the mark stays.
    twins.keys.pop()
    assert _sync(store_url) == ""
    assert scalar(store_url, "SELECT shared_by FROM keys WHERE prefix = :p", p=SHARED) == 2


def test_every_reader_marks_the_prefix_instead_of_one_keys_name_and_limit(
    store_url: str, twins: FakeAIMLAPI, tmp_path: Path
) -> None:
    _sync(store_url)
    window = ["--period", "3660d"]
    code, out, err = run("report", "--db", store_url, *window, "--json")
    assert code == 0, err
    rows = {row["key_prefix"]: row for row in json.loads(out)["rows"]}
    assert rows[SHARED]["key_shared_by"] == 2
    assert [prefix for prefix, row in rows.items() if "key_shared_by" in row] == [SHARED]
    code, out, _ = run("report", "--db", store_url, *window)
    assert f"{SHARED} ({MARK})" in out
    code, out, _ = run("report", "--db", store_url, *window, "--csv")
    by_prefix = {row["key_prefix"]: row for row in csv.DictReader(io.StringIO(out))}
    assert by_prefix[SHARED]["key_shared_by"] == "2"
    assert {row["key_shared_by"] for prefix, row in by_prefix.items() if prefix != SHARED} == {""}

    # check-keys --db: never OK on a figure that is two keys' sum; the name and limit of neither shown.
    code, out, _ = run("check-keys", "-w", "80", "-c", "95", "--db", store_url)
    assert code == 3, out
    assert f"{SHARED} is {MARK}, whose spend cannot be told apart" in out
    assert "chatbot-prod" not in out
    assert "chatbot-staging" not in out

    code, out, err = run("metrics", "--db", store_url, "--keys")
    assert code == 0, err
    shared_lines = [line for line in out.splitlines() if f'key_prefix="{SHARED}"' in line]
    assert shared_lines
    assert all(f'key_name="({MARK})"' in line for line in shared_lines)
    assert not [line for line in shared_lines if line.startswith("aimlapi_key_limit")]

    month = next(row["created"][:7] for row in twins.logs if row["key_prefix"] == SHARED)
    path = tmp_path / "focus.csv"
    code, _, err = run("export", "focus", "--month", month, "--db", store_url, "-o", str(path))
    assert code == 0, err
    with path.open(newline="") as stream:
        focus = [row for row in csv.DictReader(stream) if row["SubAccountId"] == SHARED]
    assert focus
    assert {row["SubAccountName"] for row in focus} == {f"{SHARED} ({MARK})"}
    assert all(json.loads(row["Tags"]).get("aimlapi/key_shared_by") == "2" for row in focus)
    assert all("aimlapi/key_name" not in json.loads(row["Tags"]) for row in focus)


def test_the_html_page_marks_the_prefix(store_url: str, twins: FakeAIMLAPI, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    _sync(store_url)
    page = tmp_path / "page.html"
    code, _, err = run("report", "--db", store_url, "--period", "3660d", "--html", str(page))
    assert code == 0, err
    text = page.read_text()
    limits = text[text.index('<table id="limits">') : text.index("</table>", text.index('<table id="limits">'))]
    row = limits[limits.index(f'data-key="{SHARED}"') :].split("</tr>")[0]
    assert f'data-shared-by="2">{MARK}</span>' in row
    assert "chatbot" not in row
    assert 'data-usd="25"' not in row  # the chatbot key's own limit, held against both keys' spend
    assert f"{SHARED} ({MARK})" in text  # the daily chart's legend and table, and the limits chart
