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

T = TypeVar("T", bound="DeletedApiKey")


class DeletedApiKey(Model):
    __slots__ = ("additional_properties", "deleted", "prefix")
    __model_fields__ = (
        "prefix",
        "deleted",
    )

    prefix: str
    """ Prefix of the deleted API key. """
    deleted: bool
    """ Indicates whether the key was successfully deleted. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        prefix: str,
        deleted: bool,
    ) -> None:
        self.prefix = prefix
        self.deleted = deleted
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        prefix = self.prefix

        deleted = self.deleted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prefix": prefix,
                "deleted": deleted,
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
        prefix = d.pop("prefix", MISSING)
        if type(prefix) is not str:
            prefix = as_string(prefix, "prefix", False)

        deleted = d.pop("deleted", MISSING)
        if type(deleted) is not bool:
            deleted = as_boolean(deleted, "deleted", False)

        instance_ = cls.__new__(cls)
        instance_.prefix = prefix
        instance_.deleted = deleted

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
