from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..models.key_scope import KeyScope
from ..types import (
    UNSET,
    Model,
    SchemaError,
    Unset,
    as_enum,
    as_list,
    as_model,
    as_object,
    as_string,
)

if TYPE_CHECKING:
    from ..models.key_limit import KeyLimit


T = TypeVar("T", bound="CreateKeyRequest")


class CreateKeyRequest(Model):
    __slots__ = ("limit", "name", "scopes")
    __model_fields__ = (
        "name",
        "limit",
        "scopes",
    )

    name: str | Unset
    """ Optional human-readable name of the API key. """
    limit: KeyLimit | Unset
    """ Spending limits configuration (if set). """
    scopes: list[KeyScope] | None | Unset
    """ List of model access scopes assigned to the key. Defines which categories of models can be called using this
    API key. """

    def __init__(
        self,
        name: str | Unset = UNSET,
        limit: KeyLimit | Unset = UNSET,
        scopes: list[KeyScope] | None | Unset = UNSET,
    ) -> None:
        self.name = name
        self.limit = limit
        self.scopes = scopes

    def to_dict(self) -> dict[str, Any]:
        name = self.name

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

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
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
        instance_.limit = limit
        instance_.scopes = scopes

        return instance_


# The models this one holds: imported once, here at the end, not in from_dict (an import statement
# there would run for every answer read). Two models that hold each other still load in either
# order: each class is defined before the other's module asks for it.
from ..models.key_limit import KeyLimit
