"""The multi-account exporter's configuration file: keys from the environment or a file (whitespace
stripped, never echoed), defaults and overrides, and every mistake one line naming the file and setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimlapi_billing import ConfigurationError
from aimlapi_billing._exporter.config import ConfigError, load_accounts
from tests.aimlapi_billing.conftest import API_KEY


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exporter.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_accounts_with_keys_from_the_environment_and_files(tmp_path: Path) -> None:
    (tmp_path / "b.key").write_text(f"  {API_KEY}-b \n\n", encoding="ascii")  # as `echo` and editors leave it
    path = write(
        tmp_path,
        """
[exporter]
min_interval = 30
forecast_window = "2w"

[accounts.team-a]
key_env = "KEY_A"

[accounts."team.b"]
key_file = "b.key"
base_url = "http://127.0.0.1:8765"
allow_insecure_http = true
max_wait = 2.5
forecast_window = "36h"
key_budgets = true
model_window = "7d"
top_models = 3
""",
    )
    accounts = load_accounts(path, environ={"KEY_A": f"{API_KEY}-a\n"}, max_wait=4)
    assert [account.name for account in accounts] == ["team-a", "team.b"]
    first, second = accounts
    assert (first.api_key, first.key_source, first.base_url) == (f"{API_KEY}-a", "$KEY_A", None)
    assert (first.min_interval, first.max_wait, first.forecast_window) == (30.0, 4.0, "2w")
    assert (second.api_key, second.key_source) == (f"{API_KEY}-b", f"file {tmp_path / 'b.key'}")
    assert (first.allow_insecure_http, second.allow_insecure_http) == (False, True)
    assert (second.base_url, second.max_wait, second.forecast_window) == (
        "http://127.0.0.1:8765",
        2.5,
        "36h",
    )
    assert (first.key_budgets, first.model_window, first.top_models) == (False, None, 10)
    assert (second.key_budgets, second.model_window, second.top_models) == (True, "7d", 3)
    assert API_KEY not in repr(accounts)


def test_usage_settings_default_from_the_exporter_table_and_the_command_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[exporter]\nkey_budgets = true\ntop_models = 100\n[accounts.a]\nkey_env = 'K'\n"
        "[accounts.b]\nkey_env = 'K'\nkey_budgets = false\n",
    )
    a, b = load_accounts(path, environ={"K": API_KEY}, model_window="30d", top_models=5)
    assert (a.key_budgets, a.model_window, a.top_models) == (True, "30d", 100)
    assert (b.key_budgets, b.model_window, b.top_models) == (False, "30d", 100)


#: A window's rule, the command line's (``_windows.span_rule``), without the value (maybe a pasted key).
SPAN = "a span like 24h, 7d, 2w or 1mo"
BAD_CONFIGS = {
    "not-toml": ("[accounts.a\nkey_env = 1", "not valid TOML"),
    "no-accounts": ("[exporter]\nmin_interval = 5\n", "no accounts"),
    "empty-accounts": ("[accounts]\n", "no accounts"),
    "unknown-top-level": ("[exporters]\n", "unknown setting 'exporters'"),
    "unknown-account-setting": (
        '[accounts.a]\nkey_env = "K"\napi_key = "x"\n',
        "accounts.a: unknown setting 'api_key'",
    ),
    "no-key": ("[accounts.a]\n", "exactly one of key_env"),
    "two-keys": ('[accounts.a]\nkey_env = "K"\nkey_file = "f"\n', "exactly one of key_env"),
    "unset-variable": ('[accounts.a]\nkey_env = "NOT_SET"\n', "key_env: the environment variable it names is not set"),
    "empty-variable": ('[accounts.a]\nkey_env = "EMPTY"\n', "the key from $EMPTY is empty"),
    "blank-variable": ('[accounts.a]\nkey_env = "BLANK"\n', "the key from $BLANK is empty"),
    "control-characters": ('[accounts.a]\nkey_env = "CONTROL"\n', "control or non-ASCII"),
    "inner-space": ('[accounts.a]\nkey_env = "SPACED"\n', "spaces, control or non-ASCII"),
    "non-ascii": ('[accounts.a]\nkey_env = "UNICODE"\n', "control or non-ASCII"),
    "missing-key-file": ('[accounts.a]\nkey_file = "nowhere.key"\n', "cannot read the file it names: No such"),
    "key-file-is-a-directory": ('[accounts.a]\nkey_file = "."\n', "key_file: the path it names is not a regular file"),
    "key-file-is-a-device": ('[accounts.a]\nkey_file = "/dev/zero"\n', "not a regular file"),
    "key-file-with-nul": ('[accounts.a]\nkey_file = "a\\u0000b"\n', "accounts.a.key_file: not a valid path"),
    "key-file-of-no-user": ('[accounts.a]\nkey_file = "~no-such-user-here/k"\n', "cannot read the file it names"),
    "empty-key-file": ('[accounts.a]\nkey_file = "empty.key"\n', "is empty"),
    "binary-key-file": ('[accounts.a]\nkey_file = "binary.key"\n', "non-ASCII bytes"),
    "huge-key-file": ('[accounts.a]\nkey_file = "huge.key"\n', "over 4096 bytes"),
    "key-env-not-a-string": ("[accounts.a]\nkey_env = 7\n", "accounts.a.key_env: must be a non-empty string"),
    "bad-name": ('[accounts."a b"]\nkey_env = "K"\n', "a name is 1-64 letters"),
    "name-with-slash": ('[accounts."../etc"]\nkey_env = "K"\n', "a name is 1-64 letters"),
    "account-not-a-table": ("[accounts]\na = 1\n", "accounts.a: must be a table"),
    "negative-interval": ("[exporter]\nmin_interval = -1\n[accounts.a]\nkey_env = 'K'\n", "exporter.min_interval"),
    "nan-interval": ("[accounts.a]\nkey_env = 'K'\nmax_wait = nan\n", "accounts.a.max_wait"),
    "inf-interval": ("[accounts.a]\nkey_env = 'K'\nmin_interval = inf\n", "accounts.a.min_interval"),
    "bool-interval": ("[accounts.a]\nkey_env = 'K'\nmin_interval = true\n", "accounts.a.min_interval"),
    "bad-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '30'\n", SPAN),
    "zero-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '0d'\n", SPAN),
    # The command line's plain decimals: float() would take each of these.
    "exponent-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '1e3d'\n", SPAN),
    "underscore-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '1_0d'\n", SPAN),
    "arabic-indic-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '\u0663\u0660d'\n", SPAN),
    "spaced-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = ' 30d'\n", SPAN),
    "overflowing-window": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '99999999999d'\n", "from 1h to 3660d"),
    "overflowing-weeks": ("[exporter]\nforecast_window = '1000000000w'\n[accounts.a]\nkey_env = 'K'\n", "exporter."),
    "window-past-year-one": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '999999999d'\n", "from 1h to 3660d"),
    "infinite-window": (f"[accounts.a]\nkey_env = 'K'\nforecast_window = '{'9' * 400}h'\n", "from 1h to 3660d"),
    "window-under-a-microsecond": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '0.0000000001h'\n", SPAN),
    "window-over-ten-years": ("[accounts.a]\nkey_env = 'K'\nforecast_window = '523w'\n", "from 1h to 3660d"),
    "huge-int-interval": (f"[accounts.a]\nkey_env = 'K'\nmin_interval = {'9' * 400}\n", "from 0 to 86400"),
    "huge-float-wait": ("[accounts.a]\nkey_env = 'K'\nmax_wait = 1e300\n", "accounts.a.max_wait: must be a number of"),
    "wait-over-a-day": ("[exporter]\nmax_wait = 86401\n[accounts.a]\nkey_env = 'K'\n", "exporter.max_wait"),
    "key-in-url": (
        "[accounts.a]\nkey_env = 'K'\nbase_url = 'https://user:secret@api.aimlapi.com'\n",
        "must not carry credentials",
    ),
    "key-in-query": ("[accounts.a]\nkey_env = 'K'\nbase_url = 'https://api.aimlapi.com/?key=x'\n", "or a query"),
    "insecure-not-a-bool": ("[accounts.a]\nkey_env = 'K'\nallow_insecure_http = 'yes'\n", "true or false"),
    "budgets-not-a-bool": ("[accounts.a]\nkey_env = 'K'\nkey_budgets = 1\n", "accounts.a.key_budgets: must be true"),
    "bad-model-window": ("[exporter]\nmodel_window = '30'\n[accounts.a]\nkey_env = 'K'\n", "exporter.model_window"),
    "model-window-over-ten-years": ("[accounts.a]\nkey_env = 'K'\nmodel_window = '3661d'\n", "from 1h to 3660d"),
    "no-top-models": ("[accounts.a]\nkey_env = 'K'\ntop_models = 0\n", "accounts.a.top_models: must be a whole"),
    "too-many-top-models": ("[accounts.a]\nkey_env = 'K'\ntop_models = 101\n", "from 1 to 100"),
    "fractional-top-models": ("[accounts.a]\nkey_env = 'K'\ntop_models = 2.5\n", "accounts.a.top_models"),
    "bool-top-models": ("[accounts.a]\nkey_env = 'K'\ntop_models = true\n", "accounts.a.top_models"),
    "not-a-url": ("[accounts.a]\nkey_env = 'K'\nbase_url = 'api.aimlapi.com'\n", "http(s) URL"),
}


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_a_bad_config_is_one_line_naming_the_file_and_never_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "empty.key").write_bytes(b" \n")
    (tmp_path / "binary.key").write_bytes(b"\xff\xfe" + API_KEY.encode())
    (tmp_path / "huge.key").write_bytes(API_KEY.encode() * 200)
    environ = {
        "K": API_KEY,
        "EMPTY": "",
        "BLANK": " \t\n",
        "CONTROL": f"{API_KEY}\x00",
        "SPACED": f"{API_KEY} {API_KEY}",
        "UNICODE": f"{API_KEY}é",
    }
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_accounts(path, environ=environ)
    error = str(raised.value)
    assert isinstance(raised.value, ConfigurationError)  # the CLI's exit code 3
    assert error.startswith(f"{path}: ")
    assert message in error
    assert "\n" not in error
    assert API_KEY not in error
    for linked in (raised.value, raised.value.__cause__, raised.value.__context__):  # attributes too
        assert API_KEY not in repr(getattr(linked, "args", ())) + repr(getattr(linked, "__dict__", {}))


def test_a_missing_or_unreadable_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read the exporter configuration: No such file"):
        load_accounts(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="cannot read the exporter configuration: Is a directory"):
        load_accounts(tmp_path)
    (tmp_path / "latin1.toml").write_bytes(b"# caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_accounts(tmp_path / "latin1.toml")


def test_files_saved_with_a_byte_order_mark_load(tmp_path: Path) -> None:
    """Windows Notepad starts UTF-8 files with a BOM: neither the config nor a key file chokes on it."""
    (tmp_path / "a.key").write_bytes(b"\xef\xbb\xbf" + API_KEY.encode() + b"\r\n")
    path = tmp_path / "exporter.toml"
    path.write_bytes(b"\xef\xbb\xbf[accounts.a]\r\nkey_file = 'a.key'\r\n")
    (account,) = load_accounts(path, environ={})
    assert account.api_key == API_KEY


def test_the_longest_settings_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path, "[accounts.a]\nkey_env = 'K'\nmin_interval = 86400\nmax_wait = 86400.0\nforecast_window = '3660d'\n"
    )
    (account,) = load_accounts(path, environ={"K": API_KEY})
    assert (account.min_interval, account.max_wait) == (86400.0, 86400.0)
    assert account.forecast_window == "3660d"


PASTED_KEY = "sk-live-SECRET123"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("key_env", "accounts.a.key_env: not a valid environment variable name"),
        ("key_file", "accounts.a.key_file: cannot read the file it names: No such file or directory"),
        ("forecast_window", "accounts.a.forecast_window: must be a span like 24h"),
        ("min_interval", "accounts.a.min_interval: must be a number of seconds"),
        ("base_url", "accounts.a.base_url: must be an http(s) URL"),
    ],
)
def test_a_key_pasted_into_the_wrong_setting_is_never_echoed(tmp_path: Path, setting: str, message: str) -> None:
    """The reviewer's case: `key_env = "sk-live-..."` used to print the key back, into logs and CI output."""
    other = "" if setting.startswith("key_") else "key_env = 'K'\n"
    path = write(tmp_path, f'[accounts.a]\n{other}{setting} = "{PASTED_KEY}"\n')
    with pytest.raises(ConfigError) as raised:
        load_accounts(path, environ={"K": API_KEY})
    assert message in str(raised.value)
    assert "SECRET123" not in str(raised.value)


