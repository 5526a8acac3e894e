from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    Model,
    as_map,
    as_object,
    as_string,
)

T = TypeVar("T", bound="PricingVariantWhen")


class PricingVariantWhen(Model):
    """The value of each of the price's `dimensions` this rate applies to.

    Example:
        {'resolution': '1080p'}

    """

    __slots__ = ("additional_properties",)
    __model_fields__ = ()

    additional_properties: dict[str, str]

    def __init__(
        self,
    ) -> None:
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        instance_ = cls.__new__(cls)

        instance_.additional_properties = as_map(d, as_string)
        return instance_

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> str:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: str) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
