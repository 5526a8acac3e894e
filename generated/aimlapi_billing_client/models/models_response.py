from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    Model,
    as_list,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.catalogue_model import CatalogueModel


T = TypeVar("T", bound="ModelsResponse")


class ModelsResponse(Model):
    __slots__ = ("additional_properties", "data", "object_")
    __model_fields__ = (
        "object_",
        "data",
    )

    object_: str
    """ Always "list". """
    data: list[CatalogueModel]
    additional_properties: dict[str, Any]

    def __init__(
        self,
        object_: str,
        data: list[CatalogueModel],
    ) -> None:
        self.object_ = object_
        self.data = data
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
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
        object_ = d.pop("object", MISSING)
        if type(object_) is not str:
            object_ = as_string(object_, "object", False)

        data = d.pop("data", MISSING)
        data = as_list(data, "data", CatalogueModel.from_dict, False)

        instance_ = cls.__new__(cls)
        instance_.object_ = object_
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
from ..models.catalogue_model import CatalogueModel
