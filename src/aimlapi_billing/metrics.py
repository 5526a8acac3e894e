"""Prometheus / OpenMetrics export of the AIML API balance: a collector, a textfile writer, an exporter.

Needs the optional extra: ``pip install 'aimlapi-billing[metrics]'`` (prometheus_client).

>>> from aimlapi_billing import Billing
>>> from aimlapi_billing.metrics import BillingCollector, build_registry, exposition, make_exporter
>>> registry = build_registry(BillingCollector(Billing(), min_interval=60))
>>> print(exposition(registry).decode())          # or: make_exporter(registry).serve_forever()

Design:

* **A custom collector, not Gauges set by a loop.** The balance is read when Prometheus scrapes
  (:meth:`BillingCollector.collect`), so the exported values are as fresh as the scrape and there is
  no polling loop to start, stop or keep alive (each read runs in a short-lived thread). The same
  collector serves a long-running exporter (:func:`make_exporter`, or :func:`make_probe_exporter`
  for many accounts), a one-shot node_exporter textfile job (:func:`exposition` and
  :func:`write_textfile`) or any ``CollectorRegistry`` you already have. It is never put in
  prometheus_client's global ``REGISTRY``: :func:`build_registry` makes a registry of its own.
* **Caching, one read in flight.** Several Prometheus servers, or one with a short scrape interval,
  must not turn into a request storm against the vendor's rate limits: the API is read at most once
  per ``min_interval`` seconds (measured by ``clock``, monotonic by default, from the end of the
  previous read, whether it succeeded or not), in a thread of its own, and never twice at once.
  Scrapes wait for a running read up to ``max_wait`` seconds and are otherwise answered from the last
  result, so a slow or hanging upstream costs one thread and one request, not one per scrape.
* **A read is all or nothing.** ``detail()``, ``balance()`` and, with a ``forecast_window``,
  ``forecast()`` and the last day's ledger must all succeed for the reading to replace the cached
  one, so the values exported together always come from the same read.
* **Failure and staleness.** :meth:`BillingCollector.collect` never raises (a collector that raises
  fails the whole exposition: an HTTP 500 from the exporter, no textfile). When a read fails (any
  exception from the billing object) or is still running after ``max_wait``,
  ``aimlapi_scrape_success`` is 0 and the values of the last successful read are still exported,
  with ``aimlapi_data_stale`` 1 and
  ``aimlapi_last_success_timestamp_seconds`` saying how old they are: alert on those rather than
  letting the balance series vanish (and ``absent()`` fire) on every network hiccup. Before any
  successful read there is nothing to show: no value series and no last-success timestamp.

* **Per-key usage is a part of its own.** With ``key_budgets`` (each key's spend in its limit
  period, :meth:`KeysResource.budgets`) or ``model_window`` (spend by model), a read also asks the
  usage endpoints, after the balance, in the same thread. The balance keeps its own schedule: a
  usage part still running never delays the next balance read, and at most one usage part runs at
  a time (a read that finds one running skips its own). The balance part is published as soon as
  it ends: scrapes wait (up to ``max_wait``) for it alone, so a
  request per key and window never makes a scrape slow or overdue; the per-key series of a read
  show from the first scrape after it ends (a one-shot exposition, ``max_wait=None``, waits for
  the whole read). The usage part failing (say, a 403 of an account out of credits) never fails the
  read: the balance is exported fresh, ``aimlapi_usage_scrape_success`` is 0, and the per-key series
  of the last good usage part stay. A regular key is no failure at all: its own key is exported,
  with ``aimlapi_keys_own_key_only`` 1 (only for the 403 that says a management key is needed;
  another 403, an exhausted balance, fails the usage part).

Metrics (gauges; none carries the account's user id, e-mail or API key; the only labels are the
constant ones you give, e.g. ``account`` in the multi-account exporter, ``model``, and
``key_prefix`` with ``key_name`` on the per-key series: the prefix is the key's public identifier,
its first 8 characters as the vendor's dashboard shows them, never the key; every label value from
server text has any echo of the key redacted, is made printable, so encodable, and is cut to 120
characters by :func:`~aimlapi_billing._redaction.label_text`):

================================================  =========================================================
``aimlapi_balance_usd``                           balance in USD (``GET /v2/billing/detail``)
``aimlapi_balance_credits``                       balance in credits (``GET /v1/billing/balance``)
``aimlapi_low_balance``                           1 when the API flags the balance as low
``aimlapi_autotopup_enabled``                     1 when auto top-up is on (omitted if the API leaves it unset),
                                                  by ``GET /v2/billing/detail``, as the other auto top-up series
``aimlapi_autotopup_sources_disagree``            1 when the legacy flag of ``GET /v1/billing/balance``
                                                  (``autoDebitStatus``) contradicts it, 0 when they agree
``aimlapi_autotopup_threshold_usd``               auto top-up threshold (omitted if unset)
``aimlapi_autotopup_amount_usd``                  auto top-up amount (omitted if unset)
``aimlapi_runway_days``                           days until the balance runs out, +Inf when nothing is spent
                                                  (only with ``forecast_window``, as the four below)
``aimlapi_daily_burn_usd``                        US dollars spent per day, averaged over the forecast window
``aimlapi_window_spend_usd``                      US dollars spent (CHARGE entries) over the forecast window
``aimlapi_window_spend_by_model_usd{model}``      the same for the 10 costliest models (``(no model)``: expiries etc.)
``aimlapi_spend_24h_usd``                         US dollars spent in the 24 hours before the read
``aimlapi_key_spend_usd{key_prefix,key_name}``   a key's spend in its current limit period (only with
                                                  ``key_budgets``, as the other ``aimlapi_key_`` series)
``aimlapi_key_limit_usd``                         the key's spending limit (threshold) per period
``aimlapi_key_limit_utilisation_ratio``           spend / limit: 1 is the limit reached (+Inf: over a 0 limit)
``aimlapi_key_period_start_timestamp_seconds``    Unix time the key's current limit period started
``aimlapi_key_monthly_usage_usd``                 the key record's ``monthly_usage`` (every key, limited or not)
``aimlapi_key_month_usage_usd``                   the key's usage total since the 1st 00:00 UTC (the cross-check)
``aimlapi_key_disabled``                          1 when the key is disabled
``aimlapi_keys_own_key_only``                     1 when the API key is a regular one: only its own key is read
                                                  (with ``key_budgets`` or ``model_window``)
``aimlapi_model_spend_usd{model}``                US dollars per model over ``model_window``, summed over the
                                                  keys read, the ``top_models`` costliest plus ``(other)``
``aimlapi_model_spend_window_seconds``            the length of that window
``aimlapi_usage_scrape_success``                  1 when the last read of the per-key usage succeeded
``aimlapi_scrape_success``                        1 when the last read succeeded
``aimlapi_scrape_duration_seconds``               duration of the last read, successful or not
``aimlapi_data_stale``                            1 when the values are from an earlier read (the last failed)
``aimlapi_last_success_timestamp_seconds``        Unix time of the last successful read
================================================  =========================================================
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import errno
import logging
import math
import os
import pathlib
import re
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIServer

from aimlapi_billing_client.types import Unset

from ._client import AsyncBilling, Billing
from ._exceptions import AIMLAPIError, ConfigurationError, InvalidParameterError, PermissionDeniedError
from ._exporter_config import ACCOUNT_NAME, MAX_SECONDS, MAX_TOP_MODELS, MAX_WINDOW, is_seconds
from ._exporter_server import MAX_CONNECTIONS, MAX_THREADS, REQUEST_TIMEOUT, ExporterServer, make_exporter_server
from ._forecast import DAY, NO_MODEL, TOP_MODELS, autotopup_enabled
from ._money import add, exact_sum, usd
from ._redaction import label_text

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from ._budgets import KeyBudget

#: The label of the models past the ``top_models`` costliest, summed (parenthesised: no model's name).
OTHER_MODELS = "(other)"

_MISSING_EXTRA_MESSAGE = "aimlapi_billing.metrics needs prometheus_client: pip install 'aimlapi-billing[metrics]'"


class _MissingExtraError(ConfigurationError, ImportError):
    """prometheus_client is not installed; also an ImportError, so optional-import idioms still work."""


try:
    from prometheus_client import CollectorRegistry, make_wsgi_app
    from prometheus_client import generate_latest as _generate_prometheus
    from prometheus_client.core import GaugeMetricFamily, Metric
    from prometheus_client.openmetrics.exposition import generate_latest as _generate_openmetrics
except ImportError as exc:
    raise _MissingExtraError(_MISSING_EXTRA_MESSAGE) from exc

if TYPE_CHECKING:
    from prometheus_client.registry import Collector

__all__ = [
    "FORMATS",
    "METRICS_PATH",
    "PROBE_PATH",
    "BillingCollector",
    "build_registry",
    "exposition",
    "make_exporter",
    "make_probe_exporter",
    "server_url",
    "write_textfile",
]

logger = logging.getLogger(__name__)

#: The formats :func:`exposition` writes.
FORMATS = ("openmetrics", "prometheus")
#: Where :func:`make_exporter` serves the metrics.
METRICS_PATH = "/metrics"
#: Where :func:`make_probe_exporter` serves one account's metrics (``?account=NAME``).
PROBE_PATH = "/probe"

# name (without the unit), unit, HELP
_BALANCE_USD = ("aimlapi_balance", "usd", "Balance of the AIML API account in US dollars (GET /v2/billing/detail).")
_BALANCE_CREDITS = (
    "aimlapi_balance",
    "credits",
    "Balance of the AIML API account in credits, 2,000,000 credits to the dollar (GET /v1/billing/balance).",
)
_LOW_BALANCE = ("aimlapi_low_balance", "", "1 if the AIML API flags the balance as below its low-balance threshold.")
_AUTOTOPUP_ENABLED = ("aimlapi_autotopup_enabled", "", "1 if auto top-up is enabled on the AIML API account.")
_AUTOTOPUP_THRESHOLD = (
    "aimlapi_autotopup_threshold",
    "usd",
    "Balance in US dollars below which auto top-up refills the AIML API account.",
)
_AUTOTOPUP_AMOUNT = ("aimlapi_autotopup_amount", "usd", "US dollars each auto top-up adds to the AIML API account.")
_AUTOTOPUP_SOURCES_DISAGREE = (
    "aimlapi_autotopup_sources_disagree",
    "",
    "1 if the legacy autoDebitStatus of GET /v1/billing/balance contradicts the auto top-up setting of "
    "GET /v2/billing/detail, the one aimlapi_autotopup_enabled and the alert rules follow; 0 if they agree.",
)
#: The values of the legacy ``autoDebitStatus`` this version reads; any other is compared with nothing.
_LEGACY_AUTOTOPUP = {"enabled": True, "disabled": False}
_RUNWAY = (
    "aimlapi_runway",
    "days",
    "Days until the AIML API balance runs out at the daily spend averaged over the forecast window "
    "(+Inf when nothing was spent).",
)
_DAILY_BURN = (
    "aimlapi_daily_burn",
    "usd",
    "US dollars spent per day on the AIML API account, averaged over the forecast window.",
)
_WINDOW_SPEND = (
    "aimlapi_window_spend",
    "usd",
    "US dollars spent (CHARGE ledger entries) on the AIML API account over the forecast window.",
)
_WINDOW_SPEND_BY_MODEL = (
    "aimlapi_window_spend_by_model",
    "usd",
    f"US dollars spent on the AIML API account over the forecast window, for the {TOP_MODELS} costliest models "
    f"(model {NO_MODEL!r}: charges without a model, such as expired credits).",
)
_SPEND_24H = (
    "aimlapi_spend_24h",
    "usd",
    "US dollars spent (CHARGE ledger entries) on the AIML API account in the 24 hours before the read.",
)
_KEY_SPEND = (
    "aimlapi_key_spend",
    "usd",
    "US dollars an AIML API key spent in its current limit period (UTC calendar day, week from Monday, month "
    "from the 1st, or since creation for no_reset; a month key: the larger of usage and monthly_usage).",
)
_KEY_LIMIT = ("aimlapi_key_limit", "usd", "Spending limit (threshold) of an AIML API key per limit period, in USD.")
_KEY_UTILISATION = (
    "aimlapi_key_limit_utilisation",
    "ratio",
    "Spend of an AIML API key in its current limit period divided by its limit: 1 is the limit reached "
    "(+Inf: spent against a limit of 0).",
)
_KEY_PERIOD_START = (
    "aimlapi_key_period_start_timestamp",
    "seconds",
    "Unix time at which the current limit period of an AIML API key started.",
)
_KEY_MONTHLY_USAGE = (
    "aimlapi_key_monthly_usage",
    "usd",
    "The monthly_usage an AIML API key's record reports, in USD.",
)
_KEY_MONTH_USAGE = (
    "aimlapi_key_month_usage",
    "usd",
    "US dollars an AIML API key spent since the 1st of the month 00:00 UTC, by GET /v2/usage "
    "(compare with aimlapi_key_monthly_usage_usd).",
)
_KEY_DISABLED = ("aimlapi_key_disabled", "", "1 if the AIML API key is disabled.")
_OWN_KEY_ONLY = (
    "aimlapi_keys_own_key_only",
    "",
    "1 if the exporter's API key is a regular key, so the per-key series and the spend by model cover "
    "its own key alone.",
)
_MODEL_SPEND = (
    "aimlapi_model_spend",
    "usd",
    f"US dollars spent per model over the model window, by GET /v2/usage/detail of every key read; the costliest "
    f"models, the rest summed as {OTHER_MODELS!r}.",
)
_MODEL_WINDOW = ("aimlapi_model_spend_window", "seconds", "Length of the window aimlapi_model_spend_usd covers.")
_USAGE_SUCCESS = (
    "aimlapi_usage_scrape_success",
    "",
    "1 if the last read of the per-key usage (key budgets, spend by model) succeeded.",
)
_SCRAPE_SUCCESS = ("aimlapi_scrape_success", "", "1 if the last read of the AIML API billing endpoints succeeded.")
_SCRAPE_DURATION = (
    "aimlapi_scrape_duration",
    "seconds",
    "Duration of the last read of the AIML API billing endpoints, successful or not.",
)
_DATA_STALE = (
    "aimlapi_data_stale",
    "",
    "1 if the values shown come from an earlier successful read because the last read failed.",
)
_LAST_SUCCESS = (
    "aimlapi_last_success_timestamp",
    "seconds",
    "Unix time of the last successful read of the AIML API billing endpoints.",
)


def _gauge(
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


@dataclass(frozen=True)
class _Reading:
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
    usage: _UsageReading | None = None
    usage_ok: bool | None = None


@dataclass(frozen=True)
class _KeySeries:
    """One key's per-key series; ``None`` where the key has no limit (or a period this SDK does not know)."""

    prefix: str
    name: str
    disabled: bool
    spend_usd: float | None
    limit_usd: float | None
    utilisation: float | None
    period_start: float | None
    monthly_usage_usd: float
    month_usage_usd: float


