"""Option parsing shared by the commands: the parser class, argparse types with their bounds, the
connection options and the help epilogs. Every value is checked here, before any request."""

from __future__ import annotations

import argparse
import datetime
import functools
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from .._config import (
    API_KEY_ENV_VARS,
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    PLAIN_DECIMAL,
)
from .._deadline import MAX_SECONDS
from .._fanout import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from ._common import threshold_text

DEFAULT_WINDOW = datetime.timedelta(days=30)
#: Limits of the options, wide enough for any real use and narrow enough that no arithmetic or
#: socket call downstream overflows: a window of ten years, a threshold of a trillion dollars.
MAX_DAYS = 3660.0
MAX_USD = 1e12
#: A whole number as the options take it (a decimal: PLAIN_DECIMAL); int() would also take 1_0, " 10", other digits.
PLAIN_WHOLE = re.compile(r"[+-]?[0-9]+")
NUMBERS_TEXT = (
    "numbers: plain ASCII decimals (12, 0.5, -5; whole numbers for counts), without an exponent (1e2), "
    "underscores (1_000), spaces or other scripts' digits."
)

EXIT_CODES_TEXT = (
    "exit codes: 0 success; 2 usage (a bad option, an unwritable output, an address that cannot be "
    "bound); 3 configuration (no API key, a bad key (one shorter than 8 characters too) or base URL, the "
    "[metrics] extra missing); "
    "4 connection failure or timeout (the deadline included); 5 the API answered with an error status; "
    "6 the API's answer was not usable (not JSON, a number that is not finite, beyond a double's range either "
    "way (1e999, 1e-400) or of over 100 significant digits, too large, too deep, "
    "not the schema, an amount in a currency other than USD, pages that never end); 130 interrupted (Ctrl-C: one "
    "line on stderr, no partial output); 1 only for a bug."
)
#: How the exit-code paragraphs of a ``--help`` begin (they end it).
_EXIT_CODE_HEADS = ("exit codes", "plugins' exit codes")
#: Where a command's auto top-up figure comes from, printed beside it: the two endpoints may disagree.
CURRENT_AUTOTOPUP = "GET /v2/billing/detail"
LEGACY_AUTOTOPUP = "the legacy flag of GET /v1/billing/balance; `detail` shows the current setting"
#: Which endpoint's auto top-up setting each command shows or trusts.
AUTOTOPUP_SOURCES_TEXT = (
    "auto top-up: GET /v2/billing/detail's autotopup_settings are the current setting, which detail, forecast, "
    "check and the exporter follow; balance shows GET /v1/billing/balance's legacy autoDebitStatus, labelled "
    "as such, which may say otherwise (the exporter exports aimlapi_autotopup_sources_disagree 1 when they do). "
    "A setting the current endpoint leaves out is unknown everywhere, never off: detail and forecast print "
    "unknown (forecast --json: null; its runway counts no top-up), the exporter leaves aimlapi_autotopup_enabled out."
)
CHECK_EXIT_CODES_TEXT = (
    "exit codes (monitoring plugin convention): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (any error: a bad "
    "option, no key, a network failure or timeout, an error status, an unusable answer: a balance in a currency "
    "other than USD included); 130 interrupted (Ctrl-C: one line on stderr, no status line)."
)
#: The one JSON rule of every command that prints JSON (``--json``), in its ``--help``.
JSON_MONEY_TEXT = (
    "--json: a field the spec types number (money, prices, per, credits where the spec says number) is a JSON "
    'string of the exact decimal the API wrote (or of the exact sum): "12.5", "0.000105", never an exponent, no '
    'trailing zeros after the point, never "-0"; so are the numbers we compute: durations exact, day counts, '
    "rates and runways rounded to 12 decimal places; a field the spec types integer (counts, a ledger amount's "
    "credits) is a JSON integer; the same in every command."
)
#: The monitoring plugins' default --deadline: the whole check (one call) ends, UNKNOWN if it must,
#: before Nagios's 60 s service timeout kills it and reports nothing of what was measured.
PLUGIN_DEADLINE = 50.0


