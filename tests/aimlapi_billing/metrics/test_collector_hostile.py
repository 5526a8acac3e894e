"""The hostile reviewer's cases of the collector: slow or hanging usage reads, server text in labels."""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_api_server import BALANCE, DETAIL, FakeAIMLAPI, Reply, Stall

from aimlapi_billing import (
    BalanceResponse,
    Billing,
    BillingDetailResponse,
    BudgetReport,
    KeyBudget,
    Transaction,
)
from aimlapi_billing import metrics as billing_metrics
from aimlapi_billing.metrics import (
    BillingCollector,
    build_registry,
    exposition,
)
from tests.helpers.budget_data import budget_account
from tests.helpers.metrics import (
    UTC,
    FakeClock,
    StubBilling,
    StubForecast,
    by_label,
    key_values,
    parse,
    read_threads,
    requests_to,
    value,
)

# --- the hostile reviewer's cases ----------------------------------------------------------------


def _budget(prefix: str, name: str | None, as_of: datetime.datetime) -> KeyBudget:
    return KeyBudget(
        prefix=prefix, name=name, disabled=False, retention="day", threshold=Decimal(10),
        period_start=as_of, next_reset=as_of, spend=Decimal(9), period_usage=Decimal(9), utilisation=0.9,
        monthly_usage=Decimal(9), month_usage=Decimal(9), created_at=as_of,
    )  # fmt: skip


def test_a_slow_usage_part_never_freezes_the_balance(clock: FakeClock) -> None:
    """A usage part that takes (keys + 1) x deadline must not hold the balance back: the balance is
    read again when min_interval has passed, and reported fresh because it is."""
    release = threading.Event()
    balances = [100.0, 42.0]
    calls: list[str] = []

    class Keys:
        def budgets(self, *, as_of: datetime.datetime, partial: bool = False) -> BudgetReport:
            calls.append("budgets")
            release.wait(10)
            return BudgetReport((_budget("abcd1234", "ci", as_of),), only_own_key=False, as_of=as_of)

    class SlowKeyedBilling(StubBilling):
        keys = Keys()

        def detail(self) -> BillingDetailResponse:
            calls.append("detail")
            return BillingDetailResponse.from_dict({**DETAIL, "current_balance": balances[0]})

    stub = SlowKeyedBilling()
    collector = BillingCollector(stub, min_interval=60, max_wait=2, key_budgets=True, clock=clock)  # type: ignore[arg-type]
    registry = build_registry(collector)
    try:
        assert value(parse(exposition(registry)), "aimlapi_balance_usd") == 100.0
        balances[0] = 42.0
        clock.advance(60)
        families = parse(exposition(registry))
        assert calls == ["detail", "budgets", "detail"]
        assert value(families, "aimlapi_balance_usd") == 42.0
        assert value(families, "aimlapi_scrape_success") == 1.0
        assert value(families, "aimlapi_data_stale") == 0.0
    finally:
        release.set()
        for thread in read_threads():
            thread.join(timeout=10)


def test_server_text_in_labels_is_encodable_printable_bounded_and_redacted(clock: FakeClock) -> None:
    """A lone surrogate (valid JSON) in a key or model name made every scrape a 500
    (UnicodeEncodeError); an echo of the key in a model name was a label value."""
    from aimlapi_billing import Billing

    key = "sk-test-" + "0123456789abcdef" * 2
    surrogate = "\ud800"

    class Usage:
        def per_key(self, prefixes: list[str | None], **kwargs: Any) -> Any:
            model = type("M", (), {"model": f"echo {key}", "spend": Decimal(1)})
            odd = type("M", (), {"model": f"m{surrogate}" + "x" * 500, "spend": Decimal(2)})
            return [type("D", (), {"models": [model, odd]}) for _ in prefixes]

    class Keys:
        def budgets(self, *, as_of: datetime.datetime, partial: bool = False) -> BudgetReport:
            return BudgetReport((_budget("abcd1234", f"bad{surrogate}name", as_of),), False, as_of)

    class Hostile(Billing):
        keys = Keys()  # type: ignore[assignment]
        usage = Usage()  # type: ignore[assignment]

        def detail(self, **kwargs: Any) -> BillingDetailResponse:
            return BillingDetailResponse.from_dict(DETAIL)

        def balance(self, **kwargs: Any) -> BalanceResponse:
            return BalanceResponse.from_dict(BALANCE)

        def forecast(self, **kwargs: Any) -> StubForecast:
            return StubForecast(Decimal(3), spend_by_model=[(f"{key}{surrogate}", Decimal(1)), ("a", Decimal(1))])

        def transactions(self, **kwargs: Any) -> list[Transaction]:
            return []

    with Hostile(api_key=key) as billing:
        collector = BillingCollector(
            billing,
            key_budgets=True,
            model_window=datetime.timedelta(days=1),
            forecast_window=datetime.timedelta(days=7),
            clock=clock,
        )
        for fmt in ("openmetrics", "prometheus"):
            text = exposition(build_registry(collector), fmt).decode()
            assert key not in text
            assert key[8:16] not in text
    families = parse(exposition(build_registry(collector)))
    names = set(by_label(families, "aimlapi_model_spend_usd", "model"))
    assert "echo <redacted>" in names
    assert all(len(name) <= 120 and name.isprintable() for name in names)
    assert set(by_label(families, "aimlapi_window_spend_by_model_usd", "model")) == {"<redacted>\\ud800", "a"}
    assert key_values(families, "aimlapi_key_spend_usd") == {("abcd1234", "bad\\ud800name"): 9.0}


