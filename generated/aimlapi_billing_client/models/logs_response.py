from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    Model,
    SchemaError,
    as_list,
    as_model,
    as_object,
)

if TYPE_CHECKING:
    from ..models.log_entry import LogEntry
    from ..models.logs_pagination import LogsPagination


T = TypeVar("T", bound="LogsResponse")


class LogsResponse(Model):
    __slots__ = ("additional_properties", "data", "pagination")
    __model_fields__ = (
        "data",
        "pagination",
    )

    data: list[LogEntry]
    """ The requested page of request rows. """
    pagination: LogsPagination
    additional_properties: dict[str, Any]

    def __init__(
        self,
        data: list[LogEntry],
        pagination: LogsPagination,
    ) -> None:
        self.data = data
        self.pagination = pagination
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        pagination = self.pagination.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "pagination": pagination,
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
        data = d.pop("data", MISSING)
        data = as_list(data, "data", LogEntry.from_dict, False)

        pagination = d.pop("pagination", MISSING)
        if type(pagination) is dict:
            try:
                pagination = LogsPagination.from_dict(pagination)
            except SchemaError as error_:
                raise error_.within("pagination") from None
        else:
            pagination = as_model(LogsPagination, pagination, "pagination", False)

        instance_ = cls.__new__(cls)
        instance_.data = data
        instance_.pagination = pagination

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


# The models this one holds: imported once, here at the end, not in from_dict (an import statement
# there would run for every answer read). Two models that hold each other still load in either
# order: each class is defined before the other's module asks for it.
from ..models.log_entry import LogEntry
from ..models.logs_pagination import LogsPagination
