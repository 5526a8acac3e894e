from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_boolean,
    as_integer,
    as_object,
)

T = TypeVar("T", bound="LogsPagination")


class LogsPagination(Model):
    __slots__ = ("additional_properties", "has_more", "limit", "offset", "total")
    __model_fields__ = (
        "limit",
        "offset",
        "total",
        "has_more",
    )

    limit: int
    offset: int
    total: int
    """ Total rows matching the query across all pages. """
    has_more: bool
    """ Whether another page follows this one. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        limit: int,
        offset: int,
        total: int,
        has_more: bool,
    ) -> None:
        if type(limit) is not int or not -SMALL_INT < limit < SMALL_INT:
            limit = as_integer(limit, "limit", False)

        self.limit = limit
        if type(offset) is not int or not -SMALL_INT < offset < SMALL_INT:
            offset = as_integer(offset, "offset", False)

        self.offset = offset
        if type(total) is not int or not -SMALL_INT < total < SMALL_INT:
            total = as_integer(total, "total", False)

        self.total = total
        self.has_more = has_more
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        offset = self.offset

        total = self.total

        has_more = self.has_more

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "limit": limit,
                "offset": offset,
                "total": total,
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
        limit = d.pop("limit", MISSING)
        if type(limit) is not int or not -SMALL_INT < limit < SMALL_INT:
            limit = as_integer(limit, "limit", False)

        offset = d.pop("offset", MISSING)
        if type(offset) is not int or not -SMALL_INT < offset < SMALL_INT:
            offset = as_integer(offset, "offset", False)

        total = d.pop("total", MISSING)
        if type(total) is not int or not -SMALL_INT < total < SMALL_INT:
            total = as_integer(total, "total", False)

        has_more = d.pop("has_more", MISSING)
        if type(has_more) is not bool:
            has_more = as_boolean(has_more, "has_more", False)

        instance_ = cls.__new__(cls)
        instance_.limit = limit
        instance_.offset = offset
        instance_.total = total
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
