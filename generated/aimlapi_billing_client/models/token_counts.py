from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import Model

T = TypeVar("T", bound="TokenCounts")


class TokenCounts(Model):
    """Token counts for the request. Zero for models that are not billed per token."""

    __slots__ = ("additional_properties", "input_", "output", "total")
    __model_fields__ = (
        "input_",
        "output",
        "total",
    )

    input_: int
    output: int
    total: int
    additional_properties: dict[str, Any]

    def __init__(
        self,
        input_: int,
        output: int,
        total: int,
    ) -> None:
        self.input_ = input_
        self.output = output
        self.total = total
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        input_ = self.input_

        output = self.output

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "input": input_,
                "output": output,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        input_ = d.pop("input")

        output = d.pop("output")

        total = d.pop("total")

        token_counts = cls(
            input_=input_,
            output=output,
            total=total,
        )

        token_counts.additional_properties = d
        return token_counts

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
