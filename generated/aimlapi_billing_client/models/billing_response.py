from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_number,
    as_object,
    as_string,
)

T = TypeVar("T", bound="BillingResponse")


class BillingResponse(Model):
    __slots__ = ("additional_properties", "currency", "current_balance")
    __model_fields__ = (
        "current_balance",
        "currency",
    )

    current_balance: Decimal
    """ current user balance in USD. """
    currency: str
    """ balance currency (always USD) """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        current_balance: Decimal,
        currency: str,
    ) -> None:
        if type(current_balance) is int and -SMALL_INT < current_balance < SMALL_INT:
            current_balance = Decimal(current_balance)
        elif (
            type(current_balance) is not Decimal
            or not current_balance.is_finite()
            or not -325 < current_balance.adjusted() < 308
            or len(str(current_balance)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            current_balance = as_number(current_balance, "current_balance", False)

        self.current_balance = current_balance
        self.currency = currency
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        current_balance = self.current_balance

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "current_balance": current_balance,
                "currency": currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        current_balance = d.pop("current_balance", MISSING)
        if type(current_balance) is int and -SMALL_INT < current_balance < SMALL_INT:
            current_balance = Decimal(current_balance)
        elif (
            type(current_balance) is not Decimal
            or not current_balance.is_finite()
            or not -325 < current_balance.adjusted() < 308
            or len(str(current_balance)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            current_balance = as_number(current_balance, "current_balance", False)

        currency = d.pop("currency", MISSING)
        if type(currency) is not str:
            currency = as_string(currency, "currency", False)

        instance_ = cls.__new__(cls)
        instance_.current_balance = current_balance
        instance_.currency = currency

        instance_.additional_properties = d
        return instance_

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
