from __future__ import annotations

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
    as_model,
    as_number,
    as_object,
    as_string,
)

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

    spend: Decimal
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
        spend: Decimal,
        tokens: TokenCounts,
        requests: RequestCounts,
        day: str | Unset = UNSET,
        model: str | Unset = UNSET,
    ) -> None:
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
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
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

        tokens = d.pop("tokens", MISSING)
        if type(tokens) is dict:
            try:
                tokens = TokenCounts.from_dict(tokens)
            except SchemaError as error_:
                raise error_.within("tokens") from None
        else:
            tokens = as_model(TokenCounts, tokens, "tokens", False)

        requests = d.pop("requests", MISSING)
        if type(requests) is dict:
            try:
                requests = RequestCounts.from_dict(requests)
            except SchemaError as error_:
                raise error_.within("requests") from None
        else:
            requests = as_model(RequestCounts, requests, "requests", False)

        day = d.pop("day", UNSET)
        if type(day) is not str:
            day = as_string(day, "day", False, True)

        model = d.pop("model", UNSET)
        if type(model) is not str:
            model = as_string(model, "model", False, True)

        instance_ = cls.__new__(cls)
        instance_.spend = spend
        instance_.tokens = tokens
        instance_.requests = requests
        instance_.day = day
        instance_.model = model

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
from ..models.request_counts import RequestCounts
from ..models.token_counts import TokenCounts
