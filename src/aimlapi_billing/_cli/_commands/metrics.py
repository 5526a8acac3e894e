"""``metrics`` (one reading as OpenMetrics, or a node_exporter textfile) and ``exporter`` (serve
``/metrics``, or ``/probe?account=NAME`` for several accounts). Both need the [metrics] extra."""

from __future__ import annotations

import argparse
import contextlib
import textwrap
from pathlib import Path
from typing import Any, TextIO

from ..._deadline import MAX_SECONDS
from ..._exceptions import AIMLAPIError
from ..._exporter.config import DEFAULT_TOP_MODELS, MAX_TOP_MODELS
from ..._exporter.config import MAX_SECONDS as MAX_WAIT
from ..._exporter.server import (
    MAX_CONNECTIONS,
    MAX_CONNECTIONS_LIMIT,
    MAX_REQUEST_HEAD_BYTES,
    MAX_REQUEST_TIMEOUT,
    MAX_THREADS,
    MAX_THREADS_LIMIT,
    MIN_REQUEST_TIMEOUT,
    REQUEST_TIMEOUT,
)
from ..._windows import NAMED_WINDOWS
from .._common import EXIT_OK, EXIT_USAGE, PROG, client, long_enough, report
from .._options import AUTOTOPUP_SOURCES_TEXT, add_epilog, address, number, read_window, textfile, window

#: The windows' syntax, the usage --period's (the one span parser), said once for both options.
_WINDOW_FORMS = (
    "whole hours, days, weeks or calendar months, e.g. 36h, 30d, 2w, 1mo (the calendar month before each read), "
    f"up to 3660d, or a calendar window in UTC: {', '.join(NAMED_WINDOWS)}"
)
_USAGE_DEFAULTS = "no per-key series (no --keys), no spend by model (no --model-window), --top-models 10"
DEFAULTS = {
    "metrics": f"--format openmetrics, stdout (no --textfile), no runway (no --forecast-window), {_USAGE_DEFAULTS}",
    "exporter": "--listen 127.0.0.1:9464, --min-interval 60, --max-wait 5, no runway (no --forecast-window), "
    + _USAGE_DEFAULTS
    + f", --request-timeout {REQUEST_TIMEOUT:g}, --max-connections {MAX_CONNECTIONS}, --max-threads {MAX_THREADS}",
}
#: The exporter's rules for clients, under the defaults in its --help.
_CONNECTION_RULES = (
    "connections: a client has --request-timeout seconds to send its request line and headers (at most "
    f"{MAX_REQUEST_HEAD_BYTES // 1024} KiB), else it is closed unanswered, and as long again to take the answer; "
    "a request still arriving holds no thread. At most --max-threads threads answer complete requests and "
    "--max-connections connections are open at once (at most half of ulimit -n): past that, the oldest "
    "connection still sending its request is closed to make room, and when every one holds a complete "
    "request new ones wait in the listen backlog."
)


#: How exact money becomes a sample (docs/monitoring/exporter.md).
_VALUE_RULES = (
    "values: each figure is the nearest double (about 17 significant digits), -0 exported as 0; a money "
    "figure beyond 1e15 USD either way is a broken answer: the read fails (scrape_success 0, the reason "
    "logged; metrics exits 6), never +Inf."
)


