from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import UNSET, Model, Unset

if TYPE_CHECKING:
    from ..models.request_counts import RequestCounts
    from ..models.token_counts import TokenCounts


T = TypeVar("T", bound="UsageGroup")


class UsageGroup(Model):
    __slots__ = ("additional_properties", "day", "model", "requests", "spend", "tokens")
    __model_fields__ = (
        "spend",
        "tokens",
        "requests",
        "day",
        "model",
    )

    spend: float
    """ Spend for this group, in USD. """
    tokens: TokenCounts
    """ Token counts for the request. Zero for models that are not billed per token. """
    requests: RequestCounts
    """ Request counts for this group. `total` counts every inference; `charged` counts only the billed ones. Failed
    inferences are billed nothing, so they appear in `total` and `failed` but not in `charged`. """
    day: str | Unset
    """ Present when grouping by day. The day boundary follows `tz`, defaulting to UTC. """
    model: str | Unset
    """ Present when grouping by model. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        spend: float,
        tokens: TokenCounts,
        requests: RequestCounts,
        day: str | Unset = UNSET,
        model: str | Unset = UNSET,
    ) -> None:
        self.spend = spend
        self.tokens = tokens
        self.requests = requests
        self.day = day
        self.model = model
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        spend = self.spend

        tokens = self.tokens.to_dict()

        requests = self.requests.to_dict()

        day = self.day

        model = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "spend": spend,
                "tokens": tokens,
                "requests": requests,
            }
        )
        if day is not UNSET:
            field_dict["day"] = day
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.request_counts import RequestCounts
        from ..models.token_counts import TokenCounts

        d = dict(src_dict)
        spend = d.pop("spend")

        tokens = TokenCounts.from_dict(d.pop("tokens"))

        requests = RequestCounts.from_dict(d.pop("requests"))

        day = d.pop("day", UNSET)

        model = d.pop("model", UNSET)

        usage_group = cls(
            spend=spend,
            tokens=tokens,
            requests=requests,
            day=day,
            model=model,
        )

        usage_group.additional_properties = d
        return usage_group

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
