from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_integer,
    as_number,
    as_object,
    below_minimum,
)

T = TypeVar("T", bound="TransactionAmount")


class TransactionAmount(Model):
    """How much moved, always as a positive number."""

    __slots__ = ("additional_properties", "credits_", "usd")
    __model_fields__ = (
        "usd",
        "credits_",
    )

    usd: Decimal
    credits_: int
    additional_properties: dict[str, Any]

    def __init__(
        self,
        usd: Decimal,
        credits_: int,
    ) -> None:
        if type(usd) is int and -SMALL_INT < usd < SMALL_INT:
            usd = Decimal(usd)
        elif (
            type(usd) is not Decimal
            or not usd.is_finite()
            or not -325 < usd.adjusted() < 308
            or len(str(usd)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            usd = as_number(usd, "usd", False)
        if type(usd) is Decimal and usd < 0:
            below_minimum(usd, "usd", "0")

        self.usd = usd
        if type(credits_) is not int or not -SMALL_INT < credits_ < SMALL_INT:
            credits_ = as_integer(credits_, "credits", False)

        self.credits_ = credits_
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        usd = self.usd

        credits_ = self.credits_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "usd": usd,
                "credits": credits_,
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
        usd = d.pop("usd", MISSING)
        if type(usd) is int and -SMALL_INT < usd < SMALL_INT:
            usd = Decimal(usd)
        elif (
            type(usd) is not Decimal
            or not usd.is_finite()
            or not -325 < usd.adjusted() < 308
            or len(str(usd)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            usd = as_number(usd, "usd", False)
        if type(usd) is Decimal and usd < 0:
            below_minimum(usd, "usd", "0")

        credits_ = d.pop("credits", MISSING)
        if type(credits_) is not int or not -SMALL_INT < credits_ < SMALL_INT:
            credits_ = as_integer(credits_, "credits", False)

        instance_ = cls.__new__(cls)
        instance_.usd = usd
        instance_.credits_ = credits_

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
