"""The collector: reads the API at scrape time, at most once per ``min_interval``, one read in flight.

See :mod:`aimlapi_billing.metrics` for the design and the metrics.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import math
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent import futures
from decimal import Decimal
from typing import TYPE_CHECKING

from prometheus_client.core import Metric

from .._client import AsyncBilling, Billing
from .._exceptions import AIMLAPIError, ConfigurationError, InvalidParameterError, PermissionDeniedError
from .._exporter.config import MAX_SECONDS, MAX_TOP_MODELS, MAX_WINDOW, is_seconds
from .._money import add, exact_sum, usd
from .._redaction import label_text, printable
from .._windows import window_bounds, window_text
from ..lib.forecast import DAY, TOP_MODELS, autotopup_enabled
from ..types.all_keys import missing_names
from .families import (
    AUTOTOPUP_AMOUNT,
    AUTOTOPUP_ENABLED,
    AUTOTOPUP_SOURCES_DISAGREE,
    AUTOTOPUP_THRESHOLD,
    BALANCE_CREDITS,
    BALANCE_USD,
    DAILY_BURN,
    DATA_STALE,
    FORECAST_SPECS,
    KEY_SPECS,
    LAST_SUCCESS,
    LEGACY_AUTOTOPUP,
    LOW_BALANCE,
    MODEL_SPEND,
    MODEL_SPEND_STALE,
    MODEL_WINDOW,
    OWN_KEY_ONLY,
    RESERVED_LABELS,
    RUNWAY,
    SCRAPE_DURATION,
    SCRAPE_SUCCESS,
    SPEND_24H,
    USAGE_SUCCESS,
    WINDOW_SPEND,
    WINDOW_SPEND_BY_MODEL,
    KeySeries,
    Reading,
    UsageReading,
    flag,
    gauge,
    gauge_value,
    key_families,
    key_series,
    merged,
    optional_number,
    rank_models,
    stale_keys,
)

__all__ = ["BillingCollector"]

if TYPE_CHECKING:
    from ..types.all_keys import MissingKey
    from ..types.usage import UsageReport

logger = logging.getLogger("aimlapi_billing.metrics")


class _InFlight:
    """One read of the API: ``balance`` is done when its balance part is published (what a scrape
    waits for, up to ``max_wait``), ``whole`` when the read ends, its usage part included (what a
    one-shot exposition waits for)."""

    __slots__ = ("balance", "started", "whole")

    def __init__(self) -> None:
        self.balance: futures.Future[None] = futures.Future()
        self.whole: futures.Future[None] = futures.Future()
        self.started = time.perf_counter()


class BillingCollector:
    """A prometheus_client collector that reads the balance at scrape time, at most once per ``min_interval``.

    Args:
        billing: A synchronous :class:`~aimlapi_billing.Billing`; it stays yours to close. Its
            timeout, retries and deadline bound how long one read of the API can take.
        min_interval: Seconds between reads of the API; scrapes in between are served from the cache.
        forecast_window: Also export the runway, the daily burn and the spend (by model, and in the
            last 24 hours), reading the ledger. A timedelta, or a window as ``usage --period`` takes it
            (``30d``, ``1mo``, ``this-month``), resolved at each read: ``1mo`` is the calendar month
            before that read. ``model_window`` alike.
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
        forecast_window: datetime.timedelta | str | None = None,
        max_wait: float | None = None,
        labels: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        key_budgets: bool = False,
        model_window: datetime.timedelta | str | None = None,
        top_models: int = TOP_MODELS,
    ) -> None:
        if isinstance(billing, AsyncBilling):
            raise ConfigurationError("BillingCollector reads at scrape time and needs a Billing, not an AsyncBilling")
        _check_seconds("min_interval", min_interval)
        if max_wait is not None:
            _check_seconds("max_wait", max_wait)
        forecast_window = _checked_window("forecast_window", forecast_window)
        if not isinstance(key_budgets, bool):
            raise InvalidParameterError(f"key_budgets must be True or False, not {key_budgets!r}")
        model_window = _checked_window("model_window", model_window)
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
        self._reading: Reading | None = None  # the last successful read
        # The latest read (at most one balance part in flight: a read starts only when the latest one's
        # balance part is done), and the read whose per-key usage part runs (at most one at a time).
        self._latest: _InFlight | None = None
        self._usage_of: _InFlight | None = None
        #: The exception of the last read if it failed, else None (for one-shot callers' exit codes).
        self.last_error: Exception | None = None
        #: The exception of the last read's per-key usage part if it failed, else None.
        self.last_usage_error: Exception | None = None
        #: The keys the last per-key usage read listed but did not measure (exported stale), and how many it listed.
        self.last_missing: tuple[MissingKey, ...] = ()
        self.last_listed = 0

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
        specs = [BALANCE_USD, BALANCE_CREDITS, LOW_BALANCE, AUTOTOPUP_ENABLED, AUTOTOPUP_THRESHOLD]
        specs += [AUTOTOPUP_AMOUNT, *(FORECAST_SPECS if self._forecast_window is not None else []), LAST_SUCCESS]
        specs += [SCRAPE_SUCCESS, SCRAPE_DURATION, DATA_STALE]
        specs += KEY_SPECS if self._key_budgets else []
        specs += [MODEL_SPEND, MODEL_SPEND_STALE, MODEL_WINDOW] if self._model_window is not None else []
        specs += [OWN_KEY_ONLY, USAGE_SUCCESS] if self._reads_usage else []
        return [gauge(spec) for spec in specs]

    def collect(self) -> Iterator[Metric]:
        """The last result, after starting (and waiting up to ``max_wait`` for) a read if it is due. Never raises."""
        latest = self._start_read_if_due()
        if latest is not None:
            # max_wait None: a one-shot exposition, which waits for the whole read, usage part included.
            futures.wait([latest.whole if self._max_wait is None else latest.balance], self._max_wait)
        with self._lock:
            reading, ok, duration = self._reading, self._last_ok, self._last_duration
            if latest is not None and not latest.balance.done() and self._max_wait is not None:
                running_for = time.perf_counter() - latest.started
                if running_for >= self._max_wait:  # overdue: a read that has not answered is a failing one
                    ok, duration = False, running_for
        labels = self._labels
        if reading is not None:
            yield gauge(BALANCE_USD, reading.balance_usd, labels)
            yield gauge(BALANCE_CREDITS, reading.balance_credits, labels)
            yield gauge(LOW_BALANCE, 1.0 if reading.low_balance else 0.0, labels)
            optional = [
                (AUTOTOPUP_ENABLED, flag(reading.autotopup_enabled)),
                (AUTOTOPUP_THRESHOLD, reading.autotopup_threshold_usd),
                (AUTOTOPUP_AMOUNT, reading.autotopup_amount_usd),
                (AUTOTOPUP_SOURCES_DISAGREE, flag(reading.autotopup_sources_disagree)),
                (RUNWAY, reading.runway_days),
                (DAILY_BURN, reading.daily_burn_usd),
                (WINDOW_SPEND, reading.window_spend_usd),
                (SPEND_24H, reading.spend_24h_usd),
            ]
            yield from (gauge(spec, number, labels) for spec, number in optional if number is not None)
            if reading.window_spend_usd is not None:
                by_model = gauge(WINDOW_SPEND_BY_MODEL, labels={**labels, "model": ""})
                for model, spent in reading.spend_by_model:
                    by_model.add_metric([*labels.values(), model], spent)
                yield by_model
            if reading.usage is not None:
                yield from self._usage_families(reading.usage, reading.usage_ok is False)
            elif self._model_window is not None and reading.usage_ok is False:  # no whole figure read yet
                yield gauge(MODEL_SPEND_STALE, 1.0, labels)
            yield gauge(LAST_SUCCESS, reading.unix_time, labels)
            if reading.usage_ok is not None:  # None: the first usage part has not ended yet
                yield gauge(USAGE_SUCCESS, 1.0 if reading.usage_ok and ok else 0.0, labels)
        elif self._reads_usage and self._last_attempt_at is not None:
            yield gauge(USAGE_SUCCESS, 0.0, labels)
            if self._model_window is not None:
                yield gauge(MODEL_SPEND_STALE, 1.0, labels)
        yield gauge(SCRAPE_SUCCESS, 1.0 if ok else 0.0, labels)
        yield gauge(SCRAPE_DURATION, duration, labels)
        yield gauge(DATA_STALE, 1.0 if reading is not None and not ok else 0.0, labels)

    def _usage_families(self, usage: UsageReading, failed: bool) -> Iterator[Metric]:
        """``failed``: the last usage read failed, so ``usage`` is an earlier one's."""
        labels = self._labels
        if usage.keys is not None:
            yield from key_families(usage.keys, labels)
        if self._model_window is not None:
            yield gauge(MODEL_SPEND_STALE, 1.0 if usage.model_spend_stale or failed else 0.0, labels)
        if usage.model_spend is not None and self._model_window is not None:
            by_model = gauge(MODEL_SPEND, labels={**labels, "model": ""})
            for model, spent in usage.model_spend:
                by_model.add_metric([*labels.values(), model], spent)
            yield by_model
            yield gauge(MODEL_WINDOW, usage.window_seconds, labels)
        yield gauge(OWN_KEY_ONLY, 1.0 if usage.own_key_only else 0.0, labels)

    def _start_read_if_due(self) -> _InFlight | None:
        """The latest read, started now if the cache is old and no balance part runs; None before any.

        The balance keeps its own schedule: a per-key usage part still running from an earlier read
        (a request per key and window, each up to the deadline) never delays the next balance read;
        it only keeps a second usage part from starting."""
        with self._lock:
            latest = self._latest
            if (latest is None or latest.balance.done()) and (
                self._last_attempt_at is None or self._clock() - self._last_attempt_at >= self._min_interval
            ):
                latest = self._latest = _InFlight()
                threading.Thread(target=self._refresh, args=(latest,), name="aimlapi-read", daemon=True).start()
            return latest

    def _refresh(self, read: _InFlight) -> None:
        """One read of the API, in its own thread; a failure keeps the last good reading.

        The balance part is published as soon as it ends, so the per-key usage part (a request per
        key and window) never holds up a scrape, nor makes it count as overdue; it is skipped when
        the usage part of an earlier read is still running (at most one in flight)."""
        reading: Reading | None = None
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
                self._last_duration = time.perf_counter() - read.started
                self._last_attempt_at = self._clock()  # the balance's schedule: from the end of its part
                usage_part = reading is not None and self._reads_usage and self._usage_of is None
                if usage_part:
                    self._usage_of = read
                # Under the lock: a scrape sees the reading published and the part done together.
                read.balance.set_result(None)
                if not usage_part:
                    read.whole.set_result(None)
        if not usage_part:
            return
        usage, usage_ok = (self._reading.usage if self._reading is not None else None), False
        try:
            usage, usage_ok = self._read_usage_part()
        finally:  # whatever happened, the usage part is over: the next read may start another
            with self._lock:
                if self._reading is not None:
                    self._reading = dataclasses.replace(self._reading, usage=usage, usage_ok=usage_ok)
                self._usage_of = None
                read.whole.set_result(None)

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

    def _log_missing(self, missing: tuple[MissingKey, ...], listed: int, what: str = "") -> None:
        where = "".join(f" ({name} {value})" for name, value in self._labels.items())
        kept = "model_spend_stale 1, the last whole figures" if what else "key_data_stale 1, their last good values"
        logger.warning(
            "Reading the AIML API per-key usage%s%s: %d of %d keys not measured: %s; stale (aimlapi_%s kept)",
            f" ({what})" if what else "",
            where,
            len(missing),
            listed,
            self._redact(printable(missing_names(missing))[:2000]),
            kept,
        )

    def _read(self) -> Reading:
        detail = self._billing.detail()  # in USD: the client refuses any other currency
        balance = self._billing.balance()
        settings = detail.autotopup_settings
        # The current endpoint's setting is exported; the legacy flag only says when it contradicts it.
        enabled = autotopup_enabled(settings)
        legacy = LEGACY_AUTOTOPUP.get(balance.auto_debit_status.strip().lower())
        reading = Reading(
            balance_usd=gauge_value(detail.current_balance, "the balance"),
            balance_credits=float(balance.balance) + 0.0,  # never -0.0 (credits: no USD bound)
            low_balance=bool(balance.low_balance),
            autotopup_enabled=enabled,
            autotopup_threshold_usd=optional_number(settings.threshold, "the auto top-up threshold"),
            autotopup_amount_usd=optional_number(settings.amount, "the auto top-up amount"),
            runway_days=None,
            unix_time=time.time(),
            autotopup_sources_disagree=None if enabled is None or legacy is None else enabled is not legacy,
        )
        if self._forecast_window is None:
            return reading
        start, end = window_bounds(self._forecast_window)  # at each read: "1mo" is this month's length
        forecast = self._billing.forecast(window=end - start, as_of=end, detail=detail)
        since = datetime.datetime.now(datetime.UTC) - DAY
        spend_24h = exact_sum(
            usd(entry.amount.usd, "a ledger entry's amount.usd", at_least_zero=True)
            for entry in self._billing.transactions(from_=since, direction="CHARGE")
        )
        return dataclasses.replace(
            reading,
            runway_days=math.inf if forecast.runway_days is None else float(forecast.runway_days),
            daily_burn_usd=gauge_value(forecast.daily_burn_usd, "the daily burn"),
            window_spend_usd=gauge_value(forecast.spend_usd, "the window's spend"),
            spend_by_model=merged((label_text(model, self._redact), spent) for model, spent in forecast.spend_by_model),
            spend_24h_usd=gauge_value(spend_24h, "the last 24 hours' spend"),
        )

    def _read_usage_part(self) -> tuple[UsageReading | None, bool]:
        """The per-key usage, fresh; or after a failure the last good one, marked failed."""
        try:
            usage = self._read_usage()
        except Exception as exc:
            previous = self._reading.usage if self._reading is not None else None
            shown = "no per-key values to export yet" if previous is None else "keeping the last per-key values"
            self._log_failure(exc, "per-key usage", shown)
            self.last_usage_error = exc
            return previous, False
        if usage.complete:
            self.last_usage_error = None
        return usage, usage.complete

    def _read_usage(self) -> UsageReading:
        now = datetime.datetime.now(datetime.UTC)
        start, end = (
            (now, now) if self._model_window is None else window_bounds(self._model_window)
        )  # "1mo": this month
        keys: tuple[KeySeries, ...] | None = None
        own_key_only = False
        prefixes: list[str | None] = []
        details: list[UsageReport] = []
        complete = True
        if self._key_budgets:
            # Partial: keys the deadline (or their own failures) leaves unmeasured are exported stale,
            # with their last good values, and the read is not a success; the others are fresh.
            report = self._billing.keys.budgets(as_of=now, partial=True)
            previous = self._reading.usage if self._reading is not None else None
            before = previous.keys or () if previous is not None else ()
            keys = tuple(key_series(budget, self._redact) for budget in report)
            keys += stale_keys(report.missing, before, self._redact)
            complete = not report.missing
            self.last_missing, self.last_listed = report.missing, len(report) + len(report.missing)
            if report.missing:
                self._log_missing(report.missing, len(report) + len(report.missing))
            own_key_only = report.only_own_key
            prefixes = [None] if own_key_only else [budget.prefix for budget in report]
        elif self._model_window is not None:
            try:
                # Partial, each listed prefix once (a key listed twice is measured once): the keys not
                # measured are named, and the spend by model is then stale, never the others' sum.
                every = self._billing.usage.all_keys(start=start, end=end, models=True)
            except PermissionDeniedError as exc:  # a regular key: its own usage is all it may read
                from ..lib.budgets import is_regular_key_refusal

                if not is_regular_key_refusal(exc):  # out of credits, say: a failure, as budgets() has it
                    raise
                prefixes, own_key_only = [None], True
            else:
                details = [row.report for row in every.rows]
                complete = every.complete
                self.last_missing, self.last_listed = every.missing, every.listed
                if every.missing:
                    self._log_missing(every.missing, every.listed, "spend by model")
                if every.listed_twice:
                    shown = self._redact(printable(", ".join(every.listed_twice[:10]))[:400])
                    logger.warning(
                        "%d prefix(es) listed twice by GET /v1/keys (%s): measured once", len(every.listed_twice), shown
                    )
        model_spend = None
        if self._model_window is not None and not complete:
            # Keys left unmeasured: their spend by model is unknown, and a sum of the others' would pass
            # for the account's. The last values that covered every key are kept, marked stale.
            previous = self._reading.usage if self._reading is not None else None
            model_spend = previous.model_spend if previous is not None else None
            seconds = previous.window_seconds if previous is not None else 0.0
            return UsageReading(keys, own_key_only, model_spend, complete, True, seconds)
        if self._model_window is not None:
            totals: dict[str, Decimal] = {}
            if prefixes:  # the keys --keys measured, or the own key: side by side, one deadline (_fanout.py)
                details = self._billing.usage.per_key(prefixes, start=start, end=end, models=True)
            for detail in details:
                for model in detail.models:
                    # Server text: a label value made printable, bounded and free of the key first,
                    # so two names that become one label add up rather than make a duplicate series.
                    name = label_text(model.model, self._redact)
                    totals[name] = add(totals.get(name, Decimal(0)), model.spend)
            ranked = rank_models(totals, self._top_models)
            model_spend = tuple((name, gauge_value(spent, f"the spend of {name}")) for name, spent in ranked)
            return UsageReading(keys, own_key_only, model_spend, complete, window_seconds=(end - start).total_seconds())
        return UsageReading(keys, own_key_only, model_spend, complete)


