"""The multi-account exporter's configuration file: which accounts, and where each one's key is.

A TOML file (read with the standard library's ``tomllib``)::

    [exporter]                       # optional; defaults for every account
    min_interval = 60                # seconds between reads of one account
    max_wait = 5                     # seconds a scrape waits for a read
    forecast_window = "30d"          # also export runway and spend (reads the ledger); like usage --period
    key_budgets = true               # each key's spend in its limit period (reads /v1/keys, /v2/usage)
    model_window = "1mo"             # spend by model over this window (reads /v2/usage/detail per key)
    top_models = 10                  # ... for the costliest models, the rest summed as "(other)"

    [accounts.agency-a]
    key_env = "AIML_KEY_AGENCY_A"    # the key from this environment variable ...

    [accounts.agency-b]
    key_file = "/etc/aimlapi-billing/agency-b.key"   # ... or from this file (relative: to the config file)
    base_url = "https://api.aimlapi.com"             # optional, per account
    allow_insecure_http = false                      # true: allow a plain http:// base_url off loopback

A key is never written in the file itself, a URL or a command line. Everything is checked when the
file is loaded, so a mistake stops the exporter at start with one line naming the file and the
setting, rather than failing every scrape of one account later. The key itself never appears in an
error.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import _windows
from .._exceptions import ConfigurationError

#: Account names: safe as a Prometheus label value and in a ``?account=`` query without escaping.
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_EXPORTER_SETTINGS = {"min_interval", "max_wait", "forecast_window", "key_budgets", "model_window", "top_models"}
_ACCOUNT_SETTINGS = {"key_env", "key_file", "base_url", "allow_insecure_http", *_EXPORTER_SETTINGS}
#: The most ``top_models`` may be (each model is a series); the default is the forecast's 10.
MAX_TOP_MODELS = 100
DEFAULT_TOP_MODELS = 10
#: A key file larger than this is not a key file (a wrong path, e.g. a log).
_MAX_KEY_FILE_BYTES = 4096
#: The longest ``min_interval`` or ``max_wait``: a day. Longer is a typo, and would overflow a thread wait.
MAX_SECONDS = 86400
#: The longest forecast or model window, the CLI's ``MAX_DAYS`` (a test holds them equal): 10 years
#: (the ledger goes no further back; ~2,000 years would overflow a date). The shortest is an hour.
MAX_WINDOW = _windows.MAX_SPAN
MIN_WINDOW = _windows.MIN_SPAN
#: What a shell accepts as an environment variable's name (a pasted key usually is not one).
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Account:
    """One account to export; ``repr`` never shows the key."""

    name: str
    api_key: str
    key_source: str  # where the key came from, for messages: "$VAR" or "file /path"
    base_url: str | None
    allow_insecure_http: bool
    min_interval: float
    max_wait: float
    forecast_window: str | None  # as written: resolved at each read (1mo: the calendar month before it)
    key_budgets: bool = False
    model_window: str | None = None
    top_models: int = DEFAULT_TOP_MODELS

    def __repr__(self) -> str:
        return f"Account(name={self.name!r}, key from {self.key_source}, base_url={self.base_url!r})"


def is_seconds(value: object) -> bool:
    """A number of seconds from 0 to :data:`MAX_SECONDS` (not a bool, NaN or infinite; a huge int does not overflow)."""
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value <= MAX_SECONDS


class ConfigError(ConfigurationError):
    """The exporter's configuration file is missing, unreadable or wrong; the message names the file."""


def load_accounts(
    path: Path,
    *,
    environ: Mapping[str, str] | None = None,
    min_interval: float = 60.0,
    max_wait: float = 5.0,
    forecast_window: str | None = None,
    key_budgets: bool = False,
    model_window: str | None = None,
    top_models: int = DEFAULT_TOP_MODELS,
) -> list[Account]:
    """Every account of the file at ``path``, keys loaded; the keyword arguments are the defaults."""
    import tomllib  # here: `metrics` imports this module for its limits and never reads a file

    environ = os.environ if environ is None else environ
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))  # -sig: Notepad's BOM
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the exporter configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _only(path, "", document, {"exporter", "accounts"})
    defaults = _table(path, "exporter", document.get("exporter", {}))
    _only(path, "exporter", defaults, _EXPORTER_SETTINGS)
    base = {
        "min_interval": min_interval,
        "max_wait": max_wait,
        "forecast_window": forecast_window,
        "key_budgets": key_budgets,
        "model_window": model_window,
        "top_models": top_models,
    }
    base.update({name: _setting(path, f"exporter.{name}", name, value) for name, value in defaults.items()})
    accounts = _table(path, "accounts", document.get("accounts", {}))
    if not accounts:
        raise ConfigError(f"{path}: no accounts: add an [accounts.NAME] table with key_env or key_file")
    return [
        _account(path, name, _table(path, f"accounts.{name}", table), base, environ) for name, table in accounts.items()
    ]


