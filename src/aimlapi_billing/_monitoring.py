"""The CLI's monitoring extras: ``monitoring rules|dashboard`` and the multi-account exporter (``exporter --config``).

The Prometheus alert rules and the Grafana dashboard ship inside the package (``monitoring/``), so
what ``aimlapi-billing monitoring rules`` prints always names the metrics this version exports.
"""

from __future__ import annotations

import argparse
import contextlib
import math
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

#: What ``monitoring`` prints: the packaged file for each subject.
ARTIFACTS = {"rules": "aimlapi-billing.rules.yml", "dashboard": "aimlapi-billing.dashboard.json"}


def artifact(subject: str) -> str:
    """The text of a shipped monitoring file: ``"rules"`` (Prometheus alert rules) or ``"dashboard"`` (Grafana)."""
    return resources.files("aimlapi_billing").joinpath("monitoring", ARTIFACTS[subject]).read_text(encoding="utf-8")


def add_monitoring_command(commands: argparse._SubParsersAction[Any]) -> None:
    monitoring = commands.add_parser(
        "monitoring",
        help="print the Prometheus alert rules or the Grafana dashboard for this version's metrics",
        description="Print a monitoring file shipped with this version: `rules` (Prometheus alert rules, "
        "YAML) or `dashboard` (Grafana dashboard, JSON). Exit 0.",
    )
    monitoring.add_argument("subject", choices=sorted(ARTIFACTS), help="rules or dashboard")


def _seconds(text: str) -> float:
    from ._exporter_config import MAX_SECONDS, is_seconds

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not is_seconds(seconds):
        raise argparse.ArgumentTypeError(f"not a number of seconds from 0 to {MAX_SECONDS}: {text!r}")
    return seconds


def add_exporter_options(exporter: argparse.ArgumentParser) -> None:
    exporter.add_argument(
        "--max-wait",
        type=_seconds,
        default=5.0,
        metavar="SECONDS",
        help="how long a scrape waits for a read before answering from the last result; keep it below "
        "Prometheus's scrape_timeout (default 5)",
    )
    exporter.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="serve several accounts at /probe?account=NAME, as listed in this TOML file (see the README)",
    )


def run_monitoring(args: argparse.Namespace, out: TextIO) -> int:
    out.write(artifact(args.subject))
    return 0


def serve_accounts(args: argparse.Namespace, err: TextIO, prog: str) -> int:
    """``exporter --config FILE``: load every account (or fail at once), then serve /probe until interrupted."""
    from . import metrics
    from ._client import Billing
    from ._exceptions import ConfigurationError
    from ._exporter_config import ConfigError, load_accounts

    accounts = load_accounts(
        args.config, min_interval=args.min_interval, max_wait=args.max_wait, forecast_window=args.forecast_window
    )
    with contextlib.ExitStack() as stack:
        collectors = {}
        for account in accounts:
            options: dict[str, object] = {"api_key": account.api_key, "max_retries": args.max_retries}
            options["allow_insecure_http"] = account.allow_insecure_http
            options["base_url"] = account.base_url or args.base_url
            if args.timeout is not None:
                options["timeout"] = args.timeout
            try:
                billing = stack.enter_context(Billing(**options))  # type: ignore[arg-type]
            except ConfigurationError as exc:  # e.g. plain http:// to a remote host: say which account
                raise ConfigError(f"{args.config}: accounts.{account.name}: {exc}") from None
            collectors[account.name] = metrics.BillingCollector(
                billing,
                min_interval=account.min_interval,
                forecast_window=account.forecast_window,
                max_wait=account.max_wait,
                labels={"account": account.name},
            )
        server = metrics.make_probe_exporter(collectors, *args.listen)
        stack.callback(server.server_close)
        url = f"{metrics.server_url(server)}{metrics.PROBE_PATH}?account=NAME"
        print(f"{prog}: serving {url} for {', '.join(collectors)} (Ctrl-C to stop)", file=err, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0
