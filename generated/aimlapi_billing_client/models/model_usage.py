from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import Model

T = TypeVar("T", bound="ModelUsage")


class ModelUsage(Model):
    __slots__ = ("additional_properties", "model", "requests", "spend")
    __model_fields__ = (
        "model",
        "spend",
        "requests",
    )

    model: str
    """ Model name. """
    spend: float
    """ Spend for this model, in USD. """
    requests: int
    """ Charged requests for this model. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        model: str,
        spend: float,
        requests: int,
    ) -> None:
        self.model = model
        self.spend = spend
        self.requests = requests
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        spend = self.spend

        requests = self.requests

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "spend": spend,
                "requests": requests,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = d.pop("model")

        spend = d.pop("spend")

        requests = d.pop("requests")

        model_usage = cls(
            model=model,
            spend=spend,
            requests=requests,
        )

        model_usage.additional_properties = d
        return model_usage

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
