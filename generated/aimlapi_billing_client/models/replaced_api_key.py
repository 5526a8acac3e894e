from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    UNSET,
    Model,
    SchemaError,
    Unset,
    as_boolean,
    as_datetime,
    as_list,
    as_model,
    as_number,
    as_object,
    as_string,
    below_minimum,
)

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
    monthly_usage: Decimal
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
        monthly_usage: Decimal,
        name: None | str | Unset = UNSET,
        scopes: list[str] | None | Unset = UNSET,
        limit: KeyLimit | None | Unset = UNSET,
    ) -> None:
        self.prefix = prefix
        self.disabled = disabled
        self.created_at = created_at
        self.updated_at = updated_at
        if type(monthly_usage) is int and -SMALL_INT < monthly_usage < SMALL_INT:
            monthly_usage = Decimal(monthly_usage)
        elif (
            type(monthly_usage) is not Decimal
            or not monthly_usage.is_finite()
            or not -325 < monthly_usage.adjusted() < 308
            or len(str(monthly_usage)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            monthly_usage = as_number(monthly_usage, "monthly_usage", False)
        if type(monthly_usage) is Decimal and monthly_usage < 0:
            below_minimum(monthly_usage, "monthly_usage", "0")

        self.monthly_usage = monthly_usage
        self.name = name
        self.scopes = scopes
        self.limit = limit
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
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
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        prefix = d.pop("prefix", MISSING)
        if type(prefix) is not str:
            prefix = as_string(prefix, "prefix", False)

        disabled = d.pop("disabled", MISSING)
        if type(disabled) is not bool:
            disabled = as_boolean(disabled, "disabled", False)

        created_at = d.pop("created_at", MISSING)
        created_at = as_datetime(created_at, "created_at", False)

        updated_at = d.pop("updated_at", MISSING)
        updated_at = as_datetime(updated_at, "updated_at", False)

        monthly_usage = d.pop("monthly_usage", MISSING)
        if type(monthly_usage) is int and -SMALL_INT < monthly_usage < SMALL_INT:
            monthly_usage = Decimal(monthly_usage)
        elif (
            type(monthly_usage) is not Decimal
            or not monthly_usage.is_finite()
            or not -325 < monthly_usage.adjusted() < 308
            or len(str(monthly_usage)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            monthly_usage = as_number(monthly_usage, "monthly_usage", False)
        if type(monthly_usage) is Decimal and monthly_usage < 0:
            below_minimum(monthly_usage, "monthly_usage", "0")

        name = d.pop("name", UNSET)
        if type(name) is not str:
            name = as_string(name, "name", True, True)

        scopes = d.pop("scopes", UNSET)
        scopes = as_list(scopes, "scopes", as_string, True, True)

        limit = d.pop("limit", UNSET)
        if type(limit) is dict:
            try:
                limit = KeyLimit.from_dict(limit)
            except SchemaError as error_:
                raise error_.within("limit") from None
        else:
            limit = as_model(KeyLimit, limit, "limit", True, True)

        instance_ = cls.__new__(cls)
        instance_.prefix = prefix
        instance_.disabled = disabled
        instance_.created_at = created_at
        instance_.updated_at = updated_at
        instance_.monthly_usage = monthly_usage
        instance_.name = name
        instance_.scopes = scopes
        instance_.limit = limit

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
