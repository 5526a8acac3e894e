from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import Model

T = TypeVar("T", bound="BillingResponse")


class BillingResponse(Model):
    __slots__ = ("additional_properties", "currency", "current_balance")
    __model_fields__ = (
        "current_balance",
        "currency",
    )

    current_balance: float
    """ current user balance in USD. """
    currency: str
    """ balance currency (always USD) """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        current_balance: float,
        currency: str,
    ) -> None:
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
        d = dict(src_dict)
        current_balance = d.pop("current_balance")

        currency = d.pop("currency")

        billing_response = cls(
            current_balance=current_balance,
            currency=currency,
        )

        billing_response.additional_properties = d
        return billing_response

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
