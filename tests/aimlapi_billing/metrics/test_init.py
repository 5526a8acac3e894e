"""`aimlapi_billing.metrics` without its extra: the import says how to install it."""

from __future__ import annotations

import importlib
import sys

import pytest

from aimlapi_billing import (
    ConfigurationError,
)
from aimlapi_billing import metrics as billing_metrics
from aimlapi_billing.metrics import (
    BillingCollector,
)

# --- the optional extra -------------------------------------------------------------------------


def test_without_prometheus_client_the_import_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "prometheus_client"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "aimlapi_billing.metrics")
    with pytest.raises(ConfigurationError) as raised:
        importlib.import_module("aimlapi_billing.metrics")
    assert (
        str(raised.value) == "aimlapi_billing.metrics needs prometheus_client: pip install 'aimlapi-billing[metrics]'"
    )
    assert isinstance(raised.value, ImportError)  # `except ImportError` idioms still work
    assert "aimlapi_billing.metrics" not in sys.modules


def test_the_module_is_intact_after_the_missing_extra_test() -> None:
    assert sys.modules["aimlapi_billing.metrics"] is billing_metrics
    assert billing_metrics.BillingCollector is BillingCollector
