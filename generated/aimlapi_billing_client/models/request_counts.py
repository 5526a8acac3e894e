from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import Model

T = TypeVar("T", bound="RequestCounts")


class RequestCounts(Model):
    """Request counts for this group. `total` counts every inference; `charged` counts only the billed ones. Failed
    inferences are billed nothing, so they appear in `total` and `failed` but not in `charged`.

    """

    __slots__ = ("additional_properties", "charged", "failed", "succeeded", "total")
    __model_fields__ = (
        "total",
        "charged",
        "succeeded",
        "failed",
    )

    total: int
    charged: int
    succeeded: int
    failed: int
    additional_properties: dict[str, Any]

    def __init__(
        self,
        total: int,
        charged: int,
        succeeded: int,
        failed: int,
    ) -> None:
        self.total = total
        self.charged = charged
        self.succeeded = succeeded
        self.failed = failed
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        charged = self.charged

        succeeded = self.succeeded

        failed = self.failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "total": total,
                "charged": charged,
                "succeeded": succeeded,
                "failed": failed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        total = d.pop("total")

        charged = d.pop("charged")

        succeeded = d.pop("succeeded")

        failed = d.pop("failed")

        request_counts = cls(
            total=total,
            charged=charged,
            succeeded=succeeded,
            failed=failed,
        )

        request_counts.additional_properties = d
        return request_counts

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
