"""What every command shares: exit codes, the one-line error report, the client and table output."""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import itertools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from .._config import API_KEY_ENV_VARS, read_api_key_file
from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidParameterError,
    ResponseValidationError,
)
from .._redaction import printable

if TYPE_CHECKING:
    from .._client import Billing

PROG = "aimlapi-billing"

EXIT_OK = 0
EXIT_SDK_ERROR = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3
EXIT_CONNECTION = 4
EXIT_API_STATUS = 5
EXIT_BAD_RESPONSE = 6
#: ``keys create``: the key was created but could not be written to stdout (delete it, make another).
EXIT_KEY_NOT_PRINTED = 7
#: Ctrl-C (SIGINT), every command, the plugins too (a person pressed it: no monitoring system does).
EXIT_INTERRUPTED = 130
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InvalidParameterError, EXIT_USAGE),
    (OSError, EXIT_USAGE),  # an output file that cannot be written, an address that cannot be bound
    (ConfigurationError, EXIT_CONFIGURATION),
    (ImportError, EXIT_CONFIGURATION),  # metrics and exporter without the [metrics] extra
    (APIConnectionError, EXIT_CONNECTION),
    (APIStatusError, EXIT_API_STATUS),
    (ResponseValidationError, EXIT_BAD_RESPONSE),
)

#: Monitoring plugin states (Nagios, Icinga, Zabbix, Sensu …), indexed by exit code.
CHECK_STATES = ("OK", "WARNING", "CRITICAL", "UNKNOWN")
CHECK_UNKNOWN = 3


def report(exc: BaseException, err: TextIO, words: Callable[[str], str] = str) -> int:
    """One line on stderr; the exit code for the kind of error (1 only for an error no code names: a bug).
    ``words`` rewrites the message for the command (the CLI's advice for the SDK's)."""
    print(f"{PROG}: error: {printable(words(str(exc)))}", file=err)
    return next((code for kind, code in EXIT_CODES if isinstance(exc, kind)), EXIT_SDK_ERROR)


def client(args: argparse.Namespace) -> Billing:
    """The client the connection options describe; the key from --api-key-file or the environment."""
    from .._client import Billing

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
        "concurrency": args.concurrency,
    }
    if args.timeout is not None:
        options["timeout"] = args.timeout
    return long_enough(Billing(**options))


def long_enough(billing: Billing) -> Billing:
    """``billing``, or :class:`ConfigurationError` (exit 3) for an API key shorter than the redaction's
    shortest echo: a key like ``x`` would be cut out of every word that holds it (``prefi<redacted>``),
    and no real key is that short. Refused at start rather than redacted less: the output stays exact."""
    from .._redaction import MIN_ECHO

    if (length := len(billing._api_key)) < MIN_ECHO:
        billing.close()
        raise ConfigurationError(
            f"The API key is {length} character{'' if length == 1 else 's'} long, shorter than {MIN_ECHO}: no AIML API "
            "key is (they are 32), and so short a secret cannot be kept out of the output. The key is not shown."
        )
    return billing


T = TypeVar("T")


def first_fetched(rows: Iterable[T]) -> tuple[bool, Iterator[T]]:
    """Whether ``rows`` has any, and all of them, the first one already fetched: a streaming command
    writes nothing, not even a header, before the first page has arrived, so a call that fails at
    once leaves no output that looks like an empty result."""
    remaining = iter(rows)
    for first in remaining:
        return True, itertools.chain((first,), remaining)
    return False, remaining


def json_output(data: Any, *, lines: bool = False, ensure_ascii: bool = True) -> str:
    """The JSON every command writes (``--json``), without the final newline: indented, or with
    ``lines`` one compact line (JSON Lines). Money, every ``Decimal``, is a JSON string of its exact
    plain digits (:func:`decimal_text`: ``"12.5"``, ``"0.000105"``), so no reader's float rounds
    it; counts stay JSON integers."""
    import json

    separators = (",", ":") if lines else (",", ": ")
    return json.dumps(
        data,
        default=_json_decimal,
        indent=None if lines else 2,
        separators=separators,
        ensure_ascii=ensure_ascii,
        allow_nan=False,
    )


