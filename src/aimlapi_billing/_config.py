"""Settings the clients resolve once: API key, base URL, timeout, headers."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import stat
import sys
from collections.abc import Mapping

import httpx

from ._exceptions import ConfigurationError
from ._version import __version__

#: A number as the command line and the exporter's config take it: ASCII digits, an optional sign and
#: decimal point. Python's float() would also take other scripts' digits (Arabic-Indic 100), 1_000, spaces, 1e2, inf.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
DEFAULT_BASE_URL = "https://api.aimlapi.com"
#: 5 s to connect, 30 s for each read, write and pool wait: finite, and generous for a small JSON call.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
#: Seconds for a whole call: every attempt, backoff sleep and ``Retry-After`` wait. Three attempts
#: at the default 30 s, with backoff, fit; a monitoring job still gets an answer within two minutes.
DEFAULT_DEADLINE = 120.0
#: Response body caps in decoded bytes, per endpoint. The real answers are under 1 KiB (the
#: account calls) and about 30 KiB (a full ledger page of 100 entries): the caps leave ~60x and
#: ~130x room for fields the vendor adds, and stop a broken or hostile server long before memory
#: matters. ``max_response_bytes=`` overrides them for every endpoint.
DEFAULT_MAX_RESPONSE_BYTES: Mapping[str, int] = {
    "GET /v1/billing/balance": 64 * 1024,
    "GET /v2/billing": 64 * 1024,
    "GET /v2/billing/detail": 64 * 1024,
    "GET /v2/billing/transactions": 4 * 1024 * 1024,
}
#: The cap on a 2xx body, decoded, of an operation without a cap of its own: one no resource
#: declares (``lib/api.py``), or a billing endpoint with no entry above.
DEFAULT_API_MAX_BYTES = 4 * 1024 * 1024
#: Of an error response, only this much is read: enough for any message, and the status is what counts.
MAX_ERROR_BODY_BYTES = 64 * 1024
#: JSON nesting the SDK reads: the deepest real answer is 3 levels (page, entry, amount).
MAX_JSON_DEPTH = 32
#: Ledger pages one walk reads at most: 10,000 pages of 100 entries is a million entries.
DEFAULT_MAX_PAGES = 10_000
#: Empty pages in a row that still say ``has_more`` before a walk gives up.
MAX_EMPTY_PAGES = 3

#: Looked up in this order; the second is the name the vendor's own SDK uses.
API_KEY_ENV_VARS = ("AIML_API_KEY", "AIMLAPI_API_KEY")
#: Host only (no ``/v1``): the vendor SDK's ``AIML_API_BASE`` includes ``/v1``, so it is not reused.
BASE_URL_ENV_VAR = "AIMLAPI_BILLING_BASE_URL"

#: ``debug`` (or ``info``) sends the SDK's log records, and httpx's, to stderr: each request and
#: response, each retry; keys are redacted like everywhere else.
LOG_ENV_VAR = "AIMLAPI_BILLING_LOG"

# sys.version_info rather than platform.python_version(): importing platform costs a short-lived
# program (a monitoring check) over a millisecond, for the same three numbers.
_PYTHON = ".".join(map(str, sys.version_info[:3]))
USER_AGENT = f"aimlapi-billing/{__version__} python/{_PYTHON} httpx/{httpx.__version__}"


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """The key, from the argument or else the environment, stripped of surrounding whitespace (a key
    read from a file ends in a newline) and checked: a key with a control or non-ASCII character
    cannot be sent in a header, and the error names where it came from without showing it."""
    if api_key is not None and not isinstance(api_key, str):
        raise ConfigurationError(f"api_key must be a string, not {type(api_key).__name__}")
    candidates = [("the api_key argument", api_key or "")]
    candidates += [(f"${name}", environ.get(name, "")) for name in API_KEY_ENV_VARS]
    for source, raw in candidates:
        key = raw.strip()
        if key:
            check_api_key(key, source)
            return key
    raise ConfigurationError(
        f"No API key: pass api_key=..., or set {API_KEY_ENV_VARS[0]} (or {API_KEY_ENV_VARS[1]}) in the environment."
    )


#: A key file larger than this is not a key file.
MAX_KEY_FILE_BYTES = 4096


def read_api_key_file(path: str) -> str:
    """The key in the file at ``path`` (a secrets mount, a systemd credential), stripped and checked;
    any problem is a :class:`ConfigurationError` that names the file and never shows its content."""
    source = f"the file {path!r}"
    try:
        # O_NONBLOCK: opening a FIFO nobody writes to would otherwise hang before any deadline starts.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise ConfigurationError(f"{source} is not a regular file (a FIFO, device or directory): not a key file")
        with os.fdopen(fd, "rb") as file:
            data = file.read(MAX_KEY_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigurationError(f"Cannot read the API key from {source}: {reason}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise ConfigurationError(f"{source} is larger than {MAX_KEY_FILE_BYTES} bytes: not an API key file")
    try:
        key = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigurationError(f"The API key from {source} is not UTF-8 text; the key is not shown.") from None
    if not key:
        raise ConfigurationError(f"{source} holds no API key")
    check_api_key(key, source)
    return key


def check_api_key(key: str, source: str) -> None:
    """Raise :class:`ConfigurationError` for a key no HTTP header can carry, never echoing it."""
    for position, character in enumerate(key, start=1):
        if not character.isascii():
            problem = "a non-ASCII character"
        elif not character.isprintable():
            problem = "a control character"
        else:
            continue
        raise ConfigurationError(
            f"The API key from {source} contains {problem} (at character {position} of {len(key)}); "
            "an API key is printable ASCII. The key is not shown."
        )


def resolve_base_url(base_url: str | None, allow_insecure_http: bool, environ: Mapping[str, str] = os.environ) -> str:
    """The API's origin, checked: http(s), a host, no version path, and no plain HTTP to a remote host."""
    # Stripped as the environment variable is: a stray space must not turn into a confusing error.
    raw = (base_url or "").strip() or environ.get(BASE_URL_ENV_VAR, "").strip() or DEFAULT_BASE_URL
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"Invalid base URL {_without_userinfo(raw)!r}: {exc}") from None
    if url.userinfo:
        # The API authenticates with the bearer key alone; credentials in the URL would only end up
        # in error messages and logs, so they are refused, and never shown.
        raise ConfigurationError(
            f"Base URL {str(url.copy_with(username=None, password=None))!r} holds credentials (user:password@): "
            "remove them; the API key authenticates every request"
        )
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"Invalid base URL {_without_userinfo(raw)!r}: expected http(s)://host[:port]")
    path = url.path.rstrip("/")
    if path.split("/")[-1] in ("v1", "v2"):
        raise ConfigurationError(
            f"Base URL {_without_userinfo(raw)!r} ends in a version: give the host only (e.g. {DEFAULT_BASE_URL}); "
            "each call adds its own /v1 or /v2."
        )
    if url.scheme == "http" and not allow_insecure_http and not is_loopback(url.host):
        raise ConfigurationError(
            f"Refusing to send the API key over plain http:// to {url.host}: use https, "
            "or pass allow_insecure_http=True if you really mean it."
        )
    return str(url.copy_with(path=path or "", query=None, fragment=None)).rstrip("/")


def _without_userinfo(raw: str) -> str:
    """``raw`` with anything before the last ``@`` of its authority hidden (the authority follows
    ``//``, or starts the text when there is no ``//``: ``user:password@host``)."""
    scheme, separator, rest = raw.partition("//")
    if not separator:
        scheme, rest = "", raw
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "<redacted>@" + authority.rpartition("@")[2]
    return scheme + separator + authority + slash + path


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def configure_logging(environ: Mapping[str, str] = os.environ) -> None:
    """Honour ``$AIMLAPI_BILLING_LOG``: attach one stderr handler to the SDK's logger and httpx's and
    set their level. Once per process; a program that configures logging itself needs none of it."""
    level = _LOG_LEVELS.get(environ.get(LOG_ENV_VAR, "").strip().lower())
    if level is None:
        return
    for name in ("aimlapi_billing", "httpx"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(handler, "_aimlapi_billing", False) for handler in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
            handler._aimlapi_billing = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
