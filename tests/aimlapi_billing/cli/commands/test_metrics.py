"""`metrics` and `exporter` against the stand-in on 127.0.0.1: the exposition, the textfile, the listen
address and the missing extra."""

from __future__ import annotations

import datetime
import importlib
import math
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fake_api_server import FakeAIMLAPI, Reply
from hypothesis import given, settings
from hypothesis import strategies as st

import aimlapi_billing
from aimlapi_billing._cli import EXIT_USAGE, UsageError, build_parser
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.cli import run

pytestmark = pytest.mark.usefixtures("fast_backoff")


OPTION_VALUES = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats().map(lambda x: f"{x}d"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["nan", "inf", "-inf", "1e10d", "0", "-1", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
    ),
)


def test_metrics_prints_openmetrics_that_parses(fake_api: FakeAIMLAPI) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    code, out, err = run("metrics", "--forecast-window", "3650d", "--base-url", fake_api.url)
    assert (code, err) == (0, "")
    families = {family.name: family for family in text_string_to_metric_families(out)}
    assert families["aimlapi_balance_usd"].samples[0].value == 275.78
    assert families["aimlapi_scrape_success"].samples[0].value == 1.0
    assert families["aimlapi_runway_days"].samples[0].value > 0


def test_metrics_writes_a_textfile_and_reports_a_failed_read(fake_api: FakeAIMLAPI, tmp_path: Path) -> None:
    target = tmp_path / "aimlapi.prom"
    assert run("metrics", "--format", "prometheus", "--textfile", str(target), "--base-url", fake_api.url)[0] == 0
    assert "aimlapi_balance_usd 275.78" in target.read_text()
    fake_api.script("/v2/billing/detail", *[Reply(503)] * 3)
    code, _, err = run("metrics", "--textfile", str(target), "--base-url", fake_api.url, "--max-retries", "2")
    assert code == 5
    assert err.startswith("aimlapi-billing: error: Error code: 503")
    assert "aimlapi_scrape_success 0.0" in target.read_text()  # written anyway, for the alert
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aimlapi.prom"]


def test_exporter_serves_on_loopback_and_caches(fake_api: FakeAIMLAPI) -> None:
    env = {**os.environ, "AIML_API_KEY": API_KEY, "AIMLAPI_BILLING_BASE_URL": fake_api.url}
    command = [sys.executable, "-m", "aimlapi_billing", "exporter", "--listen", "127.0.0.1:0", "--min-interval", "300"]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stderr is not None
            banner = process.stderr.readline()
            url = banner.split("serving ")[1].split()[0]
            assert url.startswith("http://127.0.0.1:")
            first = httpx.get(url, timeout=10)
            second = httpx.get(url, headers={"Accept": "application/openmetrics-text; version=1.0.0"}, timeout=10)
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert first.status_code == second.status_code == 200
    assert "aimlapi_balance_usd 275.78" in first.text
    assert second.headers["content-type"].startswith("application/openmetrics-text")
    assert len(fake_api.requests_to("/v2/billing/detail")) == 1  # the second scrape came from the cache
    assert API_KEY not in first.text + second.text


@pytest.mark.parametrize("listen", ["localhost", "127.0.0.1:http", "1.2.3.4:99999", "127.0.0.1:+80"])
def test_exporter_refuses_a_bad_listen_address(listen: str) -> None:
    code, _, err = run("exporter", "--listen", listen)
    assert code == 2
    assert "not HOST:PORT" in err


@pytest.mark.parametrize(("value", "problem"), [("0.099", "from 0.1 to 3600"), ("0.000000001", "from 0.1 to 3600")])
def test_exporter_refuses_a_request_timeout_no_scrape_could_meet(value: str, problem: str) -> None:
    """Parsed only: accepted, the exporter would serve for ever, each scrape getting an empty reply."""
    with pytest.raises(UsageError) as refused:
        build_parser(["exporter"]).parse_args(["exporter", "--request-timeout", value])
    assert str(refused.value) == f"argument --request-timeout: must be a number of seconds {problem}, not {value!r}"