@dataclass(frozen=True)
class _UsageReading:
    keys: tuple[_KeySeries, ...] | None  # None: key_budgets off
    own_key_only: bool
    model_spend: tuple[tuple[str, float], ...] | None  # None: no model_window


def _key_series(budget: KeyBudget, redact: Callable[[str], str]) -> _KeySeries:
    from ._budgets import identity

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    prefix, name = identity(budget, redact)
    return _KeySeries(
        prefix=label_text(prefix, str),
        name=label_text(name, str),
        disabled=budget.disabled,
        spend_usd=number(budget.spend),
        limit_usd=number(budget.threshold) if budget.spend is not None else None,
        utilisation=budget.utilisation,
        period_start=None if budget.period_start is None else budget.period_start.timestamp(),
        monthly_usage_usd=float(budget.monthly_usage),
        month_usage_usd=float(budget.month_usage),
    )


def _merged(pairs: Iterable[tuple[str, Decimal]]) -> tuple[tuple[str, float], ...]:
    """Spend by model with the names made label values, added up where two became one, in order."""
    totals: dict[str, Decimal] = {}
    for name, spent in pairs:
        totals[name] = add(totals.get(name, Decimal(0)), spent)
    return tuple((name, float(spent)) for name, spent in totals.items())


def rank_models(totals: Mapping[str, Decimal], count: int) -> list[tuple[str, Decimal]]:
    """The ``count`` costliest models, highest first (ties by name), and the rest summed as
    :data:`OTHER_MODELS` (a model the server itself calls that is summed there too, never a duplicate series)."""
    ranked = sorted(((m, v) for m, v in totals.items() if m != OTHER_MODELS), key=lambda item: (-item[1], item[0]))
    rest = [spent for _, spent in ranked[count:]]
    if OTHER_MODELS in totals:
        rest.append(totals[OTHER_MODELS])
    return ranked[:count] + ([(OTHER_MODELS, exact_sum(rest))] if rest else [])