def connection_defaults(deadline: float = DEFAULT_DEADLINE) -> str:
    """What the connection options default to, for a ``--help`` (a plugin's ``deadline`` is :data:`PLUGIN_DEADLINE`)."""
    return (
        f"--timeout {DEFAULT_TIMEOUT.read:g} (seconds per attempt, {DEFAULT_TIMEOUT.connect:g} to connect), "
        f"--deadline {deadline:g} ("
        + (
            "seconds: the whole check, under Nagios's 60 s"
            if deadline == PLUGIN_DEADLINE
            else "seconds per API call with its retries and waits; forecast and check are one call, transactions "
            "one call per page"
        )
        + "), "
        f"--max-retries {DEFAULT_MAX_RETRIES}, --base-url ${BASE_URL_ENV_VAR} or {DEFAULT_BASE_URL}, "
        f"--api-key-file none (${API_KEY_ENV_VARS[0]}, then ${API_KEY_ENV_VARS[1]})"
    )


CONNECTION_DEFAULTS = connection_defaults()


class UsageError(Exception):
    """A bad command line: reported as one line (an UNKNOWN status line for a monitoring plugin)."""


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A value that starts with - and a digit (--keep -5d, --max-age -1.5h) is a value, never an
        # option (none of ours begins with a digit): its option's own check then says what is wrong with
        # it, where argparse said "expected one argument" (it knows only -5 and -1.5 as negative numbers).
        self._negative_number_matcher = re.compile(r"^-\.?\d")

    def error(self, message: str) -> NoReturn:
        # Raised rather than exiting so that a plugin can report bad arguments as UNKNOWN (3).
        raise UsageError(message)


class EnumValues(Sequence[str]):
    """The values a generated enum lists, read from the generated models on first use (as ``choices``
    with a metavar, argparse reads them only when the option is used or ``--help`` shown)."""

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


_wrap = functools.partial(textwrap.fill, width=100, break_on_hyphens=False)  # never "--max-\nretries"


def epilog(defaults: str, exit_codes: str = EXIT_CODES_TEXT) -> str:
    return f"{_wrap('defaults: ' + defaults)}\n\n{_wrap(NUMBERS_TEXT)}\n\n{_wrap(exit_codes)}"


def add_epilog(parser: argparse.ArgumentParser, text: str, *, before_exit_codes: bool = False) -> None:
    """A paragraph in a command's ``--help`` after the defaults every command gets: at the end (the
    command's own ``exit codes of ...``), or ``before_exit_codes`` (its own rules; the exit codes stay last)."""
    wrapped = _wrap(text)
    if before_exit_codes and parser.epilog:
        # Before the first exit-code paragraph (a command may add its own after the common one).
        paragraphs = parser.epilog.split("\n\n")
        first = next(
            (n for n, paragraph in enumerate(paragraphs) if paragraph.startswith(_EXIT_CODE_HEADS)), len(paragraphs) - 1
        )
        parser.epilog = "\n\n".join([*paragraphs[:first], wrapped, *paragraphs[first:]]).lstrip()
    else:
        parser.epilog = f"{parser.epilog or ''}\n\n{wrapped}".lstrip()


def with_json_rule(parser: argparse.ArgumentParser) -> None:
    """Put :data:`JSON_MONEY_TEXT` in the ``--help`` of a command that prints JSON, before its exit
    codes (which end every command's help)."""
    if "--json" in parser._option_string_actions:
        add_epilog(parser, JSON_MONEY_TEXT, before_exit_codes=True)


def connection_options(deadline: float = DEFAULT_DEADLINE) -> Parser:
    """The options of every command that calls the API, as a parent parser (``deadline``: the
    default ``--deadline``, :data:`PLUGIN_DEADLINE` for a monitoring plugin)."""
    connection = Parser(add_help=False)
    group = connection.add_argument_group("connection")
    group.add_argument(
        "--base-url", type=base_url, help=f"API origin, host only (default: ${BASE_URL_ENV_VAR} or {DEFAULT_BASE_URL})"
    )
    group.add_argument(
        "--api-key-file",
        metavar="PATH",
        help=f"read the API key from this file (default: ${API_KEY_ENV_VARS[0]}, then ${API_KEY_ENV_VARS[1]})",
    )
    group.add_argument(
        "-t",
        "--timeout",
        type=number("a number of seconds", 0, MAX_SECONDS, low_open=True),
        metavar="SECONDS",
        help=f"wall time of one attempt, however slowly the answer comes (default: {DEFAULT_TIMEOUT.read:g}, "
        f"{DEFAULT_TIMEOUT.connect:g} to connect)",
    )
    group.add_argument(
        "--deadline",
        type=number("a number of seconds", 0, MAX_SECONDS, low_open=True),
        default=deadline,
        metavar="SECONDS",
        help=f"wall time of every call, retries and Retry-After waits included (default: {deadline:g})",
    )
    group.add_argument(
        "--max-retries",
        type=number("a whole number", 0, 100, whole=True),
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help=f"retries on 408/409/429/5xx/network errors, 0 to 100 (default: {DEFAULT_MAX_RETRIES})",
    )
    group.add_argument(
        "--concurrency",
        type=number("a whole number", 1, MAX_CONCURRENCY, whole=True),
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"requests in flight at once when reading many keys, 1 to {MAX_CONCURRENCY}, halved on a 429 and "
        "recovering slowly; there a 429 is the server's pace and never uses up --max-retries: one --deadline "
        f"bounds them all (default: {DEFAULT_CONCURRENCY})",
    )
    return connection


