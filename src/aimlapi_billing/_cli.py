"""The ``aimlapi-billing`` command: balance, summary and detail as tables or JSON, and a monitoring check.

Exit codes (other than ``check``'s): 0 success, 2 usage, 3 configuration (no key, bad URL),
4 connection failure or timeout, 5 the API answered with an error status, 6 the API's answer did
not match the schema, 1 any other SDK error. ``check`` follows the monitoring plugin convention
instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any, NoReturn, TextIO

from ._client import Billing
from ._config import API_KEY_ENV_VARS, BASE_URL_ENV_VAR, DEFAULT_MAX_RETRIES
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    ResponseValidationError,
)
from ._version import __version__

PROG = "aimlapi-billing"
CREDITS_PER_USD = 2_000_000

EXIT_OK = 0
EXIT_SDK_ERROR = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3
EXIT_CONNECTION = 4
EXIT_API_STATUS = 5
EXIT_BAD_RESPONSE = 6
_EXIT_CODES: tuple[tuple[type[AIMLAPIError], int], ...] = (
    (ConfigurationError, EXIT_CONFIGURATION),
    (APIConnectionError, EXIT_CONNECTION),
    (APIStatusError, EXIT_API_STATUS),
    (ResponseValidationError, EXIT_BAD_RESPONSE),
)

# Monitoring plugin states (Nagios, Icinga, Zabbix, Sensu …).
CHECK_STATES = ("OK", "WARNING", "CRITICAL", "UNKNOWN")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Raised rather than exiting so that `check` can report bad arguments as UNKNOWN (3).
        raise _UsageError(message)


def _usd(amount: float) -> str:
    return f"{amount:,.2f} USD"


def _table(rows: Sequence[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


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


def _parser() -> _Parser:
    connection = _Parser(add_help=False)
    group = connection.add_argument_group("connection")
    group.add_argument(
        "--base-url", help=f"API origin, host only (default: ${BASE_URL_ENV_VAR} or https://api.aimlapi.com)"
    )
    group.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="per-request timeout (default: 5 s connect, 30 s read)"
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help="retries on 429/5xx/network errors (default: 2)",
    )
    parser = _Parser(
        prog=PROG,
        description="Read your AIML API account balance and billing details.",
        epilog=f"The API key is read from ${API_KEY_ENV_VARS[0]} (or ${API_KEY_ENV_VARS[1]}); "
        "it is never a command-line argument.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, _, _) in _QUERIES.items():
        sub = commands.add_parser(name, parents=[connection], help=help_text, description=f"Show {help_text}.")
        sub.add_argument("--json", action="store_true", help="print the API's JSON instead of a table")
    check = commands.add_parser(
        "check",
        parents=[connection],
        help="monitoring check of the USD balance (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)",
        description="Monitoring plugin: one status line with performance data; exit 0 OK, 1 WARNING, "
        "2 CRITICAL, 3 UNKNOWN (any error).",
    )
    check.add_argument("--warning-usd", type=float, required=True, metavar="W", help="WARNING below this balance")
    check.add_argument("--critical-usd", type=float, required=True, metavar="C", help="CRITICAL below this balance")
    return parser


def _client(args: argparse.Namespace) -> Billing:
    options: dict[str, Any] = {"base_url": args.base_url, "max_retries": args.max_retries}
    if args.timeout is not None:
        options["timeout"] = args.timeout
    return Billing(**options)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    warning, critical = args.warning_usd, args.critical_usd
    if critical > warning:
        print(f"BILLING UNKNOWN - --critical-usd ({critical}) must not be above --warning-usd ({warning})", file=out)
        return 3
    try:
        with _client(args) as billing:
            summary = billing.summary()
    except AIMLAPIError as exc:
        print(f"BILLING UNKNOWN - {exc}", file=out)
        return 3
    balance = summary.current_balance
    state = 2 if balance < critical else 1 if balance < warning else 0
    # Range "W:" means "alert below W" in the plugin guidelines' threshold syntax.
    perfdata = f"balance_usd={balance:.2f};{_number(warning)}:;{_number(critical)}:"
    print(f"BILLING {CHECK_STATES[state]} - balance {balance:.2f} {summary.currency} | {perfdata}", file=out)
    return state


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except _UsageError as exc:
        if arguments[:1] == ["check"]:
            print(f"BILLING UNKNOWN - {exc}", file=out)
            return 3
        parser.print_usage(err)
        print(f"{PROG}: error: {exc}", file=err)
        return EXIT_USAGE
    if args.command == "check":
        return run_check(args, out)
    _, call, render = _QUERIES[args.command]
    try:
        with _client(args) as billing:
            result = call(billing)
    except AIMLAPIError as exc:
        print(f"{PROG}: error: {exc}", file=err)
        return next((code for kind, code in _EXIT_CODES if isinstance(exc, kind)), EXIT_SDK_ERROR)
    print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) if args.json else render(result), file=out)
    return EXIT_OK


def entry_point() -> NoReturn:
    try:
        code = main()
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