def _optional(value: Decimal | Unset | None) -> float | None:
    return None if value is None or isinstance(value, Unset) else float(value)


def _flag(value: bool | None) -> float | None:
    """A yes/no as a gauge's 1.0 or 0.0; None (nothing exported) when unknown."""
    return None if value is None else float(value)


class BillingCollector:
    """A prometheus_client collector that reads the balance at scrape time, at most once per ``min_interval``.

    Args:
        billing: A synchronous :class:`~aimlapi_billing.Billing`; it stays yours to close. Its
            timeout, retries and deadline bound how long one read of the API can take.
        min_interval: Seconds between reads of the API; scrapes in between are served from the cache.
        forecast_window: Also export the runway, the daily burn and the spend (by model, and in the
            last 24 hours), reading the ledger.
        max_wait: Seconds a scrape waits for a read it needs; ``None`` waits until the read ends (a
            one-shot exposition). A scrape that stops waiting is answered from the last result, with
            ``aimlapi_scrape_success`` 0 while the read it waited for is still running. Keep it below
            Prometheus's ``scrape_timeout``.
        labels: Constant labels on every sample, e.g. ``{"account": "team-a"}``.
        clock: Monotonic seconds, for the interval (injectable for tests).

    At most one read is in flight: it runs in a thread of its own, and scrapes that arrive meanwhile
    wait for it (up to ``max_wait``) instead of starting another. An upstream that never answers
    therefore costs one thread and one request, however often Prometheus scrapes.
    """

    def __init__(
        self,
        billing: Billing,
        *,
        min_interval: float = 60.0,
        forecast_window: datetime.timedelta | None = None,
        max_wait: float | None = None,
        labels: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        key_budgets: bool = False,
        model_window: datetime.timedelta | None = None,
        top_models: int = TOP_MODELS,
    ) -> None:
        if isinstance(billing, AsyncBilling):
            raise ConfigurationError("BillingCollector reads at scrape time and needs a Billing, not an AsyncBilling")
        _check_seconds("min_interval", min_interval)
        if max_wait is not None:
            _check_seconds("max_wait", max_wait)
        if forecast_window is not None and (
            not isinstance(forecast_window, datetime.timedelta)
            or not datetime.timedelta(0) < forecast_window <= MAX_WINDOW
        ):
            raise InvalidParameterError(
                f"forecast_window must be a positive timedelta of {MAX_WINDOW.days} days or less, "
                f"not {forecast_window!r}"
            )
        if not isinstance(key_budgets, bool):
            raise InvalidParameterError(f"key_budgets must be True or False, not {key_budgets!r}")
        if model_window is not None and (
            not isinstance(model_window, datetime.timedelta) or not datetime.timedelta(0) < model_window <= MAX_WINDOW
        ):
            raise InvalidParameterError(
                f"model_window must be a positive timedelta of {MAX_WINDOW.days} days or less, not {model_window!r}"
            )
        if isinstance(top_models, bool) or not isinstance(top_models, int) or not 1 <= top_models <= MAX_TOP_MODELS:
            raise InvalidParameterError(
                f"top_models must be a whole number from 1 to {MAX_TOP_MODELS}, not {top_models!r}"
            )
        self._key_budgets = key_budgets
        self._model_window = model_window
        self._top_models = top_models
        self._billing = billing
        self._min_interval = float(min_interval)
        self._forecast_window = forecast_window
        self._max_wait = None if max_wait is None else float(max_wait)
        self._labels = _checked_labels(labels or {})
        self._clock = clock
        self._lock = threading.Lock()
        self._last_attempt_at: float | None = None  # clock() when the last read ended
        self._last_duration = 0.0
        self._last_ok = False
        self._reading: _Reading | None = None  # the last successful read
        # A read is its balance part (what scrapes wait for), then, with key_budgets or a model_window,
        # its per-key usage part in the same thread: _in_flight is set when the first ends, _read_done
        # when the whole read does (what a one-shot exposition waits for). The next read is due
        # min_interval after the balance part ended, whether a usage part still runs or not.
        self._in_flight: threading.Event | None = None
        self._read_done: threading.Event | None = None
        self._usage_running = False  # a read's usage part is running (at most one at a time)
        self._in_flight_since = 0.0  # time.perf_counter() when the running read started
        #: The exception of the last read if it failed, else None (for one-shot callers' exit codes).
        self.last_error: Exception | None = None
        #: The exception of the last read's per-key usage part if it failed, else None.
        self.last_usage_error: Exception | None = None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self._billing!r}, min_interval={self._min_interval}, "
            f"forecast_window={self._forecast_window!r}, max_wait={self._max_wait!r}, labels={self._labels!r}, "
            f"key_budgets={self._key_budgets!r}, model_window={self._model_window!r}, top_models={self._top_models})"
        )

    def _redact(self, text: str) -> str:
        return self._billing._redact(text) if isinstance(self._billing, Billing) else text

    @property
    def _reads_usage(self) -> bool:
        return self._key_budgets or self._model_window is not None

    def describe(self) -> Iterable[Metric]:
        """Every family this collector may emit, without values: registering it reads nothing."""
        specs = [_BALANCE_USD, _BALANCE_CREDITS, _LOW_BALANCE, _AUTOTOPUP_ENABLED, _AUTOTOPUP_THRESHOLD]
        specs += [_AUTOTOPUP_AMOUNT, *(_FORECAST_SPECS if self._forecast_window is not None else []), _LAST_SUCCESS]
        specs += [_SCRAPE_SUCCESS, _SCRAPE_DURATION, _DATA_STALE]
        specs += _KEY_SPECS if self._key_budgets else []
        specs += [_MODEL_SPEND, _MODEL_WINDOW] if self._model_window is not None else []
        specs += [_OWN_KEY_ONLY, _USAGE_SUCCESS] if self._reads_usage else []
        return [_gauge(spec) for spec in specs]

    def collect(self) -> Iterator[Metric]:
        """The last result, after starting (and waiting up to ``max_wait`` for) a read if it is due. Never raises."""
        done = self._start_read_if_due()
        if done is not None:
            done.wait(self._max_wait)  # max_wait None: a one-shot exposition, which waits for the whole read
        with self._lock:
            reading, ok, duration = self._reading, self._last_ok, self._last_duration
            if self._in_flight is not None and self._max_wait is not None:
                running_for = time.perf_counter() - self._in_flight_since
                if running_for >= self._max_wait:  # overdue: a read that has not answered is a failing one
                    ok, duration = False, running_for
        labels = self._labels
        if reading is not None:
            yield _gauge(_BALANCE_USD, reading.balance_usd, labels)
            yield _gauge(_BALANCE_CREDITS, reading.balance_credits, labels)
            yield _gauge(_LOW_BALANCE, 1.0 if reading.low_balance else 0.0, labels)
            optional = [
                (_AUTOTOPUP_ENABLED, _flag(reading.autotopup_enabled)),
                (_AUTOTOPUP_THRESHOLD, reading.autotopup_threshold_usd),
                (_AUTOTOPUP_AMOUNT, reading.autotopup_amount_usd),
                (_AUTOTOPUP_SOURCES_DISAGREE, _flag(reading.autotopup_sources_disagree)),
                (_RUNWAY, reading.runway_days),
                (_DAILY_BURN, reading.daily_burn_usd),
                (_WINDOW_SPEND, reading.window_spend_usd),
                (_SPEND_24H, reading.spend_24h_usd),
            ]
            yield from (_gauge(spec, number, labels) for spec, number in optional if number is not None)
            if reading.window_spend_usd is not None:
                by_model = _gauge(_WINDOW_SPEND_BY_MODEL, labels={**labels, "model": ""})
                for model, spent in reading.spend_by_model:
                    by_model.add_metric([*labels.values(), model], spent)
                yield by_model
            if reading.usage is not None:
                yield from self._usage_families(reading.usage)
            yield _gauge(_LAST_SUCCESS, reading.unix_time, labels)
            if reading.usage_ok is not None:  # None: the first usage part has not ended yet
                yield _gauge(_USAGE_SUCCESS, 1.0 if reading.usage_ok and ok else 0.0, labels)
        elif self._reads_usage and self._last_attempt_at is not None:
            yield _gauge(_USAGE_SUCCESS, 0.0, labels)
        yield _gauge(_SCRAPE_SUCCESS, 1.0 if ok else 0.0, labels)
        yield _gauge(_SCRAPE_DURATION, duration, labels)
        yield _gauge(_DATA_STALE, 1.0 if reading is not None and not ok else 0.0, labels)

    def _usage_families(self, usage: _UsageReading) -> Iterator[Metric]:
        labels = self._labels
        if usage.keys is not None:
            names = [*labels, "key_prefix", "key_name"]
            values: list[Callable[[_KeySeries], float | None]] = [
                lambda key: key.spend_usd,
                lambda key: key.limit_usd,
                lambda key: key.utilisation,
                lambda key: key.period_start,
                lambda key: key.monthly_usage_usd,
                lambda key: key.month_usage_usd,
                lambda key: 1.0 if key.disabled else 0.0,
            ]
            for spec, value in zip(_KEY_SPECS, values, strict=True):
                family = GaugeMetricFamily(spec[0], spec[2], labels=names, unit=spec[1])
                for key in usage.keys:
                    number = value(key)
                    if number is not None:
                        family.add_metric([*labels.values(), key.prefix, key.name], number)
                yield family
        if usage.model_spend is not None and self._model_window is not None:
            by_model = _gauge(_MODEL_SPEND, labels={**labels, "model": ""})
            for model, spent in usage.model_spend:
                by_model.add_metric([*labels.values(), model], spent)
            yield by_model
            yield _gauge(_MODEL_WINDOW, self._model_window.total_seconds(), labels)
        yield _gauge(_OWN_KEY_ONLY, 1.0 if usage.own_key_only else 0.0, labels)

    def _start_read_if_due(self) -> threading.Event | None:
        """What a scrape waits for: the running read's balance part (the whole read without a
        ``max_wait``), starting a read if the cache is old and no balance part runs; None if nothing runs.

        The balance keeps its own schedule: a per-key usage part still running from an earlier read
        (a request per key and window, each up to the deadline) never delays the next balance read;
        it only keeps a second usage part from starting."""
        with self._lock:
            if self._in_flight is None and (
                self._last_attempt_at is None or self._clock() - self._last_attempt_at >= self._min_interval
            ):
                self._in_flight, self._read_done = threading.Event(), threading.Event()
                self._in_flight_since = time.perf_counter()
                threading.Thread(
                    target=self._refresh, args=(self._in_flight, self._read_done), name="aimlapi-read", daemon=True
                ).start()
            return self._read_done if self._max_wait is None else self._in_flight

    def _refresh(self, balance_done: threading.Event, read_done: threading.Event) -> None:
        """One read of the API, in its own thread; a failure keeps the last good reading.

        The balance part is published as soon as it ends, so the per-key usage part (a request per
        key and window) never holds up a scrape, nor makes it count as overdue; it is skipped when
        the usage part of an earlier read is still running (at most one in flight)."""
        started = time.perf_counter()
        reading: _Reading | None = None
        error: Exception | None = None
        usage_part = False
        try:
            reading = self._read()
        except Exception as exc:
            error = exc
            self._log_failure(exc)
        finally:
            with self._lock:
                if reading is not None:  # the last per-key values stay until this read's usage part ends
                    previous = self._reading
                    kept = (None, None) if previous is None else (previous.usage, previous.usage_ok)
                    self._reading = dataclasses.replace(reading, usage=kept[0], usage_ok=kept[1])
                self._last_ok, self.last_error = reading is not None, error
                self._last_duration = time.perf_counter() - started
                self._in_flight = None
                self._last_attempt_at = self._clock()  # the balance's schedule: from the end of its part
                usage_part = reading is not None and self._reads_usage and not self._usage_running
                self._usage_running = self._usage_running or usage_part
                if not usage_part and self._read_done is read_done:
                    self._read_done = None
            balance_done.set()
            if not usage_part:
                read_done.set()
        if not usage_part:
            return
        usage, usage_ok = (self._reading.usage if self._reading is not None else None), False
        try:
            usage, usage_ok = self._read_usage_part()
        finally:  # whatever happened, the usage part is over: the next read may start another
            with self._lock:
                if self._reading is not None:
                    self._reading = dataclasses.replace(self._reading, usage=usage, usage_ok=usage_ok)
                self._usage_running = False
                if self._read_done is read_done:
                    self._read_done = None
            read_done.set()

    def _log_failure(self, exc: Exception, what: str = "balance", shown: str | None = None) -> None:
        if shown is not None:
            pass
        elif self._reading is None:
            shown = "no values to export yet"
        else:
            shown = f"exporting the values read {time.time() - self._reading.unix_time:.0f} s ago as stale"
        where = "".join(f" ({name} {value})" for name, value in self._labels.items())
        if isinstance(exc, AIMLAPIError):  # the SDK's messages are already redacted
            logger.warning("Reading the AIML API %s%s failed (%s: %s); %s", what, where, type(exc).__name__, exc, shown)
            return
        # Not the SDK's own error: a bug, or a stand-in billing object. Keep the traceback, minus the key.
        details = "".join(traceback.format_exception(exc)).rstrip()
        if isinstance(self._billing, Billing):
            details = self._billing._redact(details)
        logger.warning("Reading the AIML API %s%s failed unexpectedly; %s\n%s", what, where, shown, details)

    def _read(self) -> _Reading:
        detail = self._billing.detail()  # in USD: the client refuses any other currency
        balance = self._billing.balance()
        settings = detail.autotopup_settings
        # The current endpoint's setting is exported; the legacy flag only says when it contradicts it.
        enabled = autotopup_enabled(settings)
        legacy = _LEGACY_AUTOTOPUP.get(balance.auto_debit_status.strip().lower())
        reading = _Reading(
            balance_usd=float(detail.current_balance),
            balance_credits=float(balance.balance),
            low_balance=bool(balance.low_balance),
            autotopup_enabled=enabled,
            autotopup_threshold_usd=_optional(settings.threshold),
            autotopup_amount_usd=_optional(settings.amount),
            runway_days=None,
            unix_time=time.time(),
            autotopup_sources_disagree=None if enabled is None or legacy is None else enabled is not legacy,
        )
        if self._forecast_window is None:
            return reading
        forecast = self._billing.forecast(window=self._forecast_window, detail=detail)
        since = datetime.datetime.now(datetime.UTC) - DAY
        spend_24h = exact_sum(
            usd(entry.amount.usd, "a ledger entry's amount.usd", at_least_zero=True)
            for entry in self._billing.transactions(from_=since, direction="CHARGE")
        )
        return dataclasses.replace(
            reading,
            runway_days=math.inf if forecast.runway_days is None else float(forecast.runway_days),
            daily_burn_usd=float(forecast.daily_burn_usd),
            window_spend_usd=float(forecast.spend_usd),
            spend_by_model=_merged(
                (label_text(model, self._redact), spent) for model, spent in forecast.spend_by_model
            ),
            spend_24h_usd=float(spend_24h),
        )

    def _read_usage_part(self) -> tuple[_UsageReading | None, bool]:
        """The per-key usage, fresh; or after a failure the last good one, marked failed."""
        try:
            usage = self._read_usage()
        except Exception as exc:
            previous = self._reading.usage if self._reading is not None else None
            shown = "no per-key values to export yet" if previous is None else "keeping the last per-key values"
            self._log_failure(exc, "per-key usage", shown)
            self.last_usage_error = exc
            return previous, False
        self.last_usage_error = None
        return usage, True

    def _read_usage(self) -> _UsageReading:
        now = datetime.datetime.now(datetime.UTC)
        keys: tuple[_KeySeries, ...] | None = None
        own_key_only = False
        prefixes: list[str | None] = []
        if self._key_budgets:
            report = self._billing.keys.budgets(as_of=now)
            keys = tuple(_key_series(budget, self._redact) for budget in report)
            own_key_only = report.only_own_key
            prefixes = [None] if own_key_only else [budget.prefix for budget in report]
        elif self._model_window is not None:
            try:
                prefixes = [key.prefix for key in self._billing.keys.list()]
            except PermissionDeniedError as exc:  # a regular key: its own usage is all it may read
                from ._budgets import is_regular_key_refusal

                if not is_regular_key_refusal(exc):  # out of credits, say: a failure, as budgets() has it
                    raise
                prefixes, own_key_only = [None], True
        model_spend = None
        if self._model_window is not None:
            totals: dict[str, Decimal] = {}
            for prefix in prefixes:
                detail = self._billing.usage.detail(start=now - self._model_window, end=now, key_prefix=prefix)
                for model in detail.models:
                    # Server text: a label value made printable, bounded and free of the key first,
                    # so two names that become one label add up rather than make a duplicate series.
                    name = label_text(model.model, self._redact)
                    totals[name] = add(totals.get(name, Decimal(0)), model.spend)
            model_spend = tuple((name, float(spent)) for name, spent in rank_models(totals, self._top_models))
        return _UsageReading(keys, own_key_only, model_spend)


