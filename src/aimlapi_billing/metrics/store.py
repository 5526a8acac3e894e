"""The exporter's store mode (``exporter --db URL``): series read from the spend store, and with
``sync_interval`` the store kept up to date by the same process.

* **Read at scrape time, never blocked.** Each scrape reads the store (the newest balance and, with
  ``key_budgets``, every key's budget: a handful of grouped queries). A sync never blocks it: SQLite
  runs in WAL mode and PostgreSQL's readers never wait for a writer.
* **Stale means absent.** The store's moment is the start of its last finished sync. When it is
  older than ``max_age`` (or no sync finished), the value series are left out, so Prometheus marks
  them stale and no alert reads an old figure; ``aimlapi_store_stale`` is 1 and
  ``aimlapi_store_age_seconds`` says how old the store is. So with a store pruned (``sync --keep``)
  after the start of a key's limit period or of the forecast window: its figures would be partial
  (``store.require_complete`` refuses them), a warning line names the cut-off. A store that cannot be read at all is
  ``aimlapi_store_read_success`` 0, the reason logged.
* **One process syncs and serves.** With ``sync_interval``, a daemon thread syncs at start and then
  ``sync_interval`` after each run ends. A failed run (the API down, another sync holding the lock)
  is one warning line in the log, ``aimlapi_store_sync_success`` 0 and
  ``aimlapi_store_sync_failures_total`` one higher; what the store held stays served (until
  ``max_age`` makes it stale). A failed run is tried again sooner than the interval (a failed first
  sync would leave the exporter without figures for a whole interval): after :data:`RETRY_AFTER`,
  then twice as long after each further failure, never longer than the interval.
"""

from __future__ import annotations

import datetime
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from .._redaction import failure_text
from .._windows import window_bounds
from .families import (
    BALANCE_USD,
    DAILY_BURN,
    RUNWAY,
    WINDOW_SPEND,
    gauge,
    gauge_value,
    key_families,
    key_series,
)

logger = logging.getLogger("aimlapi_billing.metrics")

STORE_LAST_SYNC = (
    "aimlapi_store_last_sync_timestamp",
    "seconds",
    "Unix time at which the spend store's last finished sync began (its figures reach that moment).",
)
STORE_AGE = ("aimlapi_store_age", "seconds", "Age of the spend store's figures: now minus its last finished sync.")
STORE_STALE = (
    "aimlapi_store_stale",
    "",
    "1 if the spend store is older than the exporter's --max-age (or no sync finished): its value series are left out.",
)
STORE_READ_SUCCESS = ("aimlapi_store_read_success", "", "1 if the last read of the spend store succeeded.")
STORE_SYNC_SUCCESS = ("aimlapi_store_sync_success", "", "1 if the exporter's last sync of the spend store succeeded.")
STORE_SYNC_FAILURES = ("aimlapi_store_sync_failures", "Syncs of the spend store by the exporter that failed.")
STORE_SYNC_DURATION = (
    "aimlapi_store_sync_duration",
    "seconds",
    "Duration of the exporter's last sync of the spend store, successful or not.",
)


#: The wait after a failed sync, doubled after each further failure (30 s, 1 min, 2 min, ...), at most
#: the interval: soon enough for a first sync the API refused for a moment, never a storm of retries.
RETRY_AFTER = datetime.timedelta(seconds=30)


class _Stopped(Exception):
    """Raised at a sync's safe point once :meth:`StoreSyncer.stop` is called: the run ends there."""


class StoreSyncer:
    """Syncs the store now, then ``interval`` after each run ends, in a daemon thread (:meth:`start`)."""

    def __init__(self, url: str | None, billing: object, interval: datetime.timedelta) -> None:
        self.url, self.billing, self.interval = url, billing, interval
        self.success: bool | None = None
        self.failures = 0
        self.duration: float | None = None
        #: Set while a run is in progress (the exporter's Ctrl-C then interrupts work: exit 130).
        self.syncing = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="aimlapi-store-sync", daemon=True)

    def start(self) -> StoreSyncer:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Stop the runs: the one in progress at its next safe point; wait ``timeout`` for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _checkpoint(self) -> None:
        if self._stop.is_set():
            raise _Stopped

    def run_once(self) -> None:
        from .. import store

        started = time.monotonic()
        self.syncing.set()
        try:
            redact = getattr(getattr(self.billing, "_redactor", None), "text", None)
            with store.open_for_sync(self.url) as opened:
                # Stopped at a safe point: what was written is committed, the rest rolled back (as any cut sync).
                summary = store.sync(opened, self.billing, redact=redact, checkpoint=self._checkpoint)
            self.success = True
            logger.info("synced the store: %s new rows", f"{sum(summary.added.values()):,}")
        except _Stopped:
            logger.info("the store's sync was stopped; the next one goes on from where it stopped")
        except Exception as exc:  # any failure is a series and a line, never the thread's end
            self.success = False
            self.failures += 1
            logger.warning("the store's sync failed: %s", failure_text(exc, getattr(self.billing, "_redact", str)))
        finally:
            self.duration = time.monotonic() - started
            self.syncing.clear()

    def next_wait(self, failed_in_a_row: int) -> datetime.timedelta:
        """How long to wait before the next run: the interval after a success, else the back-off."""
        if failed_in_a_row == 0:
            return self.interval
        # Capped exponent: 2**20 waits are years, and no timedelta overflows on a long outage.
        backoff: datetime.timedelta = RETRY_AFTER * 2 ** min(failed_in_a_row - 1, 20)
        return min(backoff, self.interval)

    def _loop(self) -> None:
        failed_in_a_row = 0
        while not self._stop.is_set():
            self.run_once()
            failed_in_a_row = 0 if self.success else failed_in_a_row + 1
            self._stop.wait(self.next_wait(failed_in_a_row).total_seconds())


