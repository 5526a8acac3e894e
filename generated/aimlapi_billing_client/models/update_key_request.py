from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from ..models.key_scope import KeyScope
from ..types import UNSET, Model, Unset

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
        from ..models.key_limit import KeyLimit

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        disabled = d.pop("disabled", UNSET)

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

        update_key_request = cls(
            name=name,
            disabled=disabled,
            limit=limit,
            scopes=scopes,
        )

        update_key_request.additional_properties = d
        return update_key_request

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
