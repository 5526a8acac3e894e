"""The generated models and clients are plain classes (our templates, no attrs): what attrs gave them
(constructor order, equality, repr, slots, no hash) they still have, and the client hides its token."""

from __future__ import annotations

import inspect
import subprocess
import sys

import httpx
import pytest
from aimlapi_billing_client import AuthenticatedClient, Client
from aimlapi_billing_client.api.billing import get_billing
from aimlapi_billing_client.models import ApiKey, BillingResponse, KeyLimit
from aimlapi_billing_client.types import UNSET, Response
from pytest_httpx import HTTPXMock

KEY = "sk-plain-classes-token-0123456789"


def test_a_model_takes_required_fields_first_then_those_with_defaults() -> None:
    parameters = inspect.signature(ApiKey).parameters
    assert list(parameters) == list(ApiKey.__model_fields__)
    defaults = [parameter.default is not inspect.Parameter.empty for parameter in parameters.values()]
    assert defaults == sorted(defaults)  # no required field after an optional one
    assert parameters["name"].default is UNSET


def test_equality_repr_and_slots_cover_the_fields_and_what_the_spec_does_not_name() -> None:
    one = BillingResponse.from_dict({"current_balance": 1.5, "currency": "USD", "extra": [1]})
    same = BillingResponse.from_dict({"current_balance": 1.5, "currency": "USD", "extra": [1]})
    other = BillingResponse.from_dict({"current_balance": 1.5, "currency": "USD", "extra": [2]})
    assert one == same
    assert one != other
    assert one != KeyLimit()  # another class: never equal, whatever the fields
    assert repr(one) == (
        "BillingResponse(current_balance=Decimal('1.5'), currency='USD', additional_properties={'extra': [1]})"
    )
    with pytest.raises(AttributeError):
        one.curent_balance = 2.0  # type: ignore[attr-defined]  # a typo is an error, not a new attribute
    with pytest.raises(TypeError, match="unhashable"):
        hash(one)


def test_a_model_round_trips_and_keeps_unknown_fields() -> None:
    body = {"retention": "month", "threshold": 25.0, "vendor_added": True}
    limit = KeyLimit.from_dict(body)
    assert limit.to_dict() == body
    assert limit["vendor_added"] is True
    assert KeyLimit() == KeyLimit(retention=UNSET, threshold=UNSET)


def test_the_authenticated_client_sends_its_token_and_never_shows_it(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url="https://api.example/v2/billing", json={"current_balance": 3, "currency": "USD"})
    client = AuthenticatedClient(base_url="https://api.example", token=KEY).with_headers({"X-Trace": "1"})
    assert KEY not in repr(client)
    assert KEY not in repr(client.with_timeout(httpx.Timeout(5)))
    with client:
        parsed = get_billing.sync(client=client)
    assert parsed == BillingResponse(current_balance=3, currency="USD")
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.headers["X-Trace"] == "1"


def test_a_client_copy_keeps_every_setting() -> None:
    client = Client(base_url="https://api.example", headers={"A": "1"}, raise_on_unexpected_status=True)
    copy = client.with_cookies({"c": "2"})
    assert copy is not client
    assert copy.raise_on_unexpected_status is True
    http = copy.get_httpx_client()
    assert http.headers["A"] == "1"
    assert http.cookies["c"] == "2"
    http.close()
    raw = AuthenticatedClient("https://api.example", KEY, prefix="")
    assert raw.get_httpx_client().headers["Authorization"] == KEY  # an empty prefix: the token alone
    raw.get_httpx_client().close()


def test_a_response_is_a_plain_value() -> None:
    response = Response(status_code=200, content=b"{}", headers={}, parsed=None)  # type: ignore[arg-type]
    assert response == Response(status_code=200, content=b"{}", headers={}, parsed=None)  # type: ignore[arg-type]


def test_the_generated_package_does_not_import_attrs() -> None:
    probe = (
        "import sys; from aimlapi_billing_client.api.billing import get_billing; "
        "import aimlapi_billing_client.models as m; m.ApiKey; m.BillingResponse; "
        "print('attr' in sys.modules or 'attrs' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