#: The store mode (metrics/store.py has the design).
_STORE_RULES = (
    "the store: with --db URL the series are read from the spend store (see sync) at each scrape, not from the "
    "API: the balance, with --keys the per-key series, with --forecast-window the runway, daily burn and window "
    "spend, and aimlapi_store_last_sync_timestamp_seconds, aimlapi_store_age_seconds, aimlapi_store_stale, "
    "aimlapi_store_read_success. With --max-age SPAN a store whose last finished sync began longer ago has its "
    "value series left out (stale in Prometheus; aimlapi_store_stale 1), never an old figure; so has a store "
    "pruned (sync --keep) after the start of a key's limit period or of --forecast-window (a warning line "
    "names the cut-off; metrics exits 13). exporter "
    "--sync-interval SPAN also keeps the store: a background thread syncs at start and SPAN after each run "
    "ends, never blocking a scrape; a failed run is a warning line on stderr, aimlapi_store_sync_success 0 and "
    "aimlapi_store_sync_failures_total + 1, and is tried again after 30 s, then twice as long after each further "
    "failure, never longer than SPAN. Ctrl-C while a run is in progress stops it at its next safe point (what "
    "it wrote is committed or rolled back, as any cut sync; the next run goes on) and is 'interrupted', exit 130; "
    "while none is, it stops the exporter, exit 0. --model-window and --config are not served from the store. "
    "A prefix the syncs saw listed for several keys has key_name '(shared by N keys)' and no limit series."
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    from .._store import add_db_option, add_max_age_option

    add_epilog(parser, AUTOTOPUP_SOURCES_TEXT, before_exit_codes=True)
    add_epilog(parser, _VALUE_RULES, before_exit_codes=True)
    add_epilog(parser, _STORE_RULES, before_exit_codes=True)
    add_db_option(parser)
    add_max_age_option(parser, "has its value series left out")
    if name == "exporter":
        parser.add_argument(
            "--sync-interval",
            type=window,
            metavar="SPAN",
            help="with --db: sync the store at start and then this long after each sync ends, in the background "
            "(1h to 3660d; needs an API key; default: never, another process syncs)",
        )
    if name == "metrics":
        parser.add_argument(
            "--format", choices=["openmetrics", "prometheus"], default="openmetrics", help="(default: openmetrics)"
        )
        parser.add_argument(
            "--textfile",
            type=textfile,
            metavar="PATH",
            help="write atomically to PATH (e.g. *.prom) in an existing directory",
        )
    else:
        parser.add_argument(
            "--listen",
            type=address,
            default=("127.0.0.1", 9464),
            metavar="HOST:PORT",
            help="address to serve on; an empty host is loopback (default: 127.0.0.1:9464)",
        )
        parser.add_argument(
            "--min-interval",
            type=number("a number of seconds", 0, MAX_SECONDS),
            default=60.0,
            metavar="SECONDS",
            help="read the API at most this often (default: 60)",
        )
    parser.add_argument(
        "--forecast-window",
        type=read_window,
        metavar="SPAN",
        help=f"also export the runway over this window, resolved at each read: {_WINDOW_FORMS} (default: none)",
    )
    parser.add_argument(
        "--keys",
        action="store_true",
        help="also export each key's spend in its current limit period, its limit and utilisation (reads "
        "GET /v1/keys and GET /v2/usage per key; a regular key exports its own key only)",
    )
    parser.add_argument(
        "--model-window",
        type=read_window,
        metavar="SPAN",
        help=f"also export the spend by model over this window, resolved at each read: {_WINDOW_FORMS} "
        "(reads GET /v2/usage/detail per key)",
    )
    parser.add_argument(
        "--top-models",
        type=number("a whole number", 1, MAX_TOP_MODELS, whole=True),
        default=DEFAULT_TOP_MODELS,
        metavar="N",
        help=f"with --model-window: the N costliest models, the rest summed as (other), 1 to {MAX_TOP_MODELS} "
        f"(default: {DEFAULT_TOP_MODELS})",
    )
    if name == "exporter":
        parser.add_argument(
            "--max-wait",
            type=number("a number of seconds", 0, MAX_WAIT),
            default=5.0,
            metavar="SECONDS",
            help="how long a scrape waits for a read before answering from the last result; keep it below "
            "Prometheus's scrape_timeout (default 5)",
        )
        parser.add_argument(
            "--config",
            type=Path,
            metavar="FILE",
            help=(
                "serve several accounts at /probe?account=NAME, as listed in this TOML file"
                " (see docs/monitoring/multi-target.md)"
            ),
        )
        parser.add_argument(
            "--request-timeout",
            type=number("a number of seconds", MIN_REQUEST_TIMEOUT, MAX_REQUEST_TIMEOUT),
            default=REQUEST_TIMEOUT,
            metavar="SECONDS",
            help="time a client has to send its whole request, and then to take the answer, "
            f"{MIN_REQUEST_TIMEOUT:g} to {MAX_REQUEST_TIMEOUT:g} (default: {REQUEST_TIMEOUT:g})",
        )
        parser.add_argument(
            "--max-connections",
            type=number("a whole number", 1, MAX_CONNECTIONS_LIMIT, whole=True),
            default=MAX_CONNECTIONS,
            metavar="N",
            help=f"connections open at once, at most half of ulimit -n (default: {MAX_CONNECTIONS})",
        )
        parser.add_argument(
            "--max-threads",
            type=number("a whole number", 1, MAX_THREADS_LIMIT, whole=True),
            default=MAX_THREADS,
            metavar="N",
            help=f"threads answering requests at once (default: {MAX_THREADS})",
        )
        epilog = parser.epilog or ""
        defaults_end = epilog.find("\n\n")  # after the defaults, before the exit codes
        rules = textwrap.fill(_CONNECTION_RULES, width=100, break_on_hyphens=False)
        parser.epilog = f"{epilog[:defaults_end]}\n\n{rules}{epilog[defaults_end:]}" if defaults_end >= 0 else rules


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problem = _store_problem(args)
    if problem is not None:
        print(f"{PROG}: error: {problem}", file=err)
        return EXIT_USAGE
    if args.db is not None:
        from ._metrics_store import serve_store, store_metrics

        return store_metrics(args, out, err) if name == "metrics" else serve_store(args, err)
    return _metrics(args, out, err) if name == "metrics" else _exporter(args, err)


def _store_problem(args: argparse.Namespace) -> str | None:
    """Options that do not go together with (or without) --db, before anything runs."""
    if args.db is None:
        given = [name for name in ("max_age", "sync_interval") if getattr(args, name, None) is not None]
        return f"--{given[0].replace('_', '-')} needs --db" if given else None
    if args.model_window is not None:
        return "--model-window is not read from the store (leave out --db for it)"
    if getattr(args, "config", None) is not None:
        return "--config serves accounts from the API: it does not take --db"
    return None


def _server_options(args: argparse.Namespace) -> dict[str, Any]:
    """The HTTP server's limits from the command line."""
    return {
        "request_timeout": args.request_timeout,
        "max_connections": args.max_connections,
        "max_threads": args.max_threads,
    }


def _usage_options(args: argparse.Namespace) -> dict[str, Any]:
    """The collector's per-key usage options from the command line."""
    return {"key_budgets": args.keys, "model_window": args.model_window, "top_models": args.top_models}


def _metrics(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from ... import metrics
    except ImportError as exc:
        return report(exc, err)
    from ._metrics_store import collector_log_silenced

    try:
        with collector_log_silenced(), client(args) as billing:
            collector = metrics.BillingCollector(
                billing, min_interval=0, forecast_window=args.forecast_window, **_usage_options(args)
            )
            data = metrics.exposition(metrics.build_registry(collector), args.format)
        if args.textfile is not None:
            metrics.write_textfile(args.textfile, data)
        else:
            out.write(data.decode())
    except (AIMLAPIError, OSError) as exc:
        return report(exc, err)
    failure = collector.last_error or collector.last_usage_error
    if failure is not None:
        # The exposition says (usage_)scrape_success 0; the exit code tells the job that ran it.
        return report(failure, err)
    if collector.last_missing:  # exported stale: named on stderr, the exit code of usage --all-keys
        from .._all_keys import warn_missing

        return warn_missing(collector.last_missing, collector.last_listed, err)
    return EXIT_OK


def _exporter(args: argparse.Namespace, err: TextIO) -> int:
    if args.config is not None:
        try:
            return _serve_accounts(args, err)
        except (AIMLAPIError, OSError, ImportError) as exc:
            return report(exc, err)
    try:
        from ... import metrics

        billing = client(args)
        collector = metrics.BillingCollector(
            billing,
            min_interval=args.min_interval,
            forecast_window=args.forecast_window,
            max_wait=args.max_wait,
            **_usage_options(args),
        )
    except (AIMLAPIError, ImportError) as exc:
        return report(exc, err)
    try:
        server = metrics.make_exporter(metrics.build_registry(collector), *args.listen, **_server_options(args))
    except OSError as exc:
        billing.close()
        host, port = args.listen
        print(f"{PROG}: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=err)
        return EXIT_USAGE
    print(f"{PROG}: serving {metrics.server_url(server)}{metrics.METRICS_PATH} (Ctrl-C to stop)", file=err, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        billing.close()
    return EXIT_OK


def _serve_accounts(args: argparse.Namespace, err: TextIO) -> int:
    """``exporter --config FILE``: load every account (or fail at once), then serve /probe until interrupted."""
    from ... import metrics
    from ..._client import Billing
    from ..._exceptions import ConfigurationError
    from ..._exporter.config import ConfigError, load_accounts

    accounts = load_accounts(
        args.config,
        min_interval=args.min_interval,
        max_wait=args.max_wait,
        forecast_window=args.forecast_window,
        **_usage_options(args),
    )
    with contextlib.ExitStack() as stack:
        collectors = {}
        for account in accounts:
            # Every connection option of the command line but the key and base URL, which are per account.
            options: dict[str, object] = {
                "api_key": account.api_key,
                "max_retries": args.max_retries,
                "deadline": args.deadline,
                "concurrency": args.concurrency,
            }
            options["allow_insecure_http"] = account.allow_insecure_http
            options["base_url"] = account.base_url or args.base_url
            if args.timeout is not None:
                options["timeout"] = args.timeout
            try:
                billing = stack.enter_context(long_enough(Billing(**options)))  # type: ignore[arg-type]
            except ConfigurationError as exc:  # e.g. plain http:// to a remote host: say which account
                raise ConfigError(f"{args.config}: accounts.{account.name}: {exc}") from None
            collectors[account.name] = metrics.BillingCollector(
                billing,
                min_interval=account.min_interval,
                forecast_window=account.forecast_window,
                max_wait=account.max_wait,
                labels={"account": account.name},
                key_budgets=account.key_budgets,
                model_window=account.model_window,
                top_models=account.top_models,
            )
        server = metrics.make_probe_exporter(collectors, *args.listen, **_server_options(args))
        stack.callback(server.server_close)
        url = f"{metrics.server_url(server)}{metrics.PROBE_PATH}?account=NAME"
        print(f"{PROG}: serving {url} for {', '.join(collectors)} (Ctrl-C to stop)", file=err, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return EXIT_OK
