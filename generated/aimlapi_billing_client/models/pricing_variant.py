from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    SchemaError,
    as_model,
    as_number,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.pricing_variant_when import PricingVariantWhen


T = TypeVar("T", bound="PricingVariant")


class PricingVariant(Model):
    """The rate of a `variants` price when the request's parameters are as in `when`."""

    __slots__ = ("additional_properties", "per", "price", "unit", "when")
    __model_fields__ = (
        "when",
        "price",
        "unit",
        "per",
    )

    when: PricingVariantWhen
    """ The value of each of the price's `dimensions` this rate applies to. """
    price: Decimal
    """ The charge in USD for `per` units. """
    unit: str
    """ What is counted, for example `second`. """
    per: Decimal
    """ How many units `price` is for. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        when: PricingVariantWhen,
        price: Decimal,
        unit: str,
        per: Decimal,
    ) -> None:
        self.when = when
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
        self.unit = unit
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
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        when = self.when.to_dict()

        price = self.price

        unit = self.unit

        per = self.per

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "when": when,
                "price": price,
                "unit": unit,
                "per": per,
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
        when = d.pop("when", MISSING)
        if type(when) is dict:
            try:
                when = PricingVariantWhen.from_dict(when)
            except SchemaError as error_:
                raise error_.within("when") from None
        else:
            when = as_model(PricingVariantWhen, when, "when", False)

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

        unit = d.pop("unit", MISSING)
        if type(unit) is not str:
            unit = as_string(unit, "unit", False)

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

        instance_ = cls.__new__(cls)
        instance_.when = when
        instance_.price = price
        instance_.unit = unit
        instance_.per = per

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


# The models this one holds: imported once, here at the end, not in from_dict (an import statement
# there would run for every answer read). Two models that hold each other still load in either
# order: each class is defined before the other's module asks for it.
from ..models.pricing_variant_when import PricingVariantWhen
