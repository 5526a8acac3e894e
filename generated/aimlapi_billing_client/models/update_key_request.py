from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..models.key_scope import KeyScope
from ..types import (
    UNSET,
    Model,
    SchemaError,
    Unset,
    as_boolean,
    as_enum,
    as_list,
    as_model,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.key_limit import KeyLimit


T = TypeVar("T", bound="UpdateKeyRequest")


class UpdateKeyRequest(Model):
    __slots__ = ("additional_properties", "disabled", "limit", "name", "scopes")
    __model_fields__ = (
        "name",
        "disabled",
        "limit",
        "scopes",
    )

    name: str | Unset
    """ Optional human-readable name of the API key. """
    disabled: bool | Unset
    """ Enable or disable the API key. """
    limit: KeyLimit | Unset
    """ Spending limits configuration (if set). """
    scopes: list[KeyScope] | None | Unset
    """ List of model access scopes assigned to the key. Defines which categories of models can be called using this
    API key. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        name: str | Unset = UNSET,
        disabled: bool | Unset = UNSET,
        limit: KeyLimit | Unset = UNSET,
        scopes: list[KeyScope] | None | Unset = UNSET,
    ) -> None:
        self.name = name
        self.disabled = disabled
        self.limit = limit
        self.scopes = scopes
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        disabled = self.disabled

        limit: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limit, Unset):
            limit = self.limit.to_dict()

        scopes: list[str] | None | Unset
        if isinstance(self.scopes, Unset):
            scopes = UNSET
        elif isinstance(self.scopes, list):
            scopes = []
            for scopes_type_0_item_data in self.scopes:
                scopes_type_0_item = scopes_type_0_item_data.value
                scopes.append(scopes_type_0_item)

        else:
            scopes = self.scopes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if limit is not UNSET:
            field_dict["limit"] = limit
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

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

        disabled = d.pop("disabled", UNSET)
        if type(disabled) is not bool:
            disabled = as_boolean(disabled, "disabled", False, True)

        limit = d.pop("limit", UNSET)
        if type(limit) is dict:
            try:
                limit = KeyLimit.from_dict(limit)
            except SchemaError as error_:
                raise error_.within("limit") from None
        else:
            limit = as_model(KeyLimit, limit, "limit", False, True)

        scopes = d.pop("scopes", UNSET)
        scopes = as_list(
            scopes,
            "scopes",
            lambda item: as_enum(KeyScope, item, "", False),
            True,
            True,
        )

        instance_ = cls.__new__(cls)
        instance_.name = name
        instance_.disabled = disabled
        instance_.limit = limit
        instance_.scopes = scopes

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
from ..models.key_limit import KeyLimit