def _json_decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def decimal_text(value: Decimal) -> str:
    """The one way a ``Decimal`` is written in JSON output: its exact value, positional (never an
    exponent: ``1E+2`` is ``100``, ``1E-7`` is ``0.0000001``), without trailing zeros in the fraction
    (``12.50`` and ``0.00`` are ``12.5`` and ``0``, however the API or a sum wrote them), never ``-0``.
    Every number read is bounded (a double's range, 100 significant digits), so the text is short."""
    if not value.is_finite():
        raise ValueError(f"{value!r} is not a number JSON can hold")
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: What --help says of spreadsheet_text where a command writes CSV.
FORMULA_TEXT = (
    "--csv: a text cell from the server (a model, an id, a key's name) that starts with = + - @ or a tab or "
    "carriage return gets a leading ' so that a spreadsheet shows it instead of running it as a formula; numbers "
    "are written as they are."
)


def named_format(name: str, formats: Sequence[str]) -> str | None:
    """Which of ``formats`` a file name's extension says (any case; ``.csv`` alone too), or None: an
    output whose name says another format than the one written is refused by the commands that write."""
    lowered = name.lower()
    return next((kind for kind in formats if lowered.endswith(f".{kind}")), None)


def spreadsheet_text(text: str) -> str:
    """A CSV cell of text from the server (a model, a key's name, a team): one that a spreadsheet would
    run as a formula (``=HYPERLINK(…)``, ``@SUM``, ``-2+3``) gets a leading ``'``, OWASP's advice, so
    opening the file shows the text instead of running it. Money and counts are never passed here."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def table(rows: Sequence[tuple[str, str]]) -> str:
    """Two aligned columns, label and value; no trailing spaces."""
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}".rstrip() for label, value in rows)


def fixed(value: Decimal | float, places: int, *, grouping: bool = True, sign: bool = False) -> str:
    """The one way a table or a plugin line writes a number with ``places`` decimals: a ``Decimal``
    exactly rounded half to even (every digit of its integer part kept, however many), a float by its
    exact binary value; never ``-0.00`` (a negative zero, or a negative amount that rounds to zero, is
    ``0.00``). ``grouping``: thousands separated by commas (a table's; perfdata takes none);
    ``sign``: ``+`` before a positive value."""
    return f"{value:{'+' if sign else ''}z{',' if grouping else ''}.{places}f}"


def usd(amount: Any) -> str:
    """``1,234.50 USD`` for a float or a Decimal (:func:`fixed`: never ``-0.00``)."""
    return f"{fixed(amount, 2)} USD"


def plain_number(value: Decimal) -> str:
    """A number as its exact positional digits, for CSV cells and ids: ``0.0000001`` (never
    ``1E-7`` or a rounded ``0``), ``111`` (an id the JSON wrote as ``111.0`` too)."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value().normalize() if value else Decimal(0):f}"
    return f"{value:f}"


def threshold_text(value: Decimal | float) -> str:
    """A threshold as given: ``80``, ``79.999`` (not rounded to ``80``), ``0.000001``, never ``-0``;
    a float's shortest text, written out (perfdata takes no exponent: ``1e-20`` is ``0.00000000000000000001``)."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if value == int(value):
        return str(int(value))
    text = repr(value)
    if "e" in text:
        text = f"{Decimal(text):f}"
    return text


def plugin_text(text: str, limit: int) -> str:
    """Server text (already redacted) for a plugin's line: printable, on one line, at most ``limit``
    characters, and no ``|`` (replaced by ``/``: it would start the perfdata)."""
    shown = printable(text).replace("|", "/")
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class OutputError(OSError):
    """Standard output could not be written or flushed. ``broken_pipe``: its reader went away."""

    def __init__(self, cause: BaseException | None, reason: str = "") -> None:
        code = cause.errno if isinstance(cause, OSError) and cause.errno else errno.EBADF
        text = reason or (cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause))
        super().__init__(code, f"cannot write to standard output: {text}")
        self.broken_pipe = isinstance(cause, BrokenPipeError)

    def __str__(self) -> str:
        return str(self.strerror)


class Output:
    """Standard output as the commands see it: each failure to write or flush it (a closed
    descriptor, a full disk, a reader gone) is an :class:`OutputError`, told apart from the
    ``OSError`` of any other file."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _failed(self, exc: BaseException) -> OutputError:
        if self._stream is None:
            return OutputError(exc, "it is closed")
        return exc if isinstance(exc, OutputError) else OutputError(exc)

    def write(self, text: str) -> int:
        try:
            written: int = _write(self._stream, text)
        except (OSError, ValueError, AttributeError) as exc:  # ValueError: closed; AttributeError: None
            raise self._failed(exc) from None
        return written

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as exc:
            raise self._failed(exc) from None

    def fileno(self) -> int:
        if self._stream is None:
            raise OutputError(None, "it is closed")
        fileno: int = self._stream.fileno()
        return fileno

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _write(stream: Any, text: str) -> int:
    """``stream.write(text)``; what the stream's encoding cannot hold (a key's name under
    ``PYTHONIOENCODING=ascii``) written as backslash escapes (``\\xe9``) rather than refused."""
    try:
        written: int = stream.write(text)
    except UnicodeEncodeError:  # raised before anything is written: the whole text is encoded first
        encoding = getattr(stream, "encoding", None) or "ascii"
        written = stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    return written


class ErrorOutput:
    """Standard error as the commands see it: a message it cannot take (closed with ``2>&-``, a full
    disk, a reader gone) is dropped, never sent to stdout and never the command's failure; what its
    encoding cannot hold is written as backslash escapes."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            return len(text)
        try:
            return _write(self._stream, text)
        except (OSError, ValueError, AttributeError):  # ValueError: closed; AttributeError: no write
            return len(text)

    def flush(self) -> None:
        if self._stream is None:
            return
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def silence(stream: Any) -> None:
    """Point ``stream``'s descriptor at the null device, so that what is left in its buffer goes
    nowhere when the interpreter flushes it on exit (instead of failing again, with a traceback)."""
    try:
        fileno = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return  # no descriptor (None, an in-memory buffer): nothing will be flushed to one
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fileno)
    finally:
        os.close(null)


#: Linux's /dev/full (major, minor): every write to it fails with ENOSPC.
_DEV_FULL = (1, 7)


def unwritable(out: Any) -> str | None:
    """Why ``out`` certainly cannot take what is written to it, or ``None``: closed, open for
    reading only, ``/dev/full``, a file on a full file system, a pipe or socket whose reader is
    gone. Checked before a request whose answer can be shown only once (``keys create``); a failure
    that cannot be foreseen (a reader leaving later, a disk filling up meanwhile) is the caller's to
    catch. An output with no descriptor (an in-memory buffer) is not checked."""
    try:
        fileno = out.fileno()
    except OutputError as exc:
        return str(exc)
    except (io.UnsupportedOperation, AttributeError, ValueError):
        return None
    try:
        status = os.fstat(fileno)
    except OSError as exc:
        return f"cannot write to standard output: {exc.strerror}"
    if sys.platform != "win32":
        import fcntl

        if fcntl.fcntl(fileno, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            return "cannot write to standard output: it is open for reading only"
    if (
        sys.platform == "linux"
        and stat.S_ISCHR(status.st_mode)
        and (
            os.major(status.st_rdev),
            os.minor(status.st_rdev),
        )
        == _DEV_FULL
    ):
        return "cannot write to standard output: it is /dev/full"
    if stat.S_ISREG(status.st_mode) and hasattr(os, "fstatvfs") and os.fstatvfs(fileno).f_bavail == 0:
        return "cannot write to standard output: its file system is full"
    if stat.S_ISFIFO(status.st_mode) or stat.S_ISSOCK(status.st_mode):
        import select

        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fileno, select.POLLOUT)
            if any(events & (select.POLLERR | select.POLLHUP | select.POLLNVAL) for _, events in poller.poll(0)):
                return "cannot write to standard output: its reader is gone (a closed pipe)"
    return None
