from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    UNSET,
    Model,
    Unset,
    as_number,
    as_object,
    as_string,
)

T = TypeVar("T", bound="PricingUnit")


class PricingUnit(Model):
    """One rate of a `fixed` price: `price` USD for every `per` units of `name`."""

    __slots__ = ("additional_properties", "measure", "name", "per", "price")
    __model_fields__ = (
        "name",
        "price",
        "per",
        "measure",
    )

    name: str
    """ What is counted, for example `token`, `second` or `megapixel`. """
    price: Decimal
    """ The charge in USD for `per` units. """
    per: Decimal
    """ How many units `price` is for (`1000000` for most token rates, `1` for per-second rates). """
    measure: str | Unset
    """ Which of them, where it matters, for example `input` or `output` tokens. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        name: str,
        price: Decimal,
        per: Decimal,
        measure: str | Unset = UNSET,
    ) -> None:
        self.name = name
        if type(price) is int and -SMALL_INT < price < SMALL_INT:
            price = Decimal(price)
        elif (
            type(price) is not Decimal
            or not price.is_finite()
            or not -325 < price.adjusted() < 308
            or len(str(price)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            price = as_number(price, "price", False)

        self.price = price
        if type(per) is int and -SMALL_INT < per < SMALL_INT:
            per = Decimal(per)
        elif (
            type(per) is not Decimal
            or not per.is_finite()
            or not -325 < per.adjusted() < 308
            or len(str(per)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            per = as_number(per, "per", False)

        self.per = per
        self.measure = measure
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        price = self.price

        per = self.per

        measure = self.measure

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "price": price,
                "per": per,
            }
        )
        if measure is not UNSET:
            field_dict["measure"] = measure

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        name = d.pop("name", MISSING)
        if type(name) is not str:
            name = as_string(name, "name", False)

        price = d.pop("price", MISSING)
        if type(price) is int and -SMALL_INT < price < SMALL_INT:
            price = Decimal(price)
        elif (
            type(price) is not Decimal
            or not price.is_finite()
            or not -325 < price.adjusted() < 308
            or len(str(price)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            price = as_number(price, "price", False)

        per = d.pop("per", MISSING)
        if type(per) is int and -SMALL_INT < per < SMALL_INT:
            per = Decimal(per)
        elif (
            type(per) is not Decimal
            or not per.is_finite()
            or not -325 < per.adjusted() < 308
            or len(str(per)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            per = as_number(per, "per", False)

        measure = d.pop("measure", UNSET)
        if type(measure) is not str:
            measure = as_string(measure, "measure", False, True)

        instance_ = cls.__new__(cls)
        instance_.name = name
        instance_.price = price
        instance_.per = per
        instance_.measure = measure

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
