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
    as_string,
)

T = TypeVar("T", bound="ModelUsage")


class ModelUsage(Model):
    __slots__ = ("additional_properties", "model", "requests", "spend")
    __model_fields__ = (
        "model",
        "spend",
        "requests",
    )

    model: str
    """ Model name. """
    spend: Decimal
    """ Spend for this model, in USD. """
    requests: int
    """ Charged requests for this model. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        model: str,
        spend: Decimal,
        requests: int,
    ) -> None:
        self.model = model
        if type(spend) is int and -SMALL_INT < spend < SMALL_INT:
            spend = Decimal(spend)
        elif (
            type(spend) is not Decimal
            or not spend.is_finite()
            or not -325 < spend.adjusted() < 308
            or len(str(spend)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            spend = as_number(spend, "spend", False)

        self.spend = spend
        if type(requests) is not int or not -SMALL_INT < requests < SMALL_INT:
            requests = as_integer(requests, "requests", False)

        self.requests = requests
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        spend = self.spend

        requests = self.requests

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "spend": spend,
                "requests": requests,
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
        model = d.pop("model", MISSING)
        if type(model) is not str:
            model = as_string(model, "model", False)

        spend = d.pop("spend", MISSING)
        if type(spend) is int and -SMALL_INT < spend < SMALL_INT:
            spend = Decimal(spend)
        elif (
            type(spend) is not Decimal
            or not spend.is_finite()
            or not -325 < spend.adjusted() < 308
            or len(str(spend)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            spend = as_number(spend, "spend", False)

        requests = d.pop("requests", MISSING)
        if type(requests) is not int or not -SMALL_INT < requests < SMALL_INT:
            requests = as_integer(requests, "requests", False)

        instance_ = cls.__new__(cls)
        instance_.model = model
        instance_.spend = spend
        instance_.requests = requests

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
