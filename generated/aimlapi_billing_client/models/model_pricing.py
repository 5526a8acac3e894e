from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..models.pricing_kind import PricingKind
from ..types import (
    UNSET,
    Model,
    Unset,
    as_enum,
    as_list,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.pricing_unit import PricingUnit
    from ..models.pricing_variant import PricingVariant


T = TypeVar("T", bound="ModelPricing")


class ModelPricing(Model):
    """Present only with `?include=pricing` or `all`. Read `kind` first: `fixed` quotes one rate per unit, `variants`
    quotes a rate per parameter combination, `variable` cannot be quoted ahead of the request.

    """

    __slots__ = (
        "additional_properties",
        "currency",
        "dimensions",
        "kind",
        "units",
        "variants",
    )
    __model_fields__ = (
        "kind",
        "currency",
        "units",
        "dimensions",
        "variants",
    )

    kind: PricingKind | Unset
    currency: str | Unset
    units: list[PricingUnit] | Unset
    """ Rates for a `fixed` price. Always read `price` together with `per`. """
    dimensions: list[str] | Unset
    """ Request parameters the rate depends on, for a `variants` price. """
    variants: list[PricingVariant] | Unset
    """ One quoted rate per parameter combination, for a `variants` price. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        kind: PricingKind | Unset = UNSET,
        currency: str | Unset = UNSET,
        units: list[PricingUnit] | Unset = UNSET,
        dimensions: list[str] | Unset = UNSET,
        variants: list[PricingVariant] | Unset = UNSET,
    ) -> None:
        self.kind = kind
        self.currency = currency
        self.units = units
        self.dimensions = dimensions
        self.variants = variants
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        currency = self.currency

        units: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.units, Unset):
            units = []
            for units_item_data in self.units:
                units_item = units_item_data.to_dict()
                units.append(units_item)

        dimensions: list[str] | Unset = UNSET
        if not isinstance(self.dimensions, Unset):
            dimensions = self.dimensions

        variants: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.variants, Unset):
            variants = []
            for variants_item_data in self.variants:
                variants_item = variants_item_data.to_dict()
                variants.append(variants_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if currency is not UNSET:
            field_dict["currency"] = currency
        if units is not UNSET:
            field_dict["units"] = units
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions
        if variants is not UNSET:
            field_dict["variants"] = variants

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        kind = d.pop("kind", UNSET)
        kind = as_enum(PricingKind, kind, "kind", False, True)

        currency = d.pop("currency", UNSET)
        if type(currency) is not str:
            currency = as_string(currency, "currency", False, True)

        units = d.pop("units", UNSET)
        units = as_list(units, "units", PricingUnit.from_dict, False, True)

        dimensions = d.pop("dimensions", UNSET)
        dimensions = as_list(dimensions, "dimensions", as_string, False, True)

        variants = d.pop("variants", UNSET)
        variants = as_list(variants, "variants", PricingVariant.from_dict, False, True)

        instance_ = cls.__new__(cls)
        instance_.kind = kind
        instance_.currency = currency
        instance_.units = units
        instance_.dimensions = dimensions
        instance_.variants = variants

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
from ..models.pricing_unit import PricingUnit
from ..models.pricing_variant import PricingVariant
