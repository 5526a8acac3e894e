"""Settings the clients resolve once: API key, base URL, timeout, headers."""

from __future__ import annotations

import ipaddress
import os
import platform
from collections.abc import Mapping

import httpx

from ._exceptions import ConfigurationError
from ._version import __version__

DEFAULT_BASE_URL = "https://api.aimlapi.com"
#: 5 s to connect, 30 s for each read, write and pool wait: finite, and generous for a small JSON call.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

#: Looked up in this order; the second is the name the vendor's own SDK uses.
API_KEY_ENV_VARS = ("AIML_API_KEY", "AIMLAPI_API_KEY")
#: Host only (no ``/v1``): the vendor SDK's ``AIML_API_BASE`` includes ``/v1``, so it is not reused.
BASE_URL_ENV_VAR = "AIMLAPI_BILLING_BASE_URL"

USER_AGENT = f"aimlapi-billing/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] = os.environ) -> str:
    if api_key:
        return api_key
    for name in API_KEY_ENV_VARS:
        value = environ.get(name, "").strip()
        if value:
            return value
    raise ConfigurationError(
        f"No API key: pass api_key=..., or set {API_KEY_ENV_VARS[0]} (or {API_KEY_ENV_VARS[1]}) in the environment."
    )


def resolve_base_url(base_url: str | None, allow_insecure_http: bool, environ: Mapping[str, str] = os.environ) -> str:
    """The API's origin, checked: http(s), a host, no version path, and no plain HTTP to a remote host."""
    raw = base_url or environ.get(BASE_URL_ENV_VAR, "").strip() or DEFAULT_BASE_URL
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"Invalid base URL {raw!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"Invalid base URL {raw!r}: expected http(s)://host[:port]")
    path = url.path.rstrip("/")
    if path.split("/")[-1] in ("v1", "v2"):
        raise ConfigurationError(
            f"Base URL {raw!r} ends in a version: give the host only (e.g. {DEFAULT_BASE_URL}); "
            "each call adds its own /v1 or /v2."
        )
    if url.scheme == "http" and not allow_insecure_http and not is_loopback(url.host):
        raise ConfigurationError(
            f"Refusing to send the API key over plain http:// to {url.host}: use https, "
            "or pass allow_insecure_http=True if you really mean it."
        )
    return str(url.copy_with(path=path or "", query=None, fragment=None)).rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
