from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from ..models.key_scope import KeyScope
from ..types import UNSET, Model, Unset

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
        from ..models.key_limit import KeyLimit

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _limit = d.pop("limit", UNSET)
        limit: KeyLimit | Unset
        if isinstance(_limit, Unset):
            limit = UNSET
        else:
            limit = KeyLimit.from_dict(_limit)

        def _parse_scopes(data: object) -> list[KeyScope] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                scopes_type_0 = []
                _scopes_type_0 = data
                for scopes_type_0_item_data in _scopes_type_0:
                    scopes_type_0_item = KeyScope(scopes_type_0_item_data)

                    scopes_type_0.append(scopes_type_0_item)

                return scopes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[KeyScope] | None | Unset, data)

        scopes = _parse_scopes(d.pop("scopes", UNSET))

        create_key_request = cls(
            name=name,
            limit=limit,
            scopes=scopes,
        )

        return create_key_request
