from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import UNSET, Model, Unset

T = TypeVar("T", bound="AutoTopupSettings")


class AutoTopupSettings(Model):
    """Auto top-up settings."""

    __slots__ = (
        "additional_properties",
        "amount",
        "currency",
        "is_enabled",
        "threshold",
    )
    __model_fields__ = (
        "is_enabled",
        "threshold",
        "amount",
        "currency",
    )

    is_enabled: bool | Unset
    """ Whether auto top-up is enabled. """
    threshold: float | Unset
    """ Balance threshold that triggers auto top-up (USD). """
    amount: float | Unset
    """ Auto top-up amount (USD). """
    currency: str | Unset
    """ Auto top-up currency (always USD). """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        is_enabled: bool | Unset = UNSET,
        threshold: float | Unset = UNSET,
        amount: float | Unset = UNSET,
        currency: str | Unset = UNSET,
    ) -> None:
        self.is_enabled = is_enabled
        self.threshold = threshold
        self.amount = amount
        self.currency = currency
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        is_enabled = self.is_enabled

        threshold = self.threshold

        amount = self.amount

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if is_enabled is not UNSET:
            field_dict["is_enabled"] = is_enabled
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if amount is not UNSET:
            field_dict["amount"] = amount
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        is_enabled = d.pop("is_enabled", UNSET)

        threshold = d.pop("threshold", UNSET)

        amount = d.pop("amount", UNSET)

        currency = d.pop("currency", UNSET)

        auto_topup_settings = cls(
            is_enabled=is_enabled,
            threshold=threshold,
            amount=amount,
            currency=currency,
        )

        auto_topup_settings.additional_properties = d
        return auto_topup_settings

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
