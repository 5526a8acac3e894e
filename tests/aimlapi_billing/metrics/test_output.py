"""The exposition (both formats, parsed back with prometheus_client's own parsers) and the atomic textfile."""

from __future__ import annotations

import collections
import fnmatch
import os
import pathlib
import stat
import threading
import time
from typing import Any

import pytest
from fake_api_server import BALANCE, DETAIL, FakeAIMLAPI, Reply
from prometheus_client import CollectorRegistry

from aimlapi_billing import (
    Billing,
    InvalidParameterError,
)
from aimlapi_billing.metrics import (
    BillingCollector,
    build_registry,
    exposition,
    write_textfile,
)
from tests.aimlapi_billing.conftest import API_KEY
from tests.helpers.metrics import (
    BALANCE_PATH,
    CANNED_VALUES,
    DETAIL_PATH,
    STATUS_FAMILIES,
    check_canned,
    check_metadata,
    parse,
    requests_to,
    scrape,
    value,
)

# --- exposition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["openmetrics", "prometheus"])
def test_exposition_carries_the_canned_account(fake_api: FakeAIMLAPI, billing: Billing, fmt: str) -> None:
    before = time.time()
    families = parse(exposition(build_registry(BillingCollector(billing)), fmt), fmt)
    assert set(families) == set(CANNED_VALUES) | STATUS_FAMILIES | {"aimlapi_last_success_timestamp_seconds"}
    check_metadata(families, fmt)
    check_canned(families)
    assert before <= value(families, "aimlapi_last_success_timestamp_seconds") <= time.time()
    assert requests_to(fake_api) == (1, 1)


def test_openmetrics_text_declares_units_and_ends_with_eof(billing: Billing) -> None:
    text = exposition(build_registry(BillingCollector(billing))).decode()
    assert text.endswith("# EOF\n")
    assert "# UNIT aimlapi_balance_usd usd\n" in text
    assert "# UNIT aimlapi_scrape_duration_seconds seconds\n" in text
    assert "# UNIT aimlapi_last_success_timestamp_seconds seconds\n" in text
    assert "user@example.com" not in text
    # The user id (111) is not exported either: no sample carries it as its value or in a label (a
    # plain substring test would also match a timestamp such as 1764011177).
    samples = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert samples
    assert all(float(line.rsplit(" ", 1)[1]) != 111 and '"111"' not in line for line in samples)


@pytest.mark.parametrize("fmt", ["json", "OpenMetrics", ""])
def test_exposition_rejects_unknown_formats(fmt: str) -> None:
    with pytest.raises(InvalidParameterError, match="openmetrics, prometheus") as raised:
        exposition(CollectorRegistry(), fmt)
    assert isinstance(raised.value, ValueError)


def test_registering_reads_nothing_and_uses_a_private_registry(fake_api: FakeAIMLAPI, billing: Billing) -> None:
    from prometheus_client import REGISTRY

    collector = BillingCollector(billing)
    registry = build_registry(collector)
    assert registry is not REGISTRY
    assert requests_to(fake_api) == (0, 0)
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        registry.register(BillingCollector(billing))  # describe() names every family up front
    assert API_KEY not in repr(collector)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, {}),
        ({"is_enabled": False}, {"aimlapi_autotopup_enabled": 0.0, "aimlapi_autotopup_sources_disagree": 0.0}),
        (
            {"is_enabled": True, "threshold": 5.5},
            {
                "aimlapi_autotopup_enabled": 1.0,
                "aimlapi_autotopup_threshold_usd": 5.5,
                "aimlapi_autotopup_sources_disagree": 1.0,
            },
        ),
    ],
    ids=["all-unset", "disabled-only", "no-amount"],
)
def test_unset_autotopup_settings_are_omitted(settings: dict[str, Any], expected: dict[str, float]) -> None:
    canned = {DETAIL_PATH: {**DETAIL, "autotopup_settings": settings}, BALANCE_PATH: BALANCE}
    with FakeAIMLAPI(canned=canned) as fake, Billing(base_url=fake.url) as client:
        registry = build_registry(BillingCollector(client))
        for families in scrape(registry):
            autotopup = {name: value(families, name) for name in families if name.startswith("aimlapi_autotopup")}
            assert autotopup == expected
            assert value(families, "aimlapi_balance_usd") == 275.78
            assert value(families, "aimlapi_scrape_success") == 1.0


