"""The ``aimlapi-billing`` command: balance, summary, detail and the ledger, forecasts, metrics and an
exporter, and monitoring checks.

Exit codes (other than a monitoring plugin's): 0 success, 2 usage (a bad option, an unwritable
output, an address that cannot be bound), 3 configuration (no key, a bad key or URL), 4 connection
failure or timeout, 5 the API answered with an error status, 6 the API's answer was not usable; 1 is
left to bugs (an exception nobody expected). Plugins (``check``) follow the monitoring plugin
convention instead: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Every option is checked before any
request: a bad one is one line on stderr (for a plugin, an UNKNOWN line on stdout).

The shape is the openai SDK's ``cli/_api``: ``_registry`` names every command and the module that
implements it, ``_commands/`` holds one module per command group, and ``_common`` and ``_options``
hold the output, errors and option types they share. Only the invoked command's module is imported.
"""

from ._common import (
    EXIT_API_STATUS,
    EXIT_BAD_RESPONSE,
    EXIT_CODES,
    EXIT_CONFIGURATION,
    EXIT_CONNECTION,
    EXIT_OK,
    EXIT_SDK_ERROR,
    EXIT_USAGE,
)
from ._main import build_parser, entry_point, main
from ._options import UsageError

__all__ = [
    "EXIT_API_STATUS",
    "EXIT_BAD_RESPONSE",
    "EXIT_CODES",
    "EXIT_CONFIGURATION",
    "EXIT_CONNECTION",
    "EXIT_OK",
    "EXIT_SDK_ERROR",
    "EXIT_USAGE",
    "UsageError",
    "build_parser",
    "entry_point",
    "main",
]
