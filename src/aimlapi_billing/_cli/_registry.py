"""Every command of ``aimlapi-billing``: its name, the module that implements it, and its help.

This table is all the CLI reads before it knows which command runs, so it imports nothing: the
named module is imported only when its command is invoked (or its ``--help`` shown), and a command
loads only what it uses. Adding a command is one entry here plus a module under ``_commands`` with
``add_arguments(name, parser)`` and ``run(name, args, out, err) -> int`` (and, optionally,
``DEFAULTS``: for each command name, what its options default to, shown in its ``--help``).
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    #: The module under ``aimlapi_billing._cli._commands`` that implements the command.
    module: str
    #: One line in ``aimlapi-billing --help``.
    help: str
    #: The first paragraph of the command's own ``--help``.
    description: str
    #: A monitoring plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, and a bad option is an
    #: UNKNOWN status line on stdout (with this service label) rather than an error on stderr.
    plugin: bool = False
    label: str = "BILLING"
    #: Takes the connection options (--base-url, --api-key-file, --timeout, ...): it calls the API.
    connects: bool = True


COMMANDS: dict[str, Command] = {
    "balance": Command(
        "billing",
        "the legacy balance in credits (GET /v1/billing/balance)",
        "Show the legacy balance in credits (GET /v1/billing/balance).",
    ),
    "summary": Command(
        "billing",
        "the balance in USD (GET /v2/billing)",
        "Show the balance in USD (GET /v2/billing).",
    ),
    "detail": Command(
        "billing",
        "billing details and auto top-up settings (GET /v2/billing/detail)",
        "Show billing details and auto top-up settings (GET /v2/billing/detail).",
    ),
    "check": Command(
        "check",
        "monitoring check of the USD balance (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
        "Monitoring plugin: one status line with performance data.",
        plugin=True,
    ),
    "check-keys": Command(
        "check_keys",
        "monitoring check of each key's spend against its limit (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
        "Monitoring plugin: each key's spend in its current limit period (UTC day, week from Monday, month from "
        "the 1st, or since creation) against its limit; the worst key decides the state.",
        plugin=True,
        label="KEYS",
    ),
    "top": Command(
        "top",
        "who spent most, on what: the keys that spent most over a window, with their costliest models",
        "Show the keys that spent most over a window (default: this month), highest first, each with its "
        "costliest models: GET /v1/keys, then GET /v2/usage/detail per key, side by side (a management key).",
    ),
    "forecast": Command(
        "forecast",
        "spend over a window and the runway it implies (reads the ledger)",
        "Spend over the window by type and model, daily burn, and days of runway.",
    ),
    "metrics": Command(
        "metrics",
        "print (or write for node_exporter) the balance as OpenMetrics; needs the [metrics] extra",
        "One reading of the API as OpenMetrics (or the classic Prometheus text format).",
    ),
    "exporter": Command(
        "metrics",
        "serve /metrics for Prometheus; needs the [metrics] extra",
        "Serve /metrics, reading the API at most once per --min-interval.",
    ),
    "monitoring": Command(
        "monitoring",
        "print the Prometheus alert rules or the Grafana dashboard for this version's metrics",
        "Print a monitoring file shipped with this version: `rules` (Prometheus alert rules, YAML) or "
        "`dashboard` (Grafana dashboard, JSON). Exit 0.",
        connects=False,
    ),
    "transactions": Command(
        "billing",
        "the ledger, newest first, streamed (GET /v2/billing/transactions)",
        "Stream ledger entries, newest first, fetching pages as they are printed.",
    ),
    "usage": Command(
        "usage",
        "a key's spend over a window, per model or day (GET /v2/usage, /v2/usage/detail)",
        "Show a key's spend and charged requests over a window; longer than 92 days is read in pieces and added up.",
    ),
    "keys": Command(
        "keys",
        "list, create, update or delete API keys (a management key)",
        "List the account's API keys, or create, update or delete one. `keys create` prints the new key on "
        "stdout, once, as its only output.",
    ),
    "logs": Command(
        "logs",
        "one row per request over a window, streamed (GET /v2/logs)",
        "Stream request rows, newest first, fetching pages as they are printed, within the API's rate limit.",
    ),
    "models": Command(
        "models",
        "the model catalogue, with --pricing each model's list price (GET /v1/models)",
        "List the models the API serves (ids, aliases, endpoint types), filtered, with --pricing their list prices.",
    ),
    "model-metrics": Command(
        "models",
        "the models' current latency percentiles (GET /models/metrics)",
        "Show p50/p75/p90/p99 of time to first token, tokens per second and duration per model, over the API's "
        "current window.",
    ),
    "reconcile": Command(
        "reconcile",
        "do the ledger, the request logs and the usage totals agree? (exit 0 yes, 10 no)",
        "Compare the ledger's MODEL_USAGE charges, every key's request logs and usage totals over a window: "
        "totals, requests in one record and not another, amounts that differ. Exit 0 when they agree, 10 when "
        "they do not.",
    ),
    "sync": Command(
        "sync",
        "bring the spend store (SQLite or PostgreSQL) up to date: ledger, logs, usage, keys, balance; needs [store]",
        "Copy what is new in the account into the spend store: the ledger, every key's request logs, daily usage "
        "per key and model, the keys' history and the balance. Exit 0 when the store is up to date.",
    ),
    "report": Command(
        "report",
        "spend by key, model and day over any window, from the spend store (no API call); needs [store]",
        "Spend and charged requests by key, model and UTC day from the spend store (see sync), over any window.",
        connects=False,
    ),
    "export": Command(
        "export",
        "a month of the spend store as FOCUS 1.2 CSV or Parquet (the FinOps cost and usage format); needs [store]",
        "Write a UTC calendar month of the spend store (see sync) as a FOCUS 1.2 file (CSV, or Parquet), "
        "one row per charge, whose costs add up to the ledger's.",
        connects=False,
    ),
}
