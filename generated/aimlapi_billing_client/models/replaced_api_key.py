from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from ..types import UNSET, Model, Unset

if TYPE_CHECKING:
    from ..models.key_limit import KeyLimit


T = TypeVar("T", bound="ReplacedApiKey")


class ReplacedApiKey(Model):
    __slots__ = (
        "additional_properties",
        "created_at",
        "disabled",
        "limit",
        "monthly_usage",
        "name",
        "prefix",
        "scopes",
        "updated_at",
    )
    __model_fields__ = (
        "prefix",
        "disabled",
        "created_at",
        "updated_at",
        "monthly_usage",
        "name",
        "scopes",
        "limit",
    )

    prefix: str
    """ Key prefix. This is the first 8 characters of your API key, visible in the dashboard. You can also obtain
    this value via the GET method (see the `prefix` field in its response). """
    disabled: bool
    """ Indicates whether the key is disabled. """
    created_at: datetime.datetime
    """ Creation timestamp (UTC). """
    updated_at: datetime.datetime
    """ Last update timestamp (UTC). """
    monthly_usage: float
    """ Current monthly usage amount. """
    name: None | str | Unset
    """ Human-readable, user-defined name for the API key. """
    scopes: list[str] | None | Unset
    """ List of model access scopes assigned to the key. Defines which categories of models can be called using this
    API key. """
    limit: KeyLimit | None | Unset
    additional_properties: dict[str, Any]

    def __init__(
        self,
        prefix: str,
        disabled: bool,
        created_at: datetime.datetime,
        updated_at: datetime.datetime,
        monthly_usage: float,
        name: None | str | Unset = UNSET,
        scopes: list[str] | None | Unset = UNSET,
        limit: KeyLimit | None | Unset = UNSET,
    ) -> None:
        self.prefix = prefix
        self.disabled = disabled
        self.created_at = created_at
        self.updated_at = updated_at
        self.monthly_usage = monthly_usage
        self.name = name
        self.scopes = scopes
        self.limit = limit
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        from ..models.key_limit import KeyLimit

        prefix = self.prefix

        disabled = self.disabled

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        monthly_usage = self.monthly_usage

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        scopes: list[str] | None | Unset
        if isinstance(self.scopes, Unset):
            scopes = UNSET
        elif isinstance(self.scopes, list):
            scopes = self.scopes

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
        field_dict.update(
            {
                "prefix": prefix,
                "disabled": disabled,
                "created_at": created_at,
                "updated_at": updated_at,
                "monthly_usage": monthly_usage,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if limit is not UNSET:
            field_dict["limit"] = limit

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.key_limit import KeyLimit

        d = dict(src_dict)
        prefix = d.pop("prefix")

        disabled = d.pop("disabled")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        monthly_usage = d.pop("monthly_usage")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_scopes(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                scopes_type_0 = cast(list[str], data)

                return scopes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

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

        replaced_api_key = cls(
            prefix=prefix,
            disabled=disabled,
            created_at=created_at,
            updated_at=updated_at,
            monthly_usage=monthly_usage,
            name=name,
            scopes=scopes,
            limit=limit,
        )

        replaced_api_key.additional_properties = d
        return replaced_api_key

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
