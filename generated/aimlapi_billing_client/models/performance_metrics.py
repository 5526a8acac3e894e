from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from ..types import (
    UNSET,
    Model,
    SchemaError,
    Unset,
    as_model,
    as_object,
)

if TYPE_CHECKING:
    from ..models.metric_percentiles import MetricPercentiles


T = TypeVar("T", bound="PerformanceMetrics")


class PerformanceMetrics(Model):
    """Only the metrics that apply to this model type and are backed by data in the window are present. A missing key means
    the metric does not apply, not that it is zero.

    """

    __slots__ = ("additional_properties", "duration_ms", "tps", "ttft_ms")
    __model_fields__ = (
        "ttft_ms",
        "tps",
        "duration_ms",
    )

    ttft_ms: MetricPercentiles | Unset
    """ End-to-end request duration, in milliseconds. """
    tps: MetricPercentiles | Unset
    """ End-to-end request duration, in milliseconds. """
    duration_ms: MetricPercentiles | Unset
    """ End-to-end request duration, in milliseconds. """
    additional_properties: dict[str, Any]

    def __init__(
        self,
        ttft_ms: MetricPercentiles | Unset = UNSET,
        tps: MetricPercentiles | Unset = UNSET,
        duration_ms: MetricPercentiles | Unset = UNSET,
    ) -> None:
        self.ttft_ms = ttft_ms
        self.tps = tps
        self.duration_ms = duration_ms
        self.additional_properties = {}

    def to_dict(self) -> dict[str, Any]:
        ttft_ms: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ttft_ms, Unset):
            ttft_ms = self.ttft_ms.to_dict()

        tps: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tps, Unset):
            tps = self.tps.to_dict()

        duration_ms: dict[str, Any] | Unset = UNSET
        if not isinstance(self.duration_ms, Unset):
            duration_ms = self.duration_ms.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if ttft_ms is not UNSET:
            field_dict["ttft_ms"] = ttft_ms
        if tps is not UNSET:
            field_dict["tps"] = tps
        if duration_ms is not UNSET:
            field_dict["duration_ms"] = duration_ms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        """Read a JSON object (as ``json.loads`` gives it), checking every field the spec names:
        a required field missing or a value of the wrong JSON type raises ``SchemaError`` naming
        the field. A number may be an int, a float or a ``Decimal``; it is kept as a ``Decimal``.
        The instance's fields are set directly (``__init__`` is not called)."""
        d = src_dict.copy() if type(src_dict) is dict else as_object(src_dict)
        ttft_ms = d.pop("ttft_ms", UNSET)
        if type(ttft_ms) is dict:
            try:
                ttft_ms = MetricPercentiles.from_dict(ttft_ms)
            except SchemaError as error_:
                raise error_.within("ttft_ms") from None
        else:
            ttft_ms = as_model(MetricPercentiles, ttft_ms, "ttft_ms", False, True)

        tps = d.pop("tps", UNSET)
        if type(tps) is dict:
            try:
                tps = MetricPercentiles.from_dict(tps)
            except SchemaError as error_:
                raise error_.within("tps") from None
        else:
            tps = as_model(MetricPercentiles, tps, "tps", False, True)

        duration_ms = d.pop("duration_ms", UNSET)
        if type(duration_ms) is dict:
            try:
                duration_ms = MetricPercentiles.from_dict(duration_ms)
            except SchemaError as error_:
                raise error_.within("duration_ms") from None
        else:
            duration_ms = as_model(
                MetricPercentiles, duration_ms, "duration_ms", False, True
            )

        instance_ = cls.__new__(cls)
        instance_.ttft_ms = ttft_ms
        instance_.tps = tps
        instance_.duration_ms = duration_ms

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
from ..models.metric_percentiles import MetricPercentiles
