from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    UNSET,
    Model,
    Unset,
    as_list,
    as_object,
    as_string,
)

T = TypeVar("T", bound="ModelModalities")


class ModelModalities(Model):
    """Present only with `?include=modalities` or `all`. Input and output modalities the model handles."""

    __slots__ = ("additional_properties", "input_", "output")
    __model_fields__ = (
        "input_",
        "output",
    )

    input_: list[str] | Unset
    output: list[str] | Unset
    additional_properties: dict[str, Any]

    def __init__(
        self,
        input_: list[str] | Unset = UNSET,
        output: list[str] | Unset = UNSET,
    ) -> None:
        self.input_ = input_
        self.output = output
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        input_: list[str] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_

        output: list[str] | Unset = UNSET
        if not isinstance(self.output, Unset):
            output = self.output

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if input_ is not UNSET:
            field_dict["input"] = input_
        if output is not UNSET:
            field_dict["output"] = output

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        input_ = d.pop("input", UNSET)
        input_ = as_list(input_, "input", as_string, False, True)

        output = d.pop("output", UNSET)
        output = as_list(output, "output", as_string, False, True)

        instance_ = cls.__new__(cls)
        instance_.input_ = input_
        instance_.output = output

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