def test_an_unset_variable_whose_name_could_be_a_key_is_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, "[accounts.client-a]\nkey_env = 'a3f9c2e0b1d84f6a9e7c5b3a1d2e4f60'\n")
    with pytest.raises(ConfigError) as raised:
        load_accounts(path, environ={})
    assert str(raised.value) == f"{path}: accounts.client-a.key_env: the environment variable it names is not set"


@pytest.mark.parametrize(("argv", "deadline"), [(["--deadline", "7.5"], 7.5), ([], 120.0)])
def test_exporter_config_passes_the_command_lines_connection_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], deadline: float
) -> None:
    import io

    from aimlapi_billing import _client
    from aimlapi_billing._cli import main

    seen: list[dict[str, object]] = []

    class Recording(_client.Billing):
        def __init__(self, **options: object) -> None:
            seen.append(options)
            raise ConfigurationError("stopped by the test")

    monkeypatch.setattr(_client, "Billing", Recording)
    monkeypatch.setenv("AIML_KEY_A", API_KEY)
    config = write(tmp_path, '[accounts.a]\nkey_env = "AIML_KEY_A"\n')
    err = io.StringIO()
    code = main(["exporter", "--config", str(config), "--max-retries", "4", "-t", "9", *argv], err=err)
    assert code == 3
    assert "stopped by the test" in err.getvalue()
    (options,) = seen
    assert (options["deadline"], options["max_retries"], options["timeout"]) == (deadline, 4, 9.0)


@pytest.mark.parametrize("text", ["1000d", "2w", "36h", "1h", "3660d", "1mo", "120mo", "this-month", "last-week"])
def test_windows_take_the_command_lines_spans_kept_as_written(tmp_path: Path, text: str) -> None:
    """Resolved at each read (``1mo``: the calendar month before it), so kept as written."""
    from aimlapi_billing._cli._options import read_window

    (account,) = load_accounts(
        write(tmp_path, f"[accounts.a]\nkey_env = 'K'\nmodel_window = '{text}'\n"), environ={"K": "k"}
    )
    assert account.model_window == read_window(text) == text
