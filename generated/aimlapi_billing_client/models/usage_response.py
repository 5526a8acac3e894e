from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from ..types import Model

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
    spend: float
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
        spend: float,
        currency: str,
        requests: int,
    ) -> None:
        self.api_key_prefix = api_key_prefix
        self.start = start
        self.end = end
        self.spend = spend
        self.currency = currency
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
        d = dict(src_dict)

        def _parse_api_key_prefix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        api_key_prefix = _parse_api_key_prefix(d.pop("api_key_prefix"))

        start = d.pop("start")

        end = d.pop("end")

        spend = d.pop("spend")

        currency = d.pop("currency")

        requests = d.pop("requests")

        usage_response = cls(
            api_key_prefix=api_key_prefix,
            start=start,
            end=end,
            spend=spend,
            currency=currency,
            requests=requests,
        )

        usage_response.additional_properties = d
        return usage_response

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
