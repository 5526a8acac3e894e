from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from ..models.key_scope import KeyScope
from ..types import UNSET, Model, Unset

if TYPE_CHECKING:
    from ..models.key_limit import KeyLimit


T = TypeVar("T", bound="ReplaceKeyRequest")


class ReplaceKeyRequest(Model):
    __slots__ = ("additional_properties", "disabled", "limit", "name", "scopes")
    __model_fields__ = (
        "name",
        "disabled",
        "scopes",
        "limit",
    )

    name: None | str | Unset
    """ Human-readable, user-defined name for the API key. """
    disabled: bool | Unset
    """ Whether the key is disabled. """
    scopes: list[KeyScope] | None | Unset
    """ List of model access scopes assigned to the key. Defines which categories of models can be called using this
    API key. """
    limit: KeyLimit | None | Unset
    additional_properties: dict[str, Any]

    def __init__(
        self,
        name: None | str | Unset = UNSET,
        disabled: bool | Unset = UNSET,
        scopes: list[KeyScope] | None | Unset = UNSET,
        limit: KeyLimit | None | Unset = UNSET,
    ) -> None:
        self.name = name
        self.disabled = disabled
        self.scopes = scopes
        self.limit = limit
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        from ..models.key_limit import KeyLimit

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        disabled = self.disabled

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

        limit: dict[str, Any] | None | Unset
        if isinstance(self.limit, Unset):
            limit = UNSET
        elif isinstance(self.limit, KeyLimit):
            limit = self.limit.to_dict()
        else:
            limit = self.limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if disabled is not UNSET:
            field_dict["disabled"] = disabled
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if limit is not UNSET:
            field_dict["limit"] = limit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.key_limit import KeyLimit

        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        disabled = d.pop("disabled", UNSET)

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

        def _parse_limit(data: object) -> KeyLimit | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                limit_type_0 = KeyLimit.from_dict(data)

                return limit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KeyLimit | None | Unset, data)

        limit = _parse_limit(d.pop("limit", UNSET))

        replace_key_request = cls(
            name=name,
            disabled=disabled,
            scopes=scopes,
            limit=limit,
        )

        replace_key_request.additional_properties = d
        return replace_key_request

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