def _account(path: Path, name: str, table: dict[str, Any], base: dict[str, Any], environ: Mapping[str, str]) -> Account:
    where = f"accounts.{name}"
    if not ACCOUNT_NAME.fullmatch(name):
        raise ConfigError(
            f"{path}: {where}: a name is 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    _only(path, where, table, _ACCOUNT_SETTINGS)
    settings = {**base, **{key: _setting(path, f"{where}.{key}", key, value) for key, value in table.items()}}
    api_key, source = _key(path, where, settings, environ)
    return Account(
        name=name,
        api_key=api_key,
        key_source=source,
        base_url=settings.get("base_url"),
        allow_insecure_http=settings.get("allow_insecure_http", False),
        min_interval=settings["min_interval"],
        max_wait=settings["max_wait"],
        forecast_window=settings["forecast_window"],
        key_budgets=settings["key_budgets"],
        model_window=settings["model_window"],
        top_models=settings["top_models"],
    )


def _key(path: Path, where: str, settings: dict[str, Any], environ: Mapping[str, str]) -> tuple[str, str]:
    if ("key_env" in settings) == ("key_file" in settings):
        raise ConfigError(f"{path}: {where}: give exactly one of key_env (a variable name) or key_file (a path)")
    if "key_env" in settings:
        # The value is never echoed: a key pasted here by mistake would end up in logs.
        variable = settings["key_env"]
        if not _VARIABLE_NAME.fullmatch(variable):
            raise ConfigError(
                f"{path}: {where}.key_env: not a valid environment variable name (letters, digits and '_'); "
                "it names the variable that holds the key, never the key itself"
            )
        if variable not in environ:
            raise ConfigError(f"{path}: {where}.key_env: the environment variable it names is not set")
        key, source = environ[variable], f"${variable}"
    else:
        key_path = Path(os.path.expanduser(settings["key_file"]))  # unlike Path's, never raises for ~nobody
        key_path = key_path if key_path.is_absolute() else Path(path).parent / key_path
        key, source = _read_key_file(path, f"{where}.key_file", key_path), f"file {key_path}"
    key = key.strip()  # editors and `echo` add a newline; a key has no surrounding whitespace
    if not key:
        raise ConfigError(f"{path}: {where}: the key from {source} is empty")
    if not key.isascii() or any(not character.isprintable() or character.isspace() for character in key):
        raise ConfigError(f"{path}: {where}: the key from {source} holds spaces, control or non-ASCII characters")
    return key, source


def _read_key_file(path: Path, where: str, key_path: Path) -> str:
    """The ASCII text of a regular file of at most 4096 bytes; errors never show the path (it may be a pasted key)."""
    try:
        # O_NONBLOCK: opening a FIFO nobody writes to would otherwise hang the exporter at start.
        fd = os.open(key_path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except ValueError:  # a NUL character in the path
        raise ConfigError(f"{path}: {where}: not a valid path") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {where}: cannot read the file it names: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a directory, FIFO, socket or device is not a key file
        os.close(fd)
        raise ConfigError(f"{path}: {where}: the path it names is not a regular file")
    try:
        with os.fdopen(fd, "rb") as file:
            data = file.read(_MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: {where}: cannot read the file it names: {exc.strerror or exc}") from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise ConfigError(f"{path}: {where}: the file it names is over {_MAX_KEY_FILE_BYTES} bytes: not a key")
    data = data.removeprefix(codecs.BOM_UTF8)  # a key saved by Windows Notepad
    if not data.isascii():  # checked, not caught: a UnicodeDecodeError would carry the bytes along
        raise ConfigError(f"{path}: {where}: the file it names holds non-ASCII bytes: not a key")
    return data.decode("ascii")


def _setting(path: Path, where: str, name: str, value: Any) -> Any:
    if name in ("min_interval", "max_wait"):
        if not is_seconds(value):
            raise ConfigError(f"{path}: {where}: must be a number of seconds from 0 to {MAX_SECONDS}")
        return float(value)
    if name == "top_models":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TOP_MODELS:
            raise ConfigError(f"{path}: {where}: must be a whole number of models from 1 to {MAX_TOP_MODELS}")
        return value
    if name in ("allow_insecure_http", "key_budgets"):
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: {where}: must be true or false")
        return value
    if name in ("forecast_window", "model_window"):
        try:
            return _windows.window_text(value, MAX_WINDOW)  # the command line's one parser
        except ValueError:  # its line would echo the value, which may be a key pasted in the wrong place
            rule = _windows.span_rule(calendar=True)
            raise ConfigError(f"{path}: {where}: must be {rule}, from 1h to {MAX_WINDOW.days}d") from None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: {where}: must be a non-empty string")
    if name == "base_url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{path}: {where}: must be an http(s) URL like https://api.aimlapi.com")
        if parts.username is not None or parts.password is not None or parts.query:
            # A key must never travel in a URL; user:password@ or ?key= would be one.
            raise ConfigError(f"{path}: {where}: must not carry credentials or a query: use key_env or key_file")
    return value


def _table(path: Path, where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where}: must be a table ([{where}])")
    return value


def _only(path: Path, where: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        prefix = f"{where}: " if where else ""
        raise ConfigError(f"{path}: {prefix}unknown setting {unknown[0]!r} (known: {', '.join(sorted(allowed))})")