_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def _checked_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """Constant labels: valid Prometheus names, string values, none reserved or used by a family."""
    for name, value in labels.items():
        if (
            not isinstance(name, str)
            or not _LABEL_NAME.fullmatch(name)
            or name.startswith("__")
            or name in RESERVED_LABELS
        ):
            raise InvalidParameterError(f"labels: {name!r} is not a label name this collector can add")
        if not isinstance(value, str):
            raise InvalidParameterError(f"labels: the value of {name!r} must be a string, not {type(value).__name__}")
    return dict(labels)


def _check_seconds(name: str, seconds: object) -> None:
    # Bounded: a thread waits max_wait seconds, and a wait past threading.TIMEOUT_MAX raises in every scrape.
    if not is_seconds(seconds):
        raise InvalidParameterError(f"{name} must be a number of seconds from 0 to {MAX_SECONDS}, not {seconds!r}")


def _checked_window(name: str, window: object) -> datetime.timedelta | str | None:
    """None, a timedelta up to :data:`MAX_WINDOW`, or a window's text (``window_text``: the CLI's one parser)."""
    if window is None or isinstance(window, str):
        try:
            return None if window is None else window_text(window, MAX_WINDOW)
        except ValueError as exc:
            raise InvalidParameterError(f"{name}: {exc}") from None
    if not isinstance(window, datetime.timedelta) or not datetime.timedelta(0) < window <= MAX_WINDOW:
        raise InvalidParameterError(
            f"{name} must be a positive timedelta of {MAX_WINDOW.days} days or less, or a span like '30d', "
            f"not {window!r}"
        )
    return window