_FORECAST_SPECS = [_RUNWAY, _DAILY_BURN, _WINDOW_SPEND, _WINDOW_SPEND_BY_MODEL, _SPEND_24H]


_KEY_SPECS = [
    _KEY_SPEND,
    _KEY_LIMIT,
    _KEY_UTILISATION,
    _KEY_PERIOD_START,
    _KEY_MONTHLY_USAGE,
    _KEY_MONTH_USAGE,
    _KEY_DISABLED,
]
#: Label names of the collector's own families, which constant labels must not take.
_RESERVED_LABELS = ("model", "key_prefix", "key_name")

_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _checked_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Constant labels: valid Prometheus names, string values, none reserved or used by a family."""
    for name, value in labels.items():
        if (
            not isinstance(name, str)
            or not _LABEL_NAME.fullmatch(name)
            or name.startswith("__")
            or name in _RESERVED_LABELS
        ):
            raise InvalidParameterError(f"labels: {name!r} is not a label name this collector can add")
        if not isinstance(value, str):
            raise InvalidParameterError(f"labels: the value of {name!r} must be a string, not {type(value).__name__}")
    return dict(labels)


def _check_seconds(name: str, seconds: object) -> None:
    # Bounded: a thread waits max_wait seconds, and a wait past threading.TIMEOUT_MAX raises in every scrape.
    if not is_seconds(seconds):
        raise InvalidParameterError(f"{name} must be a number of seconds from 0 to {MAX_SECONDS}, not {seconds!r}")


def build_registry(collector: Collector) -> CollectorRegistry:
    """A new registry holding ``collector`` alone (never prometheus_client's global ``REGISTRY``)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def exposition(registry: Collector, fmt: str = "openmetrics") -> bytes:
    """The registry's metrics as text: ``"openmetrics"`` (with ``# UNIT`` and ``# EOF``) or ``"prometheus"``."""
    if fmt == "openmetrics":
        data: bytes = _generate_openmetrics(registry)  # type: ignore[no-untyped-call]
        return data
    if fmt == "prometheus":
        return _generate_prometheus(registry)
    raise InvalidParameterError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")


def write_textfile(path: pathlib.Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, for node_exporter's textfile collector.

    The bytes go to a temporary file in the same directory, named with a leading dot so the
    collector's ``*.prom`` glob skips it, are fsynced, made world-readable (0644) and renamed over
    ``path``: a reader sees the old file or the new one, never a partial write. On failure the
    temporary file is removed and the error raised.
    """
    path = pathlib.Path(path)
    directory = path.parent
    if path.exists() and not path.is_file():  # a rename would replace a device such as /dev/null
        raise OSError(errno.EINVAL, "not a regular file, so not replaced", str(path))
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; node_exporter often runs as another user
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # Make the rename itself durable; not every platform can open or fsync a directory.
    with contextlib.suppress(OSError):
        directory_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)


def _route(metrics_app: WSGIApplication) -> WSGIApplication:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") in (METRICS_PATH, METRICS_PATH + "/"):
            return metrics_app(environ, start_response)
        return _text(start_response, "404 Not Found", f"Not found: the metrics are at {METRICS_PATH}")

    return app


def _text(start_response: StartResponse, status: str, message: str) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [message.encode() + b"\n"]


#: How many distinct unknown account names the probe exporter logs; a scanner cannot flood the log.
_UNKNOWN_ACCOUNTS_LOGGED = 20


def _probe_route(apps: Mapping[str, WSGIApplication]) -> WSGIApplication:
    # The answers never list the configured accounts: an agency's account names are its client list,
    # and anyone who can reach the port may ask. The operator finds unknown names on stderr instead.
    logged: set[str] = set()
    lock = threading.Lock()

    def log_unknown(shown: str, environ: WSGIEnvironment) -> None:
        with lock:
            if shown in logged or len(logged) >= _UNKNOWN_ACCOUNTS_LOGGED:
                return
            logged.add(shown)
            last = len(logged) == _UNKNOWN_ACCOUNTS_LOGGED
        client = ascii(str(environ.get("REMOTE_ADDR", "?")))[1:-1]
        logger.warning(
            "%s?account=%s from %s: no such account in the exporter's config (each unknown name is logged once)%s",
            PROBE_PATH,
            shown,
            client,
            f"; that makes {_UNKNOWN_ACCOUNTS_LOGGED}: further ones are not logged" if last else "",
        )

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") not in (PROBE_PATH, PROBE_PATH + "/"):
            return _text(
                start_response, "404 Not Found", f"Not found: each account's metrics are at {PROBE_PATH}?account=NAME"
            )
        names = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get("account", [])
        if len(names) != 1:
            return _text(
                start_response,
                "400 Bad Request",
                f"Give one account: {PROBE_PATH}?account=NAME, a name from the exporter's config file",
            )
        target = apps.get(names[0])
        if target is None:
            # Sanitized: a name that is not an account name may hold anything, newlines and escapes too.
            shown = names[0] if ACCOUNT_NAME.fullmatch(names[0]) else "(not an account name)"
            log_unknown(shown if shown == names[0] else ascii(names[0][:64]), environ)
            return _text(
                start_response, "404 Not Found", f"Unknown account {shown}: see the exporter's config for the names"
            )
        # prometheus_client's app would read ?name[]= filters; the account is ours, so drop the query.
        return target({**environ, "QUERY_STRING": ""}, start_response)

    return app


def _head_as_get(app: WSGIApplication) -> WSGIApplication:
    """HEAD answered as GET, headers and status alike, without the body (health checks use HEAD).

    prometheus_client's app allows only GET and OPTIONS; wsgiref would send a body even to HEAD.
    """

    def head_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "HEAD":
            return app(environ, start_response)
        answer: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], object]:
            answer.append((status, headers))
            return len

        result = app({**environ, "REQUEST_METHOD": "GET"}, capture)
        try:
            length = sum(len(chunk) for chunk in result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = answer[-1]
        kept = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, [*kept, ("Content-Length", str(length))])  # what GET would send
        return []

    return head_app


def make_probe_exporter(
    collectors: Mapping[str, Collector],
    host: str = "127.0.0.1",
    port: int = 9464,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    max_threads: int = MAX_THREADS,
) -> ExporterServer:
    """The multi-target exporter: ``GET /probe?account=NAME`` serves that account's collector alone.

    The pattern of Prometheus's blackbox and SNMP exporters: one exporter, one scrape job whose
    targets are account names (see the README's ``relabel_configs``). Give each account its own
    :class:`BillingCollector` with ``labels={"account": NAME}``: its own cache and at most one read
    in flight, so a hanging account never holds up another. A request without exactly one
    ``account`` answers 400, an unknown one 404; neither reads anything, nor lists the configured
    accounts (an agency's client list): each unknown name is logged once, up to 20, as a warning.
    Otherwise as :func:`make_exporter`.
    """
    app = _probe_route({name: make_wsgi_app(build_registry(c)) for name, c in collectors.items()})
    return _serve(app, host, port, request_timeout, max_connections, max_threads)


def make_exporter(
    registry: Collector,
    host: str = "127.0.0.1",
    port: int = 9464,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    max_threads: int = MAX_THREADS,
) -> ExporterServer:
    """An HTTP server (not yet serving) with the registry's metrics at ``/metrics``.

    Content negotiation is prometheus_client's: OpenMetrics when the ``Accept`` header asks for
    ``application/openmetrics-text``, the classic text format otherwise. HEAD is answered as GET without
    the body. Complete requests are answered by up to ``max_threads`` threads at once, so a scrape
    waiting for the API does not hold up another (the collector's lock makes them share one read);
    requests still arriving cost no thread. A client has ``request_timeout`` seconds to send its request
    line and headers (at most 32 KiB), and as long to take the answer; at most ``max_connections``
    are open at once (see :mod:`aimlapi_billing._exporter_server`). Other paths answer 404 without
    reading the API. It binds now (``port=0`` picks a free port: see ``server.server_address``); call
    ``serve_forever()`` to serve, ``shutdown()`` and ``server_close()`` to stop. Loopback by
    default: exposing it further is the caller's decision.
    """
    return _serve(_route(make_wsgi_app(registry)), host, port, request_timeout, max_connections, max_threads)


def _serve(
    app: WSGIApplication, host: str, port: int, request_timeout: float, max_connections: int, max_threads: int
) -> ExporterServer:
    return make_exporter_server(
        _head_as_get(app),
        host,
        port,
        request_timeout=request_timeout,
        max_connections=max_connections,
        max_threads=max_threads,
    )


def server_url(server: WSGIServer) -> str:
    """``http://HOST:PORT`` of a server from :func:`make_exporter` or :func:`make_probe_exporter` (IPv6 in brackets)."""
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
