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
)

T = TypeVar("T", bound="MetricPercentiles")


class MetricPercentiles(Model):
    """End-to-end request duration, in milliseconds."""

    __slots__ = ("additional_properties", "p50", "p75", "p90", "p99")
    __model_fields__ = (
        "p50",
        "p75",
        "p90",
        "p99",
    )

    p50: Decimal
    p75: Decimal
    p90: Decimal
    p99: Decimal
    additional_properties: dict[str, Any]

    def __init__(
        self,
        p50: Decimal,
        p75: Decimal,
        p90: Decimal,
        p99: Decimal,
    ) -> None:
        if type(p50) is int and -SMALL_INT < p50 < SMALL_INT:
            p50 = Decimal(p50)
        elif (
            type(p50) is not Decimal
            or not p50.is_finite()
            or not -325 < p50.adjusted() < 308
            or len(str(p50)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p50 = as_number(p50, "p50", False)

        self.p50 = p50
        if type(p75) is int and -SMALL_INT < p75 < SMALL_INT:
            p75 = Decimal(p75)
        elif (
            type(p75) is not Decimal
            or not p75.is_finite()
            or not -325 < p75.adjusted() < 308
            or len(str(p75)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p75 = as_number(p75, "p75", False)

        self.p75 = p75
        if type(p90) is int and -SMALL_INT < p90 < SMALL_INT:
            p90 = Decimal(p90)
        elif (
            type(p90) is not Decimal
            or not p90.is_finite()
            or not -325 < p90.adjusted() < 308
            or len(str(p90)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p90 = as_number(p90, "p90", False)

        self.p90 = p90
        if type(p99) is int and -SMALL_INT < p99 < SMALL_INT:
            p99 = Decimal(p99)
        elif (
            type(p99) is not Decimal
            or not p99.is_finite()
            or not -325 < p99.adjusted() < 308
            or len(str(p99)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p99 = as_number(p99, "p99", False)

        self.p99 = p99
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        p50 = self.p50

        p75 = self.p75

        p90 = self.p90

        p99 = self.p99

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "p50": p50,
                "p75": p75,
                "p90": p90,
                "p99": p99,
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
        p50 = d.pop("p50", MISSING)
        if type(p50) is int and -SMALL_INT < p50 < SMALL_INT:
            p50 = Decimal(p50)
        elif (
            type(p50) is not Decimal
            or not p50.is_finite()
            or not -325 < p50.adjusted() < 308
            or len(str(p50)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p50 = as_number(p50, "p50", False)

        p75 = d.pop("p75", MISSING)
        if type(p75) is int and -SMALL_INT < p75 < SMALL_INT:
            p75 = Decimal(p75)
        elif (
            type(p75) is not Decimal
            or not p75.is_finite()
            or not -325 < p75.adjusted() < 308
            or len(str(p75)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p75 = as_number(p75, "p75", False)

        p90 = d.pop("p90", MISSING)
        if type(p90) is int and -SMALL_INT < p90 < SMALL_INT:
            p90 = Decimal(p90)
        elif (
            type(p90) is not Decimal
            or not p90.is_finite()
            or not -325 < p90.adjusted() < 308
            or len(str(p90)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p90 = as_number(p90, "p90", False)

        p99 = d.pop("p99", MISSING)
        if type(p99) is int and -SMALL_INT < p99 < SMALL_INT:
            p99 = Decimal(p99)
        elif (
            type(p99) is not Decimal
            or not p99.is_finite()
            or not -325 < p99.adjusted() < 308
            or len(str(p99)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            p99 = as_number(p99, "p99", False)

        instance_ = cls.__new__(cls)
        instance_.p50 = p50
        instance_.p75 = p75
        instance_.p90 = p90
        instance_.p99 = p99

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