def test_a_balance_in_another_currency_is_not_exported_as_usd(caplog: pytest.LogCaptureFixture) -> None:
    canned = {DETAIL_PATH: {**DETAIL, "currency": "EUR"}, BALANCE_PATH: BALANCE}
    with FakeAIMLAPI(canned=canned) as fake, Billing(base_url=fake.url) as client:
        families = parse(exposition(build_registry(BillingCollector(client))))
    assert set(families) == STATUS_FAMILIES
    assert value(families, "aimlapi_scrape_success") == 0.0
    assert "ResponseValidationError: GET /v2/billing/detail returned 200 but field 'currency' is 'EUR'" in caplog.text


# --- textfile -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_backoff")
def test_textfile_writes_are_atomic_under_a_concurrent_reader(
    tmp_path: pathlib.Path, fake_api: FakeAIMLAPI, billing: Billing
) -> None:
    full = exposition(build_registry(BillingCollector(billing)))
    fake_api.script(DETAIL_PATH, Reply(401, {"message": "no"}))
    empty = exposition(build_registry(BillingCollector(billing)))
    assert len(full) > 2 * len(empty)
    texts = {full: parse(full), empty: parse(empty)}
    assert set(texts[empty]) == STATUS_FAMILIES

    target = tmp_path / "aimlapi.prom"
    write_textfile(target, empty)
    reads: collections.Counter[bytes] = collections.Counter()
    errors: list[BaseException] = []
    reading, stop = threading.Event(), threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                reads[target.read_bytes()] += 1
                reading.set()
        except BaseException as exc:
            errors.append(exc)
            reading.set()

    thread = threading.Thread(target=reader, name="textfile-reader")
    thread.start()
    try:
        assert reading.wait(timeout=5)
        for i in range(300):
            write_textfile(target, full if i % 2 == 0 else empty)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert errors == []
    assert sum(reads.values()) > 0
    for seen in reads:  # every read was one of the two whole files, and parses to the end
        assert seen in texts
        assert parse(seen) == texts[seen]
    assert target.read_bytes() == empty
    assert [path.name for path in tmp_path.iterdir()] == ["aimlapi.prom"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_failed_textfile_write_leaves_no_temporary_file(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "aimlapi.prom"
    target.write_bytes(b"old\n")
    renames: list[tuple[pathlib.Path, bytes, int]] = []

    def failing_replace(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        temporary = pathlib.Path(source)
        renames.append((temporary, temporary.read_bytes(), stat.S_IMODE(temporary.stat().st_mode)))
        assert pathlib.Path(destination) == target
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        write_textfile(target, b"new\n")
    ((temporary, content, mode),) = renames
    assert temporary.parent == tmp_path  # same directory: the rename cannot cross file systems
    assert temporary.name.startswith(".")
    assert not fnmatch.fnmatch(temporary.name, "*.prom")  # node_exporter's glob skips it
    assert (content, mode) == (b"new\n", 0o644)  # written in full and readable before the rename
    assert [path.name for path in tmp_path.iterdir()] == ["aimlapi.prom"]
    assert target.read_bytes() == b"old\n"


def test_the_textfile_is_readable_by_node_exporter_whatever_the_umask(tmp_path: pathlib.Path) -> None:
    from aimlapi_billing.metrics.output import write_textfile

    target = tmp_path / "aimlapi.prom"
    previous = os.umask(0o077)
    try:
        write_textfile(target, b"new\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
