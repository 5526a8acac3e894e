from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..types import (
    SMALL_INT,
    UNSET,
    Model,
    Unset,
    as_boolean,
    as_number,
    as_object,
    as_string,
)

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
    threshold: Decimal | Unset
    """ Balance threshold that triggers auto top-up (USD). """
    amount: Decimal | Unset
    """ Auto top-up amount (USD). """
    currency: str | Unset
    """ Auto top-up currency (always USD). """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        is_enabled: bool | Unset = UNSET,
        threshold: Decimal | Unset = UNSET,
        amount: Decimal | Unset = UNSET,
        currency: str | Unset = UNSET,
    ) -> None:
        self.is_enabled = is_enabled
        if type(threshold) is int and -SMALL_INT < threshold < SMALL_INT:
            threshold = Decimal(threshold)
        elif (
            type(threshold) is not Decimal
            or not threshold.is_finite()
            or not -325 < threshold.adjusted() < 308
            or len(str(threshold)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            threshold = as_number(threshold, "threshold", False, True)

        self.threshold = threshold
        if type(amount) is int and -SMALL_INT < amount < SMALL_INT:
            amount = Decimal(amount)
        elif (
            type(amount) is not Decimal
            or not amount.is_finite()
            or not -325 < amount.adjusted() < 308
            or len(str(amount)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            amount = as_number(amount, "amount", False, True)

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
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        is_enabled = d.pop("is_enabled", UNSET)
        if type(is_enabled) is not bool:
            is_enabled = as_boolean(is_enabled, "is_enabled", False, True)

        threshold = d.pop("threshold", UNSET)
        if type(threshold) is int and -SMALL_INT < threshold < SMALL_INT:
            threshold = Decimal(threshold)
        elif (
            type(threshold) is not Decimal
            or not threshold.is_finite()
            or not -325 < threshold.adjusted() < 308
            or len(str(threshold)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            threshold = as_number(threshold, "threshold", False, True)

        amount = d.pop("amount", UNSET)
        if type(amount) is int and -SMALL_INT < amount < SMALL_INT:
            amount = Decimal(amount)
        elif (
            type(amount) is not Decimal
            or not amount.is_finite()
            or not -325 < amount.adjusted() < 308
            or len(str(amount)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            amount = as_number(amount, "amount", False, True)

        currency = d.pop("currency", UNSET)
        if type(currency) is not str:
            currency = as_string(currency, "currency", False, True)

        instance_ = cls.__new__(cls)
        instance_.is_enabled = is_enabled
        instance_.threshold = threshold
        instance_.amount = amount
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