def span_text(span: datetime.timedelta) -> str:
    return f"{span.total_seconds() / 86400:g}d"


def number(
    kind: str, low: float, high: float, *, low_open: bool = False, whole: bool = False, exact: bool = False
) -> Callable[[str], Any]:
    """An argparse type: a plain decimal (:data:`PLAIN_DECIMAL`), or a whole one, from ``low`` to ``high``;
    with ``exact`` (amounts of USD) the ``Decimal`` of the text as typed, so ``0.1`` is exactly a dime."""

    def parse(text: str) -> float | int | Decimal:
        try:
            if not (PLAIN_WHOLE if whole else PLAIN_DECIMAL).fullmatch(text):
                raise ValueError(text)
            value: float | int | Decimal = int(text) if whole else Decimal(text) if exact else float(text)
        except (ValueError, ArithmeticError):  # int() refuses more than 4,300 digits; InvalidOperation
            raise argparse.ArgumentTypeError(f"not {kind}: {text!r}") from None
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite or not ((low < value if low_open else low <= value) and value <= high):
            # The bounds as the option takes them: 1000000, never 1e+06.
            low_text, high_text = threshold_text(low), threshold_text(high)
            bounds = f"above {low_text} and at most {high_text}" if low_open else f"from {low_text} to {high_text}"
            raise argparse.ArgumentTypeError(f"must be {kind} {bounds}, not {text!r}")
        return value

    return parse


def add_max_pages(parser: argparse.ArgumentParser, what: str = "ledger pages") -> None:
    parser.add_argument(
        "--max-pages",
        type=number("a whole number", 1, 10**9, whole=True),
        default=DEFAULT_MAX_PAGES,
        metavar="N",
        help=f"{what} to read at most; past them, an error (default: {DEFAULT_MAX_PAGES})",
    )


def window(text: str) -> datetime.timedelta:
    """A length, ``36h``, ``30d``, ``2w``, ``1mo``: an hour to ``MAX_DAYS`` (:func:`aimlapi_billing._windows.span`)."""
    from .._windows import span  # only when the option is given: a balance check parses no span

    try:
        return span(text, datetime.timedelta(days=MAX_DAYS))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def read_window(text: str) -> str:
    """A window the exporter resolves at each read (``1mo``: the calendar month before that read), or
    a calendar window: :func:`aimlapi_billing._windows.window_text`, kept as written."""
    from .._windows import window_text

    try:
        return window_text(text, datetime.timedelta(days=MAX_DAYS))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:9464`` for IPv6); an empty host is loopback, never every interface."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    # ASCII digits alone: str.isdigit() and int() also take "٩٤٦٤" (Arabic-Indic), and int() "+80" and " 80".
    if not (port.isascii() and port.isdigit()) or not 0 <= int(port) <= 65535 or not host.isprintable():
        raise argparse.ArgumentTypeError(f"not HOST:PORT: {text!r}")
    return host, int(port)


def moment(text: str) -> datetime.datetime:
    """An ISO 8601 moment that exists in UTC too; without an offset it is local time."""
    try:
        value = datetime.datetime.fromisoformat(text)
        value.astimezone(datetime.UTC)  # 0001-01-01T00:00+14:00 is before the calendar's start in UTC
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time within years 1-9999: {text!r}") from None
    return value


def base_url(text: str) -> str:
    if not text.strip() or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a URL: {text!r}")
    return text


def textfile(text: str) -> Path:
    """A file to replace atomically: a regular file (or none yet) in a directory we can write in."""
    path = Path(text)
    if not text or "\x00" in text or path.is_dir() or not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"not a file in an existing directory: {text!r}")
    # The file is replaced by a rename: never over a device, FIFO or socket (/dev/null, /dev/full).
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"not a regular file (a device, FIFO or socket): {text!r}")
    import tempfile  # only here: it costs a command that writes no file several milliseconds

    try:  # a real probe: access() says yes to root even where nothing can be created (/proc)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot write in the directory of {text!r}: {exc.strerror}") from None
    return path
