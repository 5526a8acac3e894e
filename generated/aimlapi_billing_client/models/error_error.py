from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    UNSET,
    Model,
    Unset,
    as_object,
    as_string,
)

T = TypeVar("T", bound="ErrorError")


class ErrorError(Model):
    """The underlying error (application/problem+json)."""

    __slots__ = ("additional_properties", "message", "name")
    __model_fields__ = (
        "name",
        "message",
    )

    name: str | Unset
    message: str | Unset
    additional_properties: dict[str, Any]

    def __init__(
        self,
        name: str | Unset = UNSET,
        message: str | Unset = UNSET,
    ) -> None:
        self.name = name
        self.message = message
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        name = d.pop("name", UNSET)
        if type(name) is not str:
            name = as_string(name, "name", False, True)

        message = d.pop("message", UNSET)
        if type(message) is not str:
            message = as_string(message, "message", False, True)

        instance_ = cls.__new__(cls)
        instance_.name = name
        instance_.message = message

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
