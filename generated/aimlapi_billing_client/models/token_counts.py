from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_integer,
    as_object,
)

T = TypeVar("T", bound="TokenCounts")


class TokenCounts(Model):
    """Token counts for the request. Zero for models that are not billed per token."""

    __slots__ = ("additional_properties", "input_", "output", "total")
    __model_fields__ = (
        "input_",
        "output",
        "total",
    )

    input_: int
    output: int
    total: int
    additional_properties: dict[str, Any]

    def __init__(
        self,
        input_: int,
        output: int,
        total: int,
    ) -> None:
        if type(input_) is not int or not -SMALL_INT < input_ < SMALL_INT:
            input_ = as_integer(input_, "input", False)

        self.input_ = input_
        if type(output) is not int or not -SMALL_INT < output < SMALL_INT:
            output = as_integer(output, "output", False)

        self.output = output
        if type(total) is not int or not -SMALL_INT < total < SMALL_INT:
            total = as_integer(total, "total", False)

        self.total = total
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_

        output = self.output

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
                "output": output,
                "total": total,
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
        input_ = d.pop("input", MISSING)
        if type(input_) is not int or not -SMALL_INT < input_ < SMALL_INT:
            input_ = as_integer(input_, "input", False)

        output = d.pop("output", MISSING)
        if type(output) is not int or not -SMALL_INT < output < SMALL_INT:
            output = as_integer(output, "output", False)

        total = d.pop("total", MISSING)
        if type(total) is not int or not -SMALL_INT < total < SMALL_INT:
            total = as_integer(total, "total", False)

        instance_ = cls.__new__(cls)
        instance_.input_ = input_
        instance_.output = output
        instance_.total = total

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
