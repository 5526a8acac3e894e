from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_integer,
    as_number,
    as_object,
    as_string,
)

T = TypeVar("T", bound="UsageResponse")


class UsageResponse(Model):
    __slots__ = (
        "additional_properties",
        "api_key_prefix",
        "currency",
        "end",
        "requests",
        "spend",
        "start",
    )
    __model_fields__ = (
        "api_key_prefix",
        "start",
        "end",
        "spend",
        "currency",
        "requests",
    )

    api_key_prefix: None | str
    """ The requested key prefix, or null when it was omitted and the answer is your own key's spend. """
    start: str
    """ Window start, resolved to UTC. """
    end: str
    """ Window end, resolved to UTC. """
    spend: Decimal
    """ Total spend for the key over the window, in USD. """
    currency: str
    """ Spend currency (always USD). """
    requests: int
    """ Number of charged requests in the window. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        api_key_prefix: None | str,
        start: str,
        end: str,
        spend: Decimal,
        currency: str,
        requests: int,
    ) -> None:
        self.api_key_prefix = api_key_prefix
        self.start = start
        self.end = end
        if type(spend) is int and -SMALL_INT < spend < SMALL_INT:
            spend = Decimal(spend)
        elif (
            type(spend) is not Decimal
            or not spend.is_finite()
            or not -325 < spend.adjusted() < 308
            or len(str(spend)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            spend = as_number(spend, "spend", False)

        self.spend = spend
        self.currency = currency
        if type(requests) is not int or not -SMALL_INT < requests < SMALL_INT:
            requests = as_integer(requests, "requests", False)

        self.requests = requests
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        api_key_prefix: None | str
        api_key_prefix = self.api_key_prefix

        start = self.start

        end = self.end

        spend = self.spend

        currency = self.currency

        requests = self.requests

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api_key_prefix": api_key_prefix,
                "start": start,
                "end": end,
                "spend": spend,
                "currency": currency,
                "requests": requests,
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
        api_key_prefix = d.pop("api_key_prefix", MISSING)
        if type(api_key_prefix) is not str:
            api_key_prefix = as_string(api_key_prefix, "api_key_prefix", True)

        start = d.pop("start", MISSING)
        if type(start) is not str:
            start = as_string(start, "start", False)

        end = d.pop("end", MISSING)
        if type(end) is not str:
            end = as_string(end, "end", False)

        spend = d.pop("spend", MISSING)
        if type(spend) is int and -SMALL_INT < spend < SMALL_INT:
            spend = Decimal(spend)
        elif (
            type(spend) is not Decimal
            or not spend.is_finite()
            or not -325 < spend.adjusted() < 308
            or len(str(spend)) > 100
        ):  # the common case passes inline; as_number decides the rest exactly (fits_number)
            spend = as_number(spend, "spend", False)

        currency = d.pop("currency", MISSING)
        if type(currency) is not str:
            currency = as_string(currency, "currency", False)

        requests = d.pop("requests", MISSING)
        if type(requests) is not int or not -SMALL_INT < requests < SMALL_INT:
            requests = as_integer(requests, "requests", False)

        instance_ = cls.__new__(cls)
        instance_.api_key_prefix = api_key_prefix
        instance_.start = start
        instance_.end = end
        instance_.spend = spend
        instance_.currency = currency
        instance_.requests = requests

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
