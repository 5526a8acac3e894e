"""The ``aimlapi-billing`` command: balance, summary, detail and the ledger, and a monitoring check.

Exit codes (other than ``check``'s): 0 success, 2 usage (a bad option, an unwritable output, an
address that cannot be bound), 3 configuration (no key, a bad key or URL), 4 connection failure or
timeout, 5 the API answered with an error status, 6 the API's answer was not usable; 1 is left to
bugs (an exception nobody expected). ``check`` follows the monitoring plugin convention instead:
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Every option is checked before any request: a bad one is one
line on stderr (for ``check``, an UNKNOWN line on stdout).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import functools
import itertools
import json
import logging
import math
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ._client import ITERATION_PAGE_SIZE, Billing
from ._config import (
    API_KEY_ENV_VARS,
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    read_api_key_file,
)
from ._deadline import MAX_SECONDS
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidParameterError,
    ResponseValidationError,
)
from ._monitoring import add_exporter_options, add_monitoring_command
from ._redaction import printable
from ._version import __version__

if TYPE_CHECKING:
    from aimlapi_billing_client.models import Transaction

    from ._forecast import Forecast

PROG = "aimlapi-billing"
CREDITS_PER_USD = 2_000_000

EXIT_OK = 0
EXIT_SDK_ERROR = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3
EXIT_CONNECTION = 4
EXIT_API_STATUS = 5
EXIT_BAD_RESPONSE = 6
_EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InvalidParameterError, EXIT_USAGE),
    (OSError, EXIT_USAGE),  # an output file that cannot be written, an address that cannot be bound
    (ConfigurationError, EXIT_CONFIGURATION),
    (ImportError, EXIT_CONFIGURATION),  # metrics and exporter without the [metrics] extra
    (APIConnectionError, EXIT_CONNECTION),
    (APIStatusError, EXIT_API_STATUS),
    (ResponseValidationError, EXIT_BAD_RESPONSE),
)

# Monitoring plugin states (Nagios, Icinga, Zabbix, Sensu …).
CHECK_STATES = ("OK", "WARNING", "CRITICAL", "UNKNOWN")


class _UsageError(Exception):
    pass


class _EnumValues(Sequence[str]):
    """The values a generated enum lists, read from the generated models on first use."""

    def __init__(self, enum_name: str) -> None:
        self._enum_name = enum_name

    @functools.cached_property
    def _values(self) -> tuple[str, ...]:
        from aimlapi_billing_client import models

        return tuple(member.value for member in getattr(models, self._enum_name))

    def __getitem__(self, index: Any) -> Any:
        return self._values[index]

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, value: object) -> bool:
        return value in self._values


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Raised rather than exiting so that `check` can report bad arguments as UNKNOWN (3).
        raise _UsageError(message)


def _usd(amount: float) -> str:
    return f"{amount:,.2f} USD"


def _table(rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}".rstrip() for label, value in rows)


def _balance_table(result: Any) -> str:
    last = result.last_updated
    last_text = last.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if last.tzinfo else last.isoformat()
    return _table(
        [
            ("balance", f"{result.balance:,.0f} credits ({_usd(result.balance / CREDITS_PER_USD)})"),
            (
                "low balance",
                f"{'yes' if result.low_balance else 'no'} (threshold {result.low_balance_threshold:,.0f} credits)",
            ),
            ("auto top-up", result.auto_debit_status),
            ("status", f"{result.status}: {result.status_explanation}"),
            ("last updated", last_text),
        ]
    )


def _summary_table(result: Any) -> str:
    return _table([("balance", f"{result.current_balance:,.2f} {result.currency}")])


def _detail_table(result: Any) -> str:
    settings = result.autotopup_settings
    if settings.is_enabled is True:
        topup = "on"
        if isinstance(settings.amount, int | float) and isinstance(settings.threshold, int | float):
            topup += f": adds {_usd(settings.amount)} when the balance falls below {_usd(settings.threshold)}"
    else:
        topup = "off" if settings.is_enabled is False else "unknown"
    return _table(
        [
            ("user id", f"{result.user_id:.0f}" if float(result.user_id).is_integer() else str(result.user_id)),
            ("email", result.email),
            ("balance", f"{result.current_balance:,.2f} {result.currency}"),
            ("auto top-up", topup),
        ]
    )


_QUERIES: dict[str, tuple[str, Callable[[Billing], Any], Callable[[Any], str]]] = {
    "balance": ("the legacy balance in credits (GET /v1/billing/balance)", Billing.balance, _balance_table),
    "summary": ("the balance in USD (GET /v2/billing)", Billing.summary, _summary_table),
    "detail": ("billing details and auto top-up settings (GET /v2/billing/detail)", Billing.detail, _detail_table),
}


EXIT_CODES_TEXT = (
    "exit codes: 0 success; 2 usage (a bad option, an unwritable output, an address that cannot be "
    "bound); 3 configuration (no API key, a bad key or base URL, the [metrics] extra missing); "
    "4 connection failure or timeout (the deadline included); 5 the API answered with an error status; "
    "6 the API's answer was not usable (not JSON, a number that is not finite, too large, too deep, "
    "not the schema, pages that never end); 1 only for a bug."
)
CHECK_EXIT_CODES_TEXT = (
    "exit codes (monitoring plugin convention): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (any error: a bad "
    "option, no key, a network failure or timeout, an error status, an unusable answer)."
)
CONNECTION_DEFAULTS = (
    f"--timeout {DEFAULT_TIMEOUT.read:g} (seconds per attempt, {DEFAULT_TIMEOUT.connect:g} to connect), "
    f"--deadline {DEFAULT_DEADLINE:g} (seconds per API call with its retries and waits; forecast and check are one "
    "call, transactions one call per page), "
    f"--max-retries {DEFAULT_MAX_RETRIES}, --base-url ${BASE_URL_ENV_VAR} or {DEFAULT_BASE_URL}, "
    f"--api-key-file none (${API_KEY_ENV_VARS[0]}, then ${API_KEY_ENV_VARS[1]})"
)


def _epilog(defaults: str, exit_codes: str = EXIT_CODES_TEXT) -> str:
    wrap = functools.partial(textwrap.fill, width=100, break_on_hyphens=False)  # never "--max-\nretries"
    return f"{wrap('defaults: ' + defaults)}\n\n{wrap(exit_codes)}"


def _parser() -> _Parser:
    connection = _Parser(add_help=False)
    group = connection.add_argument_group("connection")
    group.add_argument(
        "--base-url", type=_base_url, help=f"API origin, host only (default: ${BASE_URL_ENV_VAR} or {DEFAULT_BASE_URL})"
    )
    group.add_argument(
        "--api-key-file",
        metavar="PATH",
        help=f"read the API key from this file (default: ${API_KEY_ENV_VARS[0]}, then ${API_KEY_ENV_VARS[1]})",
    )
    group.add_argument(
        "-t",
        "--timeout",
        type=_number("a number of seconds", 0, MAX_SECONDS, low_open=True),
        metavar="SECONDS",
        help=f"wall time of one attempt, however slowly the answer comes (default: {DEFAULT_TIMEOUT.read:g}, "
        f"{DEFAULT_TIMEOUT.connect:g} to connect)",
    )
    group.add_argument(
        "--deadline",
        type=_number("a number of seconds", 0, MAX_SECONDS, low_open=True),
        default=DEFAULT_DEADLINE,
        metavar="SECONDS",
        help=f"wall time of every call, retries and Retry-After waits included (default: {DEFAULT_DEADLINE:g})",
    )
    group.add_argument(
        "--max-retries",
        type=_number("a whole number", 0, 100, whole=True),
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help=f"retries on 408/409/429/5xx/network errors, 0 to 100 (default: {DEFAULT_MAX_RETRIES})",
    )
    parser = _Parser(
        prog=PROG,
        description="Read your AIML API account balance and billing details.",
        epilog=_epilog(
            CONNECTION_DEFAULTS + "; the API key comes from --api-key-file, or "
            f"${API_KEY_ENV_VARS[0]} (or ${API_KEY_ENV_VARS[1]}), never from the command line itself"
        )
        + "\n\n"
        + textwrap.fill(CHECK_EXIT_CODES_TEXT.replace("exit codes", "check's exit codes"), width=100),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, description: str, defaults: str = "", *, check: bool = False) -> _Parser:
        every = CONNECTION_DEFAULTS + (f"; {defaults}" if defaults else "")
        sub: _Parser = commands.add_parser(
            name,
            parents=[connection],
            help=help_text,
            description=description,
            epilog=_epilog(every, CHECK_EXIT_CODES_TEXT if check else EXIT_CODES_TEXT),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return sub

    for name, (help_text, _, _) in _QUERIES.items():
        sub = command(name, help_text, f"Show {help_text}.", "a table (--json: the API's JSON)")
        sub.add_argument("--json", action="store_true", help="print the API's JSON instead of a table")
    usd = _number("an amount in USD", -MAX_USD, MAX_USD)
    days = _number("a number of days", 0, MAX_DAYS)
    check = command(
        "check",
        "monitoring check of the USD balance (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
        "Monitoring plugin: one status line with performance data.",
        f"no runway thresholds (the balance only); --window {_span_text(DEFAULT_WINDOW)}, "
        f"--max-pages {DEFAULT_MAX_PAGES}",
        check=True,
    )
    # The plugin guidelines' short options: -V version, -w/-c thresholds, -t timeout (on every command).
    check.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    check.add_argument("-w", "--warning-usd", type=usd, required=True, metavar="W", help="WARNING below this balance")
    check.add_argument("-c", "--critical-usd", type=usd, required=True, metavar="C", help="CRITICAL below this balance")
    check.add_argument("--warning-days", type=days, metavar="N", help="WARNING when the runway is below N days")
    check.add_argument("--critical-days", type=days, metavar="M", help="CRITICAL when the runway is below M days")
    _add_max_pages(check)
    check.add_argument(
        "--window",
        type=_window,
        default=DEFAULT_WINDOW,
        metavar="SPAN",
        help=f"burn-rate window for the runway, 1h to {MAX_DAYS:g}d (default: {_span_text(DEFAULT_WINDOW)})",
    )
    forecast = command(
        "forecast",
        "spend over a window and the runway it implies (reads the ledger)",
        "Spend over the window by type and model, daily burn, and days of runway.",
        f"--window {_span_text(DEFAULT_WINDOW)}, --max-pages {DEFAULT_MAX_PAGES}, a table (--json: JSON)",
    )
    forecast.add_argument(
        "--window",
        type=_window,
        default=DEFAULT_WINDOW,
        metavar="SPAN",
        help=f"e.g. 30d, 2w, 36h; 1h to {MAX_DAYS:g}d (default: {_span_text(DEFAULT_WINDOW)})",
    )
    _add_max_pages(forecast)
    forecast.add_argument("--json", action="store_true", help="print the forecast as JSON")
    metrics = command(
        "metrics",
        "print (or write for node_exporter) the balance as OpenMetrics; needs the [metrics] extra",
        "One reading of the API as OpenMetrics (or the classic Prometheus text format).",
        "--format openmetrics, stdout (no --textfile), no runway (no --forecast-window)",
    )
    metrics.add_argument(
        "--format", choices=["openmetrics", "prometheus"], default="openmetrics", help="(default: openmetrics)"
    )
    metrics.add_argument(
        "--textfile",
        type=_textfile,
        metavar="PATH",
        help="write atomically to PATH (e.g. *.prom) in an existing directory",
    )
    metrics.add_argument(
        "--forecast-window", type=_window, metavar="SPAN", help="also export the runway (e.g. 30d; default: none)"
    )
    exporter = command(
        "exporter",
        "serve /metrics for Prometheus; needs the [metrics] extra",
        "Serve /metrics, reading the API at most once per --min-interval.",
        "--listen 127.0.0.1:9464, --min-interval 60, no runway (no --forecast-window)",
    )
    exporter.add_argument(
        "--listen",
        type=_address,
        default=("127.0.0.1", 9464),
        metavar="HOST:PORT",
        help="address to serve on; an empty host is loopback (default: 127.0.0.1:9464)",
    )
    exporter.add_argument(
        "--min-interval",
        type=_number("a number of seconds", 0, MAX_SECONDS),
        default=60.0,
        metavar="SECONDS",
        help="read the API at most this often (default: 60)",
    )
    exporter.add_argument(
        "--forecast-window", type=_window, metavar="SPAN", help="also export the runway (e.g. 30d; default: none)"
    )
    add_exporter_options(exporter)
    add_monitoring_command(commands)
    ledger = command(
        "transactions",
        "the ledger, newest first, streamed (GET /v2/billing/transactions)",
        "Stream ledger entries, newest first, fetching pages as they are printed.",
        f"every entry (no --from, --to, --direction, --type, --max-entries), --page-size {ITERATION_PAGE_SIZE}, "
        f"--max-pages {DEFAULT_MAX_PAGES}, a table (--json: JSON Lines, --csv: CSV)",
    )
    ledger.add_argument("--from", dest="from_", type=_moment, metavar="WHEN", help="entries at or after (ISO 8601)")
    ledger.add_argument("--to", type=_moment, metavar="WHEN", help="entries before (ISO 8601)")
    # The enums load when an option is used or --help shown, not for every command (a metavar is
    # given, so argparse does not list the choices while building the parser).
    ledger.add_argument(
        "--direction", choices=_EnumValues("TransactionDirection"), metavar="DIRECTION", help="TOPUP or CHARGE"
    )
    ledger.add_argument(
        "--type",
        dest="entry_type",
        choices=_EnumValues("TransactionType"),
        metavar="TYPE",
        help="entry kind: %(choices)s",
    )
    ledger.add_argument(
        "--page-size",
        type=_number("a whole number", 1, 100, whole=True),
        metavar="N",
        help=f"entries per request, 1-100 (default: {ITERATION_PAGE_SIZE})",
    )
    _add_max_pages(ledger)
    ledger.add_argument(
        "--max-entries",
        type=_number("a whole number", 1, 10**12, whole=True),
        metavar="N",
        help="stop after N entries (default: all)",
    )
    output = ledger.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="JSON Lines: one entry per line")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")
    return parser


DEFAULT_WINDOW = datetime.timedelta(days=30)
#: Limits of the options, wide enough for any real use and narrow enough that no arithmetic or
#: socket call downstream overflows: a window of ten years, a threshold of a trillion dollars.
MAX_DAYS = 3660.0
MAX_USD = 1e12
_SPAN_UNITS = {"h": datetime.timedelta(hours=1), "d": datetime.timedelta(days=1), "w": datetime.timedelta(weeks=1)}


def _span_text(span: datetime.timedelta) -> str:
    return f"{span.total_seconds() / 86400:g}d"


def _number(kind: str, low: float, high: float, *, low_open: bool = False, whole: bool = False) -> Callable[[str], Any]:
    """An argparse type: a finite number (or a whole one) from ``low`` to ``high``."""

    def parse(text: str) -> float | int:
        try:
            value: float | int = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {kind}: {text!r}") from None
        in_range = (low < value if low_open else low <= value) and value <= high
        if not math.isfinite(value) or not in_range:
            bounds = f"above {low:g} and at most {high:g}" if low_open else f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"must be {kind} {bounds}, not {text!r}")
        return value

    return parse


def _add_max_pages(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-pages",
        type=_number("a whole number", 1, 10**9, whole=True),
        default=DEFAULT_MAX_PAGES,
        metavar="N",
        help=f"ledger pages to read at most; past them, an error (default: {DEFAULT_MAX_PAGES})",
    )


def _window(text: str) -> datetime.timedelta:
    """``30d``, ``2w``, ``36h``: a span from an hour to ``MAX_DAYS``."""
    unit = _SPAN_UNITS.get(text[-1:].lower())
    try:
        amount = float(text[:-1])
    except ValueError:
        amount = math.nan
    if unit is None or not math.isfinite(amount):
        raise argparse.ArgumentTypeError(f"not a span like 30d, 2w or 36h: {text!r}")
    days = amount * unit.total_seconds() / 86400
    if not 1 / 24 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be from 1h to {MAX_DAYS:g}d, not {text!r}")
    return datetime.timedelta(days=days)


def _address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:9464`` for IPv6); an empty host is loopback, never every interface."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535 or not host.isprintable():
        raise argparse.ArgumentTypeError(f"not HOST:PORT: {text!r}")
    return host, int(port)


def _moment(text: str) -> datetime.datetime:
    """An ISO 8601 moment that exists in UTC too; without an offset it is local time."""
    try:
        moment = datetime.datetime.fromisoformat(text)
        moment.astimezone(UTC)  # 0001-01-01T00:00+14:00 is before the calendar's start in UTC
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time within years 1-9999: {text!r}") from None
    return moment


def _base_url(text: str) -> str:
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a URL: {text!r}")
    return text


def _textfile(text: str) -> Path:
    path = Path(text)
    if not text or "\x00" in text or path.is_dir() or not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"not a file in an existing directory: {text!r}")
    # The file is replaced by a rename: never over a device, FIFO or socket (/dev/null, /dev/full).
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"not a regular file (a device, FIFO or socket): {text!r}")
    try:  # a real probe: access() says yes to root even where nothing can be created (/proc)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot write in the directory of {text!r}: {exc.strerror}") from None
    return path


LEDGER_COLUMNS = ("created_at", "direction", "type", "amount_usd", "amount_credits", "model", "reference_id")


def _ledger_row(entry: Transaction) -> tuple[str, ...]:
    return (
        entry.created_at,
        entry.direction.value,
        entry.type_.value,
        f"{entry.amount.usd:.6f}".rstrip("0").rstrip(".") if entry.amount.usd else "0",
        str(entry.amount.credits_),
        entry.model or "",
        entry.reference_id or "",
    )


def write_ledger(entries: Iterable[Transaction], out: TextIO, style: str) -> int:
    """Write entries as they arrive (table, JSON Lines or CSV); memory stays flat. Returns the count.

    Nothing, not even a header, is written before the first page has arrived: a call that fails at
    once leaves no output that looks like an empty ledger."""
    count = 0
    remaining = iter(entries)
    first = next(remaining, None)
    writer = csv.writer(out, lineterminator="\n") if style == "csv" else None
    if writer is not None:
        writer.writerow(LEDGER_COLUMNS)
    elif style == "table":
        out.write(f"{'created at':<24}  {'dir':<6}  {'type':<15}  {'USD':>12}  model\n")
    if first is None:
        return 0
    for entry in itertools.chain((first,), remaining):
        if writer is not None:
            writer.writerow(_ledger_row(entry))
        elif style == "json":
            out.write(json.dumps(entry.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            row = tuple(map(printable, _ledger_row(entry)))  # a terminal: no control characters from the server
            out.write(f"{row[0]:<24}  {row[1]:<6}  {row[2]:<15}  {entry.amount.usd:>12,.2f}  {row[5]}\n")
        count += 1
    return count


def _client(args: argparse.Namespace) -> Billing:
    key = None if args.api_key_file is None else read_api_key_file(args.api_key_file)
    if key is None and not any(os.environ.get(name, "").strip() for name in API_KEY_ENV_VARS):
        # The SDK's own message speaks Python (api_key=...); this one names the CLI's ways.
        raise ConfigurationError(
            f"No API key: set {API_KEY_ENV_VARS[0]} (or {API_KEY_ENV_VARS[1]}) in the environment, "
            "or give --api-key-file PATH"
        )
    options: dict[str, Any] = {
        "api_key": key,
        "base_url": args.base_url,
        "max_retries": args.max_retries,
        "deadline": args.deadline,
    }
    if args.timeout is not None:
        options["timeout"] = args.timeout
    return Billing(**options)


def _threshold_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    warning, critical = args.warning_usd, args.critical_usd
    problem = _threshold_problem("usd", warning, critical) or _threshold_problem(
        "days", args.warning_days, args.critical_days
    )
    if problem:
        print(f"BILLING UNKNOWN - {problem}", file=out)
        return 3
    wants_runway = args.warning_days is not None or args.critical_days is not None
    try:
        with _client(args) as billing:
            if wants_runway:
                forecast = billing.forecast(window=args.window, max_pages=args.max_pages)
                balance, currency, runway = float(forecast.balance_usd), "USD", forecast.runway_days
            else:
                forecast = None
                summary = billing.summary()
                balance, currency, runway = summary.current_balance, summary.currency, None
    except AIMLAPIError as exc:
        print(f"BILLING UNKNOWN - {printable(str(exc))}", file=out)
        return 3
    state = _state(balance, warning, critical)
    message = f"balance {balance:.2f} {currency}"
    # Range "W:" means "alert below W" in the plugin guidelines' threshold syntax.
    perfdata = f"balance_usd={balance:.2f};{_threshold_text(warning)}:;{_threshold_text(critical)}:"
    if wants_runway:
        days = None if runway is None else float(runway)
        if days is not None:
            state = max(state, _state(days, args.warning_days, args.critical_days))
        message += ", runway " + ("unbounded" if days is None else f"{days:.1f} days")
        if forecast is not None and forecast.unclassified_entries:
            message += (
                f" ({forecast.unclassified_entries} ledger entries of unknown direction "
                f"{'/'.join(forecast.unknown_directions)} not counted)"
            )
        # "U": the plugin guidelines' value for "cannot be determined": no spend, no finite runway.
        value = "U" if days is None else f"{days:.1f}"
        perfdata += f" runway_days={value};{_limit(args.warning_days)};{_limit(args.critical_days)}"
    print(f"BILLING {CHECK_STATES[state]} - {message} | {perfdata}", file=out)
    return state


def _threshold_problem(unit: str, warning: float | None, critical: float | None) -> str | None:
    if warning is not None and critical is not None and critical > warning:
        return f"--critical-{unit} ({critical}) must not be above --warning-{unit} ({warning})"
    return None


def _state(value: float, warning: float | None, critical: float | None) -> int:
    if critical is not None and value < critical:
        return 2
    if warning is not None and value < warning:
        return 1
    return 0


def _limit(threshold: float | None) -> str:
    return "" if threshold is None else f"{_threshold_text(threshold)}:"


def _days_text(days: Decimal | None) -> str:
    return "unbounded (no spend)" if days is None else f"{days:,.1f} days"


def _when(moment: datetime.datetime | None) -> str:
    return "beyond the calendar" if moment is None else moment.strftime("%Y-%m-%d")


def forecast_table(forecast: Forecast) -> str:
    window_days = forecast.window.total_seconds() / 86400
    covered = f"{forecast.days_covered:,.1f} days" + (
        " (the account is younger)" if forecast.days_covered < Decimal(window_days) else ""
    )
    rows = [
        ("balance", _usd_text(forecast.balance_usd)),
        ("window", f"{window_days:g} days from {forecast.window_start:%Y-%m-%d %H:%M} UTC, covering {covered}"),
        ("spend", f"{_usd_text(forecast.spend_usd)} ({_usd_text(forecast.spend_7d_usd)} in the last 7 days)"),
    ]
    rows += [
        (f"  {kind.lower().replace('_', ' ')}", _usd_text(amount)) for kind, amount in forecast.spend_by_type.items()
    ]
    if forecast.spend_by_model:
        rows.append(("top models", ""))
        rows += [(f"  {name}", _usd_text(amount)) for name, amount in forecast.spend_by_model[:5]]
    rows += [
        ("daily burn", f"{_usd_text(forecast.daily_burn_usd)} (last 7 days: {_usd_text(forecast.daily_burn_7d_usd)})"),
        (
            "runway",
            f"{_days_text(forecast.runway_days)} (at the last 7 days' rate: {_days_text(forecast.runway_days_7d)})",
        ),
    ]
    if forecast.unclassified_entries:
        directions = ", ".join(forecast.unknown_directions)
        rows.append(
            (
                "not counted",
                f"{forecast.unclassified_entries} entries, {_usd_text(forecast.unclassified_usd)}, "
                f"of a direction this version does not know ({directions})",
            )
        )
    if forecast.runway_days is not None:
        rows.append(("runs out", "now" if forecast.runway_days == 0 else f"around {_when(forecast.depletion_at)}"))
    if forecast.autotopup_enabled:
        threshold = "?" if forecast.autotopup_threshold_usd is None else _usd_text(forecast.autotopup_threshold_usd)
        amount = "?" if forecast.autotopup_amount_usd is None else _usd_text(forecast.autotopup_amount_usd)
        trigger = "" if forecast.next_topup_at is None else f", next around {_when(forecast.next_topup_at)}"
        rows.append(("auto top-up", f"on: runway is until the next top-up (+{amount} below {threshold}{trigger})"))
    else:
        rows.append(("auto top-up", "off"))
    # Model names and entry types come from the server: no control characters reach the terminal.
    return _table([(printable(label), printable(value)) for label, value in rows])


def _usd_text(amount: Decimal) -> str:
    return f"{amount:,.2f} USD"


def run_forecast(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with _client(args) as billing:
            forecast = billing.forecast(window=args.window, max_pages=args.max_pages)
    except AIMLAPIError as exc:
        return _report(exc, err)
    print(json.dumps(forecast.to_dict(), indent=2) if args.json else forecast_table(forecast), file=out)
    return EXIT_OK


def run_metrics(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from . import metrics
    except ImportError as exc:
        return _report(exc, err)
    # A failed read is reported once, as the command's one error line below; the collector's own
    # warning (meant for a long-running exporter's log) would make it two.
    propagate, silence = metrics.logger.propagate, logging.NullHandler()
    metrics.logger.propagate = False
    metrics.logger.addHandler(silence)  # else logging's last-resort handler would print it anyway
    try:
        with _client(args) as billing:
            collector = metrics.BillingCollector(billing, min_interval=0, forecast_window=args.forecast_window)
            data = metrics.exposition(metrics.build_registry(collector), args.format)
        if args.textfile is not None:
            metrics.write_textfile(args.textfile, data)
        else:
            out.write(data.decode())
    except (AIMLAPIError, OSError) as exc:
        return _report(exc, err)
    finally:
        metrics.logger.removeHandler(silence)
        metrics.logger.propagate = propagate
    if collector.last_error is not None:
        # The exposition says scrape_success 0; the exit code tells the job that ran it.
        return _report(collector.last_error, err)
    return EXIT_OK


def run_exporter(args: argparse.Namespace, err: TextIO) -> int:
    if args.config is not None:
        try:
            from ._monitoring import serve_accounts

            return serve_accounts(args, err, PROG)
        except (AIMLAPIError, OSError, ImportError) as exc:
            return _report(exc, err)
    try:
        from . import metrics

        billing = _client(args)
        collector = metrics.BillingCollector(
            billing, min_interval=args.min_interval, forecast_window=args.forecast_window, max_wait=args.max_wait
        )
    except (AIMLAPIError, ImportError) as exc:
        return _report(exc, err)
    try:
        server = metrics.make_exporter(metrics.build_registry(collector), *args.listen)
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


def run_transactions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    style = "json" if args.json else "csv" if args.csv else "table"
    try:
        with _client(args) as billing:
            entries: Iterable[Transaction] = billing.transactions(
                from_=args.from_,
                to=args.to,
                direction=args.direction,
                type=args.entry_type,
                limit=args.page_size,
                max_pages=args.max_pages,
            )
            if args.max_entries is not None:
                entries = itertools.islice(entries, args.max_entries)
            write_ledger(entries, out, style)
    except AIMLAPIError as exc:
        return _report(exc, err)
    return EXIT_OK


def _report(exc: BaseException, err: TextIO) -> int:
    """One line on stderr; the exit code for the kind of error (1 only for an error no code names: a bug)."""
    print(f"{PROG}: error: {printable(str(exc))}", file=err)
    return next((code for kind, code in _EXIT_CODES if isinstance(exc, kind)), EXIT_SDK_ERROR)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except _UsageError as exc:
        if arguments[:1] == ["check"]:
            print(f"BILLING UNKNOWN - {printable(str(exc))}", file=out)
            return 3
        command = arguments[0] if arguments and arguments[0] in _COMMANDS else ""
        print(f"{PROG}: error: {exc} (see {' '.join([PROG, command]).strip()} --help)", file=err)
        return EXIT_USAGE
    if args.command == "check":
        return run_check(args, out)
    if args.command == "transactions":
        return run_transactions(args, out, err)
    if args.command == "forecast":
        return run_forecast(args, out, err)
    if args.command == "metrics":
        return run_metrics(args, out, err)
    if args.command == "exporter":
        return run_exporter(args, err)
    if args.command == "monitoring":
        from ._monitoring import run_monitoring

        return run_monitoring(args, out)
    _, call, render = _QUERIES[args.command]
    try:
        with _client(args) as billing:
            result = call(billing)
    except AIMLAPIError as exc:
        return _report(exc, err)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.json else render(result), file=out)
    return EXIT_OK


_COMMANDS = (*_QUERIES, "check", "forecast", "metrics", "exporter", "transactions")


def entry_point() -> NoReturn:
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours. Point stdout at devnull so the
        # interpreter's final flush does not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
