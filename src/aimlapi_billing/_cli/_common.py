"""What every command shares: exit codes, the one-line error report, the client and table output."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

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


def report(exc: BaseException, err: TextIO) -> int:
    """One line on stderr; the exit code for the kind of error (1 only for an error no code names: a bug)."""
    print(f"{PROG}: error: {printable(str(exc))}", file=err)
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
    }
    if args.timeout is not None:
        options["timeout"] = args.timeout
    return Billing(**options)


def table(rows: Sequence[tuple[str, str]]) -> str:
    """Two aligned columns, label and value; no trailing spaces."""
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}".rstrip() for label, value in rows)


def usd(amount: Any) -> str:
    """``1,234.50 USD`` for a float or a Decimal."""
    return f"{amount:,.2f} USD"


def threshold_text(value: float) -> str:
    """A threshold as the user would write it: ``20``, ``12.5``."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