@pytest.mark.parametrize("option", ["--listen", "--min-interval", "--forecast-window"])
@settings(max_examples=60, deadline=None)
@given(value=OPTION_VALUES)
def test_exporter_options_parse_or_are_usage_errors(option: str, value: str) -> None:
    """Parsed only: a valid exporter command would serve for ever."""
    try:
        args = build_parser(["exporter"]).parse_args(["exporter", option, value])
    except UsageError as exc:
        problem = str(exc)
    else:
        problem = None
    if problem is not None:
        assert "\n" not in problem
        return
    host, port = args.listen
    assert 0 <= port <= 65535
    assert host.isprintable()
    assert math.isfinite(args.min_interval)
    assert 0 <= args.min_interval <= 86400
    assert args.forecast_window is None or datetime.timedelta(hours=1) <= args.forecast_window


@pytest.mark.parametrize("command", ["metrics", "exporter"])
def test_without_the_metrics_extra_the_commands_say_so_with_exit_3(
    monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "prometheus_client"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "aimlapi_billing.metrics", raising=False)
    # `from . import metrics` takes the package's attribute when an earlier test imported it.
    monkeypatch.delattr(aimlapi_billing, "metrics", raising=False)
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # what an uninstalled package looks like
    with pytest.raises(ImportError):  # else an exporter would start serving, for ever
        importlib.import_module("aimlapi_billing.metrics")
    code, out, err = run(command, "--base-url", "http://127.0.0.1:9")
    assert (code, out) == (3, "")
    assert err.count("\n") == 1
    assert "pip install 'aimlapi-billing[metrics]'" in err


@pytest.mark.parametrize("name", ["a\x00b", "\r", "", "."])
def test_odd_textfile_names_are_usage_errors_or_written_where_asked(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("metrics", "--textfile", name, "--base-url", "http://127.0.0.1:9", "--max-retries", "0")
    assert code in (EXIT_USAGE, 4)
    assert err.count("\n") == 1
    assert all(path.name == name for path in tmp_path.iterdir())  # nothing anywhere else


def test_textfile_never_replaces_a_device_or_fifo(fake_api: FakeAIMLAPI, tmp_path: Path) -> None:
    fifo = tmp_path / "metrics.fifo"
    os.mkfifo(fifo)
    for target in ("/dev/null", str(fifo)):
        code, out, err = run("metrics", "--textfile", target, "--base-url", fake_api.url)
        assert (code, out) == (EXIT_USAGE, "")
        assert "not a regular file" in err
        assert len(err.splitlines()) == 1
    assert fake_api.requests == []  # refused before any request
    assert Path("/dev/null").is_char_device()
    assert fifo.is_fifo()
    from aimlapi_billing.metrics import write_textfile

    with pytest.raises(OSError, match="not a regular file"):
        write_textfile(fifo, b"x 1\n")
    assert fifo.is_fifo()


def test_textfile_in_a_directory_that_cannot_be_written_is_refused_before_any_request(fake_api: FakeAIMLAPI) -> None:
    code, _, err = run("metrics", "--textfile", "/proc/aimlapi.prom", "--base-url", fake_api.url)
    assert code == EXIT_USAGE
    assert "cannot write" in err
    assert fake_api.requests == []


def test_a_failed_metrics_read_is_one_line_on_stderr(fake_api: FakeAIMLAPI) -> None:
    fake_api.script("/v2/billing/detail", Reply(200, b'{"user_id": NaN}'))
    completed = subprocess.run(
        [sys.executable, "-m", "aimlapi_billing", "metrics", "--base-url", fake_api.url, "--max-retries", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "AIML_API_KEY": API_KEY},
        check=False,
    )
    assert completed.returncode == 6
    assert len(completed.stderr.splitlines()) == 1, completed.stderr
    assert "aimlapi_scrape_success 0.0" in completed.stdout
