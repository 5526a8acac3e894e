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
``aimlapi_key_data_stale``                        1 when the last read did not measure the key (last good values kept)
``aimlapi_keys_own_key_only``                     1 when the API key is a regular one: only its own key is read
                                                  (with ``key_budgets`` or ``model_window``)
``aimlapi_model_spend_usd{model}``                US dollars per model over ``model_window``, summed over the
                                                  keys read, the ``top_models`` costliest plus ``(other)``
``aimlapi_model_spend_window_seconds``            the length of that window
``aimlapi_model_spend_stale``                     1 when the last read left keys unmeasured (or failed): the spend
                                                  by model is the last one that covered every key, never a part
``aimlapi_usage_scrape_success``                  1 when the last read of the per-key usage succeeded
``aimlapi_scrape_success``                        1 when the last read succeeded
``aimlapi_scrape_duration_seconds``               duration of the last read, successful or not
``aimlapi_data_stale``                            1 when the values are from an earlier read (the last failed)
``aimlapi_last_success_timestamp_seconds``        Unix time of the last successful read
================================================  =========================================================
"""

from __future__ import annotations

import logging

from .._exceptions import ConfigurationError

_MISSING_EXTRA_MESSAGE = "aimlapi_billing.metrics needs prometheus_client: pip install 'aimlapi-billing[metrics]'"


class _MissingExtraError(ConfigurationError, ImportError):
    """prometheus_client is not installed; also an ImportError, so optional-import idioms still work."""


try:
    import prometheus_client  # noqa: F401  # checked here, before any of this package's modules needs it
except ImportError as exc:
    raise _MissingExtraError(_MISSING_EXTRA_MESSAGE) from exc

from .collector import BillingCollector  # noqa: E402
from .exporter import METRICS_PATH, PROBE_PATH, make_exporter, make_probe_exporter, server_url  # noqa: E402
from .families import OTHER_MODELS, rank_models  # noqa: E402, F401  # names it had before it was a package
from .output import FORMATS, build_registry, exposition, write_textfile  # noqa: E402

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