@pytest.mark.parametrize(
    ("message", "own_key_only"),
    [("Your balance is exhausted: top up to continue", None), ("Managing keys requires a management key", 1.0)],
)
def test_only_the_regular_key_refusal_makes_the_model_spend_own_key_only(
    message: str, own_key_only: float | None
) -> None:
    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now)) as fake, Billing(base_url=fake.url, max_retries=0) as client:
        fake.script("/v1/keys", Reply(403, {"message": message}))
        collector = BillingCollector(client, model_window=datetime.timedelta(days=1))
        families = parse(exposition(build_registry(collector)))
    assert value(families, "aimlapi_scrape_success") == 1.0  # the balance is fine either way
    if own_key_only is None:
        assert value(families, "aimlapi_usage_scrape_success") == 0.0
        assert "aimlapi_keys_own_key_only" not in families
    else:
        assert value(families, "aimlapi_usage_scrape_success") == 1.0
        assert value(families, "aimlapi_keys_own_key_only") == own_key_only


def test_metrics_keys_with_a_lone_surrogate_in_a_key_name_exits_0_with_the_balance() -> None:
    """Against the stand-in (real sockets, valid JSON "\\ud800"): the exposition is written whole."""
    import io

    from aimlapi_billing._cli import main

    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now, chat_name="bad\ud800name")) as fake:
        out, err = io.StringIO(), io.StringIO()
        code = main(["metrics", "--keys", "--model-window", "1d", "--base-url", fake.url], out=out, err=err)
    assert (code, err.getvalue()) == (0, "")
    families = parse(out.getvalue().encode())
    assert value(families, "aimlapi_balance_usd") == 275.78
    assert ("b747e891", "bad\\ud800name") in key_values(families, "aimlapi_key_spend_usd")


def test_a_hanging_usage_endpoint_never_freezes_the_balance_against_the_stand_in(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real sockets: GET /v2/usage sends nothing; the balance is still read on its own schedule and
    reported fresh, while the per-key part waits."""
    # The usage part fails when the stand-in stops: expected, and its URL holds the prefix a1b2c3d4,
    # which the secret canary would take for a piece of the test's created key (…0a1b2c3d4e5f…).
    monkeypatch.setattr(billing_metrics.logger, "disabled", True)
    now = datetime.datetime.now(UTC)
    with FakeAIMLAPI(**budget_account(now)) as fake:
        fake.script("/v2/usage", Stall(60))  # longer than the test: only teardown ends it
        with Billing(base_url=fake.url, max_retries=0, timeout=30) as client:
            collector = BillingCollector(client, min_interval=60, max_wait=2, key_budgets=True, clock=clock)
            registry = build_registry(collector)
            first = parse(exposition(registry))
            assert value(first, "aimlapi_scrape_success") == 1.0
            deadline = time.monotonic() + 10
            while not fake.requests_to("/v2/usage") and time.monotonic() < deadline:  # the usage part hangs on it
                time.sleep(0.01)
            clock.advance(60)
            second = parse(exposition(registry))
            assert requests_to(fake) == (2, 2)  # the balance read again while the usage part hangs
            assert value(second, "aimlapi_scrape_success") == 1.0
            assert value(second, "aimlapi_data_stale") == 0.0
            # No second usage part: the first reads the keys side by side, each key's period once
            # (the stalled one still waiting); a second would ask for one again.
            queries = [parse_qs(urlsplit(seen.path).query) for seen in fake.requests_to("/v2/usage")]
            asked = [(query["key_prefix"][0], query["start"][0]) for query in queries]
            assert len(asked) == len(set(asked))
            fake.stop()
            for thread in read_threads():
                thread.join(timeout=10)
