from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    Model,
    SchemaError,
    as_model,
    as_object,
)

if TYPE_CHECKING:
    from ..models.latest_api_key import LatestApiKey


T = TypeVar("T", bound="LatestKeyResponse")


class LatestKeyResponse(Model):
    __slots__ = ("additional_properties", "data")
    __model_fields__ = ("data",)

    data: LatestApiKey
    additional_properties: dict[str, Any]

    def __init__(
        self,
        data: LatestApiKey,
    ) -> None:
        self.data = data
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
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
        if type(data) is dict:
            try:
                data = LatestApiKey.from_dict(data)
            except SchemaError as error_:
                raise error_.within("data") from None
        else:
            data = as_model(LatestApiKey, data, "data", False)

        instance_ = cls.__new__(cls)
        instance_.data = data

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
from ..models.latest_api_key import LatestApiKey
