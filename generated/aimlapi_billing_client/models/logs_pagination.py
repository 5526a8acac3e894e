from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import Model

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
        self.limit = limit
        self.offset = offset
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
        d = dict(src_dict)
        limit = d.pop("limit")

        offset = d.pop("offset")

        total = d.pop("total")

        has_more = d.pop("has_more")

        logs_pagination = cls(
            limit=limit,
            offset=offset,
            total=total,
            has_more=has_more,
        )

        logs_pagination.additional_properties = d
        return logs_pagination

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
