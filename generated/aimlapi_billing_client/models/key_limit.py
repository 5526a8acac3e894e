from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..models.key_limit_retention import KeyLimitRetention
from ..types import (
    SMALL_INT,
    UNSET,
    Model,
    Unset,
    as_enum,
    as_number,
    as_object,
    below_minimum,
)

T = TypeVar("T", bound="KeyLimit")


class KeyLimit(Model):
    """Spending limits configuration (if set)."""

    __slots__ = ("additional_properties", "retention", "threshold")
    __model_fields__ = (
        "retention",
        "threshold",
    )

    retention: KeyLimitRetention | Unset
    threshold: Decimal | Unset
    """ Spending limit threshold for the selected period, in USD. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        retention: KeyLimitRetention | Unset = UNSET,
        threshold: Decimal | Unset = UNSET,
    ) -> None:
        self.retention = retention
        if type(threshold) is int and -SMALL_INT < threshold < SMALL_INT:
            threshold = Decimal(threshold)
        elif (
            type(threshold) is not Decimal
            or not threshold.is_finite()
            or not -325 < threshold.adjusted() < 308
            or len(str(threshold)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            threshold = as_number(threshold, "threshold", False, True)
        if type(threshold) is Decimal and threshold < 0:
            below_minimum(threshold, "threshold", "0")

        self.threshold = threshold
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        retention: str | Unset = UNSET
        if not isinstance(self.retention, Unset):
            retention = self.retention.value

        threshold = self.threshold

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if retention is not UNSET:
            field_dict["retention"] = retention
        if threshold is not UNSET:
            field_dict["threshold"] = threshold

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        retention = d.pop("retention", UNSET)
        retention = as_enum(KeyLimitRetention, retention, "retention", False, True)

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
        if type(threshold) is Decimal and threshold < 0:
            below_minimum(threshold, "threshold", "0")

        instance_ = cls.__new__(cls)
        instance_.retention = retention
        instance_.threshold = threshold

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
