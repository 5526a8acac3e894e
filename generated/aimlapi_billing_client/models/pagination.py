from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    Model,
    as_boolean,
    as_object,
    as_string,
)

T = TypeVar("T", bound="Pagination")


class Pagination(Model):
    __slots__ = ("additional_properties", "has_more", "next_cursor")
    __model_fields__ = (
        "next_cursor",
        "has_more",
    )

    next_cursor: None | str
    """ Pass this back as `cursor` to fetch the next page. Null on the last page. """
    has_more: bool
    """ Whether another page follows this one. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        next_cursor: None | str,
        has_more: bool,
    ) -> None:
        self.next_cursor = next_cursor
        self.has_more = has_more
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        next_cursor: None | str
        next_cursor = self.next_cursor

        has_more = self.has_more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "next_cursor": next_cursor,
                "has_more": has_more,
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
        next_cursor = d.pop("next_cursor", MISSING)
        if type(next_cursor) is not str:
            next_cursor = as_string(next_cursor, "next_cursor", True)

        has_more = d.pop("has_more", MISSING)
        if type(has_more) is not bool:
            has_more = as_boolean(has_more, "has_more", False)

        instance_ = cls.__new__(cls)
        instance_.next_cursor = next_cursor
        instance_.has_more = has_more

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