class StoreCollector:
    """The store's series at each scrape (see the module); ``clock`` gives the time (UTC) for the age."""

    def __init__(
        self,
        url: str | None,
        *,
        max_age: datetime.timedelta | None = None,
        key_budgets: bool = False,
        forecast_window: datetime.timedelta | str | None = None,
        syncer: StoreSyncer | None = None,
        clock: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
    ) -> None:
        self.url, self.max_age, self.syncer, self.clock = url, max_age, syncer, clock
        self.key_budgets, self.forecast_window = key_budgets, forecast_window
        #: The last read's refusal of a window before the store's pruned cut-off (None: whole).
        self.pruned: Exception | None = None

    def describe(self) -> list[Metric]:
        return []  # collected at scrape time only: the registry never calls collect() to describe

    def collect(self) -> Iterator[Metric]:
        yield from self._sync_series()
        try:
            values, as_of = self._read()
        except Exception as exc:  # a collector never raises: the exposition would fail whole
            logger.warning("the store could not be read: %s", failure_text(exc, str))
            yield gauge(STORE_READ_SUCCESS, 0)
            return
        yield gauge(STORE_READ_SUCCESS, 1)
        now = self.clock()
        stale = as_of is None or (self.max_age is not None and now - as_of > self.max_age) or self.pruned is not None
        if as_of is not None:
            yield gauge(STORE_LAST_SYNC, as_of.timestamp())
            yield gauge(STORE_AGE, max((now - as_of).total_seconds(), 0.0))
        yield gauge(STORE_STALE, 1 if stale else 0)
        if not stale:
            yield from values

    def _sync_series(self) -> Iterator[Metric]:
        if self.syncer is None:
            return
        if self.syncer.success is not None:
            yield gauge(STORE_SYNC_SUCCESS, 1 if self.syncer.success else 0)
        failures = CounterMetricFamily(STORE_SYNC_FAILURES[0], STORE_SYNC_FAILURES[1])
        failures.add_metric([], self.syncer.failures)
        yield failures
        if self.syncer.duration is not None:
            yield gauge(STORE_SYNC_DURATION, self.syncer.duration)

    def _read(self) -> tuple[list[Metric], datetime.datetime | None]:
        """The value series and the store's moment, in one opening of the store."""
        from .. import store
        from ..store._values import decode_usd

        self.pruned = None
        with store.open_for_reading(self.url) as opened:
            as_of = store.last_synced(opened)
            if as_of is None:
                return [], None
            values: list[Metric] = []
            balance = _balance(opened)
            if balance is not None:
                values.append(gauge(BALANCE_USD, gauge_value(decode_usd(*balance), "the stored balance")))
            try:
                if self.forecast_window is not None and balance is not None:
                    # Resolved at each read, at the store's moment: "1mo" is the calendar month before it.
                    start, end = window_bounds(self.forecast_window, as_of)
                    forecast = store.forecast(opened, end, end - start, balance_at=as_of)
                    runway = math.inf if forecast.runway_days is None else float(forecast.runway_days)
                    values += [
                        gauge(RUNWAY, runway),
                        gauge(DAILY_BURN, gauge_value(forecast.daily_burn_usd, "the daily burn")),
                        gauge(WINDOW_SPEND, gauge_value(forecast.spend_usd, "the window's spend")),
                    ]
                if self.key_budgets:
                    values += _key_families(store.budgets(opened, as_of))
            except store.StorePrunedError as exc:  # stale, as an old store is: never a partial figure
                logger.warning("the store's figures are not served: %s", failure_text(exc, str))
                self.pruned = exc
        return values, as_of


def _balance(opened: object) -> tuple[int | None, str | None] | None:
    from sqlalchemy import text

    with opened.connect() as connection:  # type: ignore[attr-defined]
        row = connection.execute(text("SELECT usd_nano, usd_text FROM balances ORDER BY observed_from_us DESC LIMIT 1"))
        found = row.first()
    return None if found is None else (found[0], found[1])


def _unchanged(text: str) -> str:
    return text  # the store's texts were redacted when stored


def _key_families(report: object) -> list[GaugeMetricFamily]:
    """The per-key series of the API mode (``--keys``), from the store's budgets."""
    from ..store import shared_text

    # A prefix listed for several keys: its key_name says so (no one key's name), and it has no limit series.
    series = [
        key_series(budget if budget.shared_by is None else replace(budget, name=f"({shared_text(budget.shared_by)})"),
                   _unchanged)
        for budget in report  # type: ignore[attr-defined]
    ]  # fmt: skip
    return key_families(series, {})
