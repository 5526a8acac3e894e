from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from ..types import (
    MISSING,
    SMALL_INT,
    Model,
    as_integer,
    as_object,
)

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
        if type(total) is not int or not -SMALL_INT < total < SMALL_INT:
            total = as_integer(total, "total", False)

        self.total = total
        if type(charged) is not int or not -SMALL_INT < charged < SMALL_INT:
            charged = as_integer(charged, "charged", False)

        self.charged = charged
        if type(succeeded) is not int or not -SMALL_INT < succeeded < SMALL_INT:
            succeeded = as_integer(succeeded, "succeeded", False)

        self.succeeded = succeeded
        if type(failed) is not int or not -SMALL_INT < failed < SMALL_INT:
            failed = as_integer(failed, "failed", False)

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
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        total = d.pop("total", MISSING)
        if type(total) is not int or not -SMALL_INT < total < SMALL_INT:
            total = as_integer(total, "total", False)

        charged = d.pop("charged", MISSING)
        if type(charged) is not int or not -SMALL_INT < charged < SMALL_INT:
            charged = as_integer(charged, "charged", False)

        succeeded = d.pop("succeeded", MISSING)
        if type(succeeded) is not int or not -SMALL_INT < succeeded < SMALL_INT:
            succeeded = as_integer(succeeded, "succeeded", False)

        failed = d.pop("failed", MISSING)
        if type(failed) is not int or not -SMALL_INT < failed < SMALL_INT:
            failed = as_integer(failed, "failed", False)

        instance_ = cls.__new__(cls)
        instance_.total = total
        instance_.charged = charged
        instance_.succeeded = succeeded
        instance_.failed = failed

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
