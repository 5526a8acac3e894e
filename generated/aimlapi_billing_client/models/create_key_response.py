from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import Model

if TYPE_CHECKING:
    from ..models.created_api_key import CreatedApiKey


T = TypeVar("T", bound="CreateKeyResponse")


class CreateKeyResponse(Model):
    __slots__ = ("additional_properties", "data")
    __model_fields__ = ("data",)

    data: CreatedApiKey
    additional_properties: dict[str, Any]

    def __init__(
        self,
        data: CreatedApiKey,
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
        from ..models.created_api_key import CreatedApiKey

        d = dict(src_dict)
        data = CreatedApiKey.from_dict(d.pop("data"))

        create_key_response = cls(
            data=data,
        )

        create_key_response.additional_properties = d
        return create_key_response

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
