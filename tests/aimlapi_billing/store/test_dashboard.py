"""``store.dashboard``: the agreement of the stored ledger, logs and usage (each kind of disagreement
counted, amounts kept as decimal text compared exactly), the runway from the stored balance, and
the top-N-and-other bounds."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fake_api.seeded_store import SeededKey, cost, seed

from aimlapi_billing._exact import days_at, per_day
from aimlapi_billing.store import dashboard, open_for_reading, open_for_sync
from aimlapi_billing.teams import UNMAPPED, Rule, Teams

END = datetime.datetime(2026, 11, 11, tzinfo=datetime.UTC)
START = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
KEYS = [SeededKey(f"k{n:07d}", f"svc-{n}", Decimal(1) if n == 3 else None) for n in range(12)]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'spend.db'}"
    seed(url, KEYS, ["m-a", "m-b", "m-c"], end=END, days=10, per_day=100)
    return url


def _sql(url: str, sql: str, **params: object) -> None:
    from sqlalchemy import text

    with open_for_sync(url) as store, store.transaction() as connection:
        connection.execute(text(sql), params)


def _figures(url: str, **options: object):  # type: ignore[no-untyped-def]
    with open_for_reading(url) as store:
        return dashboard(store, START, END, **options)  # type: ignore[arg-type]


def test_a_seeded_account_agrees_and_sums_exactly(db: str) -> None:
    figures = _figures(db)
    expected = sum((cost(index) for index in range(1000)), Decimal(0))
    assert figures.total == expected
    check = figures.agreement
    assert (check.ledger, check.logs, check.usage, check.logs_of_usage_days) == (expected,) * 4
    assert (check.only_in_ledger, check.only_in_logs, check.differing) == (0, 0, 0)
    assert check.agree
    assert sum(figures.daily.values(), Decimal(0)) == expected
    assert len(figures.days) == 10


def test_each_disagreement_is_counted(db: str) -> None:
    _sql(db, "DELETE FROM ledger WHERE reference_id = 'inf-0'")  # a request never charged
    _sql(db, "UPDATE ledger SET usd_nano = usd_nano + 20000000 WHERE reference_id = 'inf-1'")  # 0.02 more
    _sql(db, "UPDATE ledger SET usd_nano = usd_nano + 9000000 WHERE reference_id = 'inf-2'")  # 0.009: agreement
    _sql(db, "UPDATE ledger SET usd_nano = NULL, usd_text = '0.0004000000001' WHERE reference_id = 'inf-3'")
    _sql(
        db,
        "INSERT INTO ledger (uid, created_us, direction, type, usd_nano, credits, reference_id) "
        "VALUES ('orphan', :at, 'CHARGE', 'MODEL_USAGE', 5000000000, 0, 'inf-gone')",
        at=int((START - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)).total_seconds() * 1e6) + 5,
    )
    check = _figures(db).agreement
    assert (check.only_in_ledger, check.only_in_logs, check.differing) == (1, 1, 1)
    expected_logs = sum((cost(index) for index in range(1000)), Decimal(0))
    assert check.logs == expected_logs
    # The ledger: every charge of a costed row (inf-0's gone, +0.02, +0.009, inf-3 a hair more) and the orphan.
    assert check.ledger == expected_logs - cost(0) + Decimal("0.029") + Decimal("0.0000000000001") + 5
    assert not check.agree


def test_the_usage_is_compared_with_the_logs_of_its_days(db: str) -> None:
    _sql(db, "UPDATE usage_daily SET spend_nano = spend_nano + 10000000 WHERE day = '2026-11-05' AND key_id = 1")
    check = _figures(db).agreement
    assert check.usage - check.logs_of_usage_days == Decimal("0.01")
    assert not check.agree


def test_the_runway_is_the_latest_balance_at_the_ledgers_burn(db: str) -> None:
    runway = _figures(db).runway
    assert runway is not None
    spent = sum((cost(index) for index in range(1000)), Decimal(0))
    # The last observation: 1000 + 500 (a top-up on day 0) minus everything spent.
    assert runway.balance == Decimal(1500) - spent
    # The ledger's first entry (day 0's top-up) is at the window's start, the last observation ends at its end:
    # every charge counts, over ten days.
    assert runway.as_of == END
    assert runway.spend == spent
    assert runway.days_covered == 10
    assert runway.burn_per_day == per_day(spent, END - START)
    assert runway.days == days_at(runway.balance, spent, END - START)
    assert runway.days is not None
    assert runway.days > 0
    assert runway.depletion_at is not None


def test_teams_group_the_daily_series_and_keys_keep_their_team(db: str) -> None:
    teams = Teams((Rule("even", None, "glob", "svc-*[02468]"), Rule("one", None, "prefix", "k0000001")))
    figures = _figures(db, teams=teams, by="team")
    spends = [share.spend for share in figures.groups]
    assert spends == sorted(spends, reverse=True)  # largest first
    assert {share.name for share in figures.groups} == {"even", "one", UNMAPPED}
    assert sum((share.spend for share in figures.groups), Decimal(0)) == figures.total
    assert {key.team for key in figures.keys} == {"even", "one", UNMAPPED}
    assert figures.keys[0].prefix == "k0000003"  # the one key with a limit comes first


def test_an_empty_store_gives_an_empty_agreeing_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    seed(url, [], [], end=END, days=10, per_day=0)
    figures = _figures(url)
    assert (figures.total, figures.groups, figures.models, figures.keys, figures.runway) == (0, (), (), (), None)
    assert figures.agreement.agree
