"""``UNSET`` is one object: a copied or pickled model still leaves out what the JSON left out."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from aimlapi_billing_client.models import ApiKey, KeyLimit
from aimlapi_billing_client.types import UNSET, Unset, json_text

KEY = {
    "prefix": "b747e891",
    "name": "chatbot",
    "disabled": False,
    "scopes": None,
    "limit": {"retention": "month"},
    "created_at": "2025-10-30T10:00:00.000Z",
    "updated_at": "2025-10-30T10:00:00.000Z",
    "monthly_usage": 1.5,
}
#: pickle.loads reads only what this test pickled itself.
COPIES: list[Callable[[Any], Any]] = [copy.copy, copy.deepcopy, lambda value: pickle.loads(pickle.dumps(value))]  # noqa: S301


@pytest.mark.parametrize("copied", COPIES, ids=["copy", "deepcopy", "pickle"])
def test_unset_survives_copies_and_pickles(copied: Callable[[Any], Any]) -> None:
    assert copied(UNSET) is UNSET
    assert Unset() is UNSET


@pytest.mark.parametrize("copied", COPIES, ids=["copy", "deepcopy", "pickle"])
@pytest.mark.parametrize(("model", "data"), [(KeyLimit, {"retention": "month"}), (ApiKey, KEY)], ids=["limit", "key"])
def test_a_copied_model_is_the_model(copied: Callable[[Any], Any], model: Any, data: dict[str, Any]) -> None:
    """The reviewer's: a deep copy's repr showed threshold=UNSET, to_dict() gave {'threshold': UNSET}
    and json_text raised TypeError; a pickle round trip was not equal to the original."""
    original = model.from_dict(data)
    again = copied(original)
    assert again == original
    assert repr(again) == repr(original)
    assert "UNSET" not in repr(again)
    assert again.to_dict() == original.to_dict()
    assert json_text(again.to_dict()) == json_text(original.to_dict())
    assert "threshold" not in json_text(again.to_dict())
