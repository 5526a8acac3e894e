"""The metric families the collector exports, and the records of a read they are made from."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from aimlapi_billing_client.types import Unset
from prometheus_client.core import GaugeMetricFamily

from .._exceptions import ResponseValidationError
from .._money import MAX_AMOUNT, add, exact_sum
from .._redaction import label_text
from ..lib.forecast import NO_MODEL, TOP_MODELS

if TYPE_CHECKING:
    from ..types.all_keys import MissingKey
    from ..types.budgets import KeyBudget

#: The label of the models past the ``top_models`` costliest, summed (parenthesised: no model's name).
OTHER_MODELS = "(other)"

# name (without the unit), unit, HELP
BALANCE_USD = ("aimlapi_balance", "usd", "Balance of the AIML API account in US dollars (GET /v2/billing/detail).")
BALANCE_CREDITS = (
    "aimlapi_balance",
    "credits",
    "Balance of the AIML API account in credits, 2,000,000 credits to the dollar (GET /v1/billing/balance).",
)
LOW_BALANCE = ("aimlapi_low_balance", "", "1 if the AIML API flags the balance as below its low-balance threshold.")
AUTOTOPUP_ENABLED = ("aimlapi_autotopup_enabled", "", "1 if auto top-up is enabled on the AIML API account.")
AUTOTOPUP_THRESHOLD = (
    "aimlapi_autotopup_threshold",
    "usd",
    "Balance in US dollars below which auto top-up refills the AIML API account.",
)
AUTOTOPUP_AMOUNT = ("aimlapi_autotopup_amount", "usd", "US dollars each auto top-up adds to the AIML API account.")
AUTOTOPUP_SOURCES_DISAGREE = (
    "aimlapi_autotopup_sources_disagree",
    "",
    "1 if the legacy autoDebitStatus of GET /v1/billing/balance contradicts the auto top-up setting of "
    "GET /v2/billing/detail, the one aimlapi_autotopup_enabled and the alert rules follow; 0 if they agree.",
)
#: The values of the legacy ``autoDebitStatus`` this version reads; any other is compared with nothing.
LEGACY_AUTOTOPUP = {"enabled": True, "disabled": False}
RUNWAY = (
    "aimlapi_runway",
    "days",
    "Days until the AIML API balance runs out at the daily spend averaged over the forecast window "
    "(+Inf when nothing was spent).",
)
DAILY_BURN = (
    "aimlapi_daily_burn",
    "usd",
    "US dollars spent per day on the AIML API account, averaged over the forecast window.",
)
WINDOW_SPEND = (
    "aimlapi_window_spend",
    "usd",
    "US dollars spent (CHARGE ledger entries) on the AIML API account over the forecast window.",
)
WINDOW_SPEND_BY_MODEL = (
    "aimlapi_window_spend_by_model",
    "usd",
    f"US dollars spent on the AIML API account over the forecast window, for the {TOP_MODELS} costliest models "
    f"(model {NO_MODEL!r}: charges without a model, such as expired credits).",
)
SPEND_24H = (
    "aimlapi_spend_24h",
    "usd",
    "US dollars spent (CHARGE ledger entries) on the AIML API account in the 24 hours before the read.",
)
KEY_SPEND = (
    "aimlapi_key_spend",
    "usd",
    "US dollars an AIML API key spent in its current limit period (UTC calendar day, week from Monday, month "
    "from the 1st, or since creation for no_reset; a month key: the larger of usage and monthly_usage).",
)
KEY_LIMIT = ("aimlapi_key_limit", "usd", "Spending limit (threshold) of an AIML API key per limit period, in USD.")
KEY_UTILISATION = (
    "aimlapi_key_limit_utilisation",
    "ratio",
    "Spend of an AIML API key in its current limit period divided by its limit: 1 is the limit reached "
    "(+Inf: spent against a limit of 0).",
)
KEY_PERIOD_START = (
    "aimlapi_key_period_start_timestamp",
    "seconds",
    "Unix time at which the current limit period of an AIML API key started.",
)
KEY_MONTHLY_USAGE = (
    "aimlapi_key_monthly_usage",
    "usd",
    "The monthly_usage an AIML API key's record reports, in USD.",
)
KEY_MONTH_USAGE = (
    "aimlapi_key_month_usage",
    "usd",
    "US dollars an AIML API key spent since the 1st of the month 00:00 UTC, by GET /v2/usage "
    "(compare with aimlapi_key_monthly_usage_usd).",
)
KEY_DISABLED = ("aimlapi_key_disabled", "", "1 if the AIML API key is disabled.")
KEY_DATA_STALE = (
    "aimlapi_key_data_stale",
    "",
    "1 if the last read of the per-key usage did not measure this key (the deadline ended it, or its reads "
    "failed): its other aimlapi_key_ series are the last good values, or absent if it was never measured.",
)
OWN_KEY_ONLY = (
    "aimlapi_keys_own_key_only",
    "",
    "1 if the exporter's API key is a regular key, so the per-key series and the spend by model cover "
    "its own key alone.",
)
MODEL_SPEND = (
    "aimlapi_model_spend",
    "usd",
    f"US dollars spent per model over the model window, by GET /v2/usage/detail of every key read; the costliest "
    f"models, the rest summed as {OTHER_MODELS!r}.",
)
MODEL_SPEND_STALE = (
    "aimlapi_model_spend_stale",
    "",
    "1 if the last read of the per-key usage did not measure every key (or failed): aimlapi_model_spend_usd "
    "holds the last values that covered every key (absent if none did), never the sum of a part of them.",
)
MODEL_WINDOW = ("aimlapi_model_spend_window", "seconds", "Length of the window aimlapi_model_spend_usd covers.")
USAGE_SUCCESS = (
    "aimlapi_usage_scrape_success",
    "",
    "1 if the last read of the per-key usage (key budgets, spend by model) succeeded.",
)
SCRAPE_SUCCESS = ("aimlapi_scrape_success", "", "1 if the last read of the AIML API billing endpoints succeeded.")
SCRAPE_DURATION = (
    "aimlapi_scrape_duration",
    "seconds",
    "Duration of the last read of the AIML API billing endpoints, successful or not.",
)
DATA_STALE = (
    "aimlapi_data_stale",
    "",
    "1 if the values shown come from an earlier successful read because the last read failed.",
)
LAST_SUCCESS = (
    "aimlapi_last_success_timestamp",
    "seconds",
    "Unix time of the last successful read of the AIML API billing endpoints.",
)


def gauge(
    spec: tuple[str, str, str], value: float | None = None, labels: Mapping[str, str] | None = None
) -> GaugeMetricFamily:
    """One gauge family; with ``labels``, its one sample carries them (the multi-account exporter's ``account``)."""
    name, unit, documentation = spec
    if not labels:
        return GaugeMetricFamily(name, documentation, value=value, unit=unit)
    family = GaugeMetricFamily(name, documentation, labels=list(labels), unit=unit)
    if value is not None:
        family.add_metric(list(labels.values()), value)
    return family


FORECAST_SPECS = [RUNWAY, DAILY_BURN, WINDOW_SPEND, WINDOW_SPEND_BY_MODEL, SPEND_24H]


KEY_SPECS = [
    KEY_SPEND,
    KEY_LIMIT,
    KEY_UTILISATION,
    KEY_PERIOD_START,
    KEY_MONTHLY_USAGE,
    KEY_MONTH_USAGE,
    KEY_DISABLED,
    KEY_DATA_STALE,
]
#: Label names of the collector's own families, which constant labels must not take.
RESERVED_LABELS = ("model", "key_prefix", "key_name")


@dataclass(frozen=True)
class Reading:
    """One successful read of the API, as the numbers exported."""

    balance_usd: float
    balance_credits: float
    low_balance: bool
    autotopup_enabled: bool | None
    autotopup_threshold_usd: float | None
    autotopup_amount_usd: float | None
    runway_days: float | None
    unix_time: float
    #: Whether GET /v1/billing/balance's legacy flag contradicts autotopup_enabled (None: either unknown).
    autotopup_sources_disagree: bool | None = None
    # With a forecast window only:
    daily_burn_usd: float | None = None
    window_spend_usd: float | None = None
    spend_by_model: tuple[tuple[str, float], ...] = ()
    spend_24h_usd: float | None = None
    # With key_budgets or a model_window only: the last good per-key usage, and whether this read's was.
    usage: UsageReading | None = None
    usage_ok: bool | None = None


@dataclass(frozen=True)
class KeySeries:
    """One key's per-key series; ``None`` where the key has no limit (or a period this SDK does not know)."""

    prefix: str
    name: str
    disabled: bool | None
    spend_usd: float | None
    limit_usd: float | None
    utilisation: float | None
    period_start: float | None
    monthly_usage_usd: float | None
    month_usage_usd: float | None
    #: Not measured by the last read: the values are the last good ones (None: never measured).
    stale: bool = False


@dataclass(frozen=True)
class UsageReading:
    keys: tuple[KeySeries, ...] | None  # None: key_budgets off
    own_key_only: bool
    model_spend: tuple[tuple[str, float], ...] | None  # None: no model_window
    #: Every key listed was measured (False: some are stale, the read is not a success).
    complete: bool = True
    #: ``model_spend`` is an earlier read's (this one left keys unmeasured), or None if none covered every key.
    model_spend_stale: bool = False
    #: The length of the window ``model_spend`` covers (a calendar month's varies from read to read).
    window_seconds: float = 0.0


def stale_keys(
    missing: Iterable[MissingKey], previous: Iterable[KeySeries], redact: Callable[[str], str]
) -> tuple[KeySeries, ...]:
    """The keys a read did not measure, marked stale: each with its last good values, if any."""
    from ..lib.budgets import OWN_KEY

    last = {key.prefix: key for key in previous}
    stale = []
    for key in missing:
        shown = redact(key.prefix)  # the caller's own key is OWN_KEY, as key_series has it
        prefix = label_text(shown if shown == key.prefix else OWN_KEY, str)
        before = last.get(prefix)
        if before is not None:
            stale.append(dataclasses.replace(before, stale=True))
        else:
            name = label_text(redact(key.name or ""), str)
            stale.append(KeySeries(prefix, name, None, None, None, None, None, None, None, stale=True))
    return tuple(stale)


def key_series(budget: KeyBudget, redact: Callable[[str], str]) -> KeySeries:
    from ..lib.budgets import identity

    prefix, name = identity(budget, redact)
    return KeySeries(
        prefix=label_text(prefix, str),
        name=label_text(name, str),
        disabled=budget.disabled,
        spend_usd=optional_number(budget.spend, f"key {prefix}'s spend"),
        limit_usd=optional_number(budget.threshold, f"key {prefix}'s limit") if budget.spend is not None else None,
        utilisation=budget.utilisation,
        period_start=None if budget.period_start is None else budget.period_start.timestamp(),
        monthly_usage_usd=gauge_value(budget.monthly_usage, f"key {prefix}'s monthly_usage"),
        month_usage_usd=gauge_value(budget.month_usage, f"key {prefix}'s usage this month"),
    )


def merged(pairs: Iterable[tuple[str, Decimal]]) -> tuple[tuple[str, float], ...]:
    """Spend by model with the names made label values, added up where two became one, in order."""
    totals: dict[str, Decimal] = {}
    for name, spent in pairs:
        totals[name] = add(totals.get(name, Decimal(0)), spent)
    return tuple((name, gauge_value(spent, f"the spend of {name}")) for name, spent in totals.items())


def rank_models(totals: Mapping[str, Decimal], count: int) -> list[tuple[str, Decimal]]:
    """The ``count`` costliest models, highest first (ties by name), and the rest summed as
    :data:`OTHER_MODELS` (a model the server itself calls that is summed there too, never a duplicate series)."""
    ranked = sorted(((m, v) for m, v in totals.items() if m != OTHER_MODELS), key=lambda item: (-item[1], item[0]))
    rest = [spent for _, spent in ranked[count:]]
    if OTHER_MODELS in totals:
        rest.append(totals[OTHER_MODELS])
    return ranked[:count] + ([(OTHER_MODELS, exact_sum(rest))] if rest else [])


def optional_number(value: Decimal | Unset | None, what: str) -> float | None:
    """An amount as a gauge's value (:func:`gauge_value`); None (nothing exported) when absent."""
    return None if value is None or isinstance(value, Unset) else gauge_value(value, what)


def gauge_value(value: Decimal, what: str) -> float:
    """An exact figure as a gauge's value: a float, what Prometheus stores (a double, ~17
    significant digits), never ``-0.0`` (0). A figure beyond :data:`MAX_AMOUNT` either way is a
    broken answer, a ``ResponseValidationError`` naming ``what`` (the scrape fails, the reason
    logged), never the ``+Inf`` or 1e+29 a float would make of it."""
    if not -MAX_AMOUNT <= value <= MAX_AMOUNT:
        raise ResponseValidationError(
            f"{what} is {value:.6g}: beyond {MAX_AMOUNT:.0e} is no money but a broken answer, not exported"
        )
    return float(value) + 0.0  # -0.0 + 0.0 is 0.0


#: How each family of KEY_SPECS, in its order, reads a key's series (None: the key has no sample).
KEY_VALUES: tuple[Callable[[KeySeries], float | None], ...] = (
    lambda key: key.spend_usd,
    lambda key: key.limit_usd,
    lambda key: key.utilisation,
    lambda key: key.period_start,
    lambda key: key.monthly_usage_usd,
    lambda key: key.month_usage_usd,
    lambda key: flag(key.disabled),
    lambda key: 1.0 if key.stale else 0.0,
)


def key_families(keys: Iterable[KeySeries], labels: Mapping[str, str]) -> list[GaugeMetricFamily]:
    """The per-key families (KEY_SPECS), each sample labelled ``labels`` plus the key's prefix and name."""
    keys = tuple(keys)
    names = [*labels, "key_prefix", "key_name"]
    families = []
    for spec, value in zip(KEY_SPECS, KEY_VALUES, strict=True):
        family = GaugeMetricFamily(spec[0], spec[2], labels=names, unit=spec[1])
        for key in keys:
            number = value(key)
            if number is not None:
                family.add_metric([*labels.values(), key.prefix, key.name], number)
        families.append(family)
    return families


def flag(value: bool | None) -> float | None:
    """A yes/no as a gauge's 1.0 or 0.0; None (nothing exported) when unknown."""
    return None if value is None else float(value)
