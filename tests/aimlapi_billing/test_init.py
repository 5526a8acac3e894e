"""The package's public names: all resolvable, none forgotten by the lazy loader."""

from __future__ import annotations

import subprocess
import sys

import pytest

import aimlapi_billing


def test_every_public_name_resolves_and_the_lazy_table_matches_all() -> None:
    assert set(aimlapi_billing.__all__) == set(aimlapi_billing._LAZY) | {"__version__"}
    for name in aimlapi_billing.__all__:
        assert getattr(aimlapi_billing, name) is not None, name
    assert set(aimlapi_billing.__all__) <= set(dir(aimlapi_billing))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Bilings'"):
        aimlapi_billing.Bilings  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_package_loads_neither_httpx_nor_the_generated_client() -> None:
    probe = (
        "import sys, aimlapi_billing; "
        "print(sorted(m for m in ('httpx', 'attrs', 'aimlapi_billing_client') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
    using = "import sys; from aimlapi_billing import Billing; print('httpx' in sys.modules, 'asyncio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", using], capture_output=True, text=True, check=True).stdout.split() == [
        "True",
        "False",
    ]
